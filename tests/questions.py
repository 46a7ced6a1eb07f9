"""copier.yml as the tests read it: the questions, their choices, and the
computed values (`when: false`) evaluated by copier.yml's own rules.

Tests never spell a rule such as "serves HTTP" again: they ask `effective`
for the value copier would compute for the same answers.
"""

from __future__ import annotations

import jinja2
import pytest
import yaml
from commands import TEMPLATE_ROOT

CONFIG: dict = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text(encoding="utf-8"))
QUESTIONS: dict[str, dict] = {k: v for k, v in CONFIG.items() if not k.startswith("_")}
COMPUTED: list[str] = [name for name, spec in QUESTIONS.items() if spec.get("when") is False]
ASKED: list[str] = [name for name in QUESTIONS if name not in COMPUTED]

_JINJA = jinja2.Environment(undefined=jinja2.StrictUndefined)


def choices(question: str) -> list:
    """The values a question accepts, in copier.yml's order."""
    listed = QUESTIONS[question]["choices"]
    return list(listed.values()) if isinstance(listed, dict) else list(listed)


def check_answer_keys(answers: dict) -> None:
    """Refuse answers to questions copier.yml does not ask (copier would ignore them)."""
    unknown = sorted(set(answers) - set(ASKED))
    if unknown:
        pytest.fail(f"answers for questions copier.yml does not ask: {', '.join(unknown)}")


def _cast(kind: str, text: str):
    if kind == "bool":
        return yaml.safe_load(text) is True
    if kind == "int":
        return int(text)
    if kind == "yaml":
        return yaml.safe_load(text)
    return text.strip()


def effective(**answers) -> dict:
    """Every answer a render with these answers uses: the defaults of the asked
    questions (plain values; templated defaults left out), the given answers,
    and each computed value, evaluated in copier.yml's order."""
    check_answer_keys(answers)
    values = {
        name: spec["default"]
        for name, spec in QUESTIONS.items()
        if name in ASKED and "{{" not in str(spec.get("default", ""))
    }
    values.update(answers)
    # package_name's default is the project name with underscores.
    values.setdefault("package_name", values["project_name"].replace("-", "_"))
    for name in COMPUTED:
        rendered = _JINJA.from_string(str(QUESTIONS[name]["default"])).render(values)
        values[name] = _cast(QUESTIONS[name].get("type", "str"), rendered)
    return values
