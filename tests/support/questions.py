"""copier.yml as the tests read it: the questions, their choices, and the
computed values (`when: false`) evaluated by copier.yml's own rules.

Tests never spell a rule such as "serves HTTP" again: they ask `effective`
for the value copier would compute for the same answers.
"""

from __future__ import annotations

import functools

import jinja2
import pytest
import yaml
from commands import TEMPLATE_ROOT
from jinja2.sandbox import SandboxedEnvironment

CONFIG: dict = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text(encoding="utf-8"))
QUESTIONS: dict[str, dict] = {k: v for k, v in CONFIG.items() if not k.startswith("_")}
COMPUTED: list[str] = [name for name, spec in QUESTIONS.items() if spec.get("when") is False]
ASKED: list[str] = [name for name in QUESTIONS if name not in COMPUTED]

# The environment copier renders copier.yml's templates in: sandboxed, with the
# Ansible filters (regex_search, strftime) it loads by default.
_JINJA = SandboxedEnvironment(
    extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
    undefined=jinja2.StrictUndefined,
)


@functools.cache
def _compiled(source: str) -> jinja2.Template:
    """A template of copier.yml's, compiled once: a draw of answers renders each many times."""
    return _JINJA.from_string(source)


def choices(question: str) -> list:
    """The values a question accepts, in copier.yml's order. Choices written as a
    template (python_version's) are rendered from the values before them, as
    copier renders them."""
    listed = QUESTIONS[question]["choices"]
    if isinstance(listed, str):
        listed = yaml.safe_load(_compiled(listed).render(effective()))
    return list(listed.values()) if isinstance(listed, dict) else list(listed)


def newer_pythons() -> list[str]:
    """The python_version choices newer than the default: the host tiers run
    generated projects on this machine's interpreters, which stop at the
    default; these run in their stand-in bases (tests/docker/test_docker_pythons.py)."""
    offered = choices("python_version")
    return offered[offered.index(QUESTIONS["python_version"]["default"]) + 1 :]


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


def is_asked(question: str, values: dict) -> bool:
    """Whether copier asks the question, given the values before it."""
    when = QUESTIONS[question].get("when", True)
    if isinstance(when, str):
        return _cast("bool", _compiled(when).render(values))
    return bool(when)


def docker_strategies(project_type: str) -> list[str]:
    """The docker_strategy a render of this type with Docker can have: every
    choice where copier asks, else the default alone (a library's test image)."""
    values = effective(project_type=project_type, include_docker=True)
    if is_asked("docker_strategy", values):
        return choices("docker_strategy")
    return [values["docker_strategy"]]


def refusal(question: str, answer, values: dict) -> str:
    """What the question's validator says of the answer ("" when it accepts it),
    given the values before it."""
    validator = QUESTIONS[question].get("validator", "")
    return _compiled(validator).render({**values, question: answer}).strip()


def effective(**answers) -> dict:
    """Every answer a render with these answers uses, in copier.yml's order: the
    given answers, each other question's default (rendered, when it is a
    template, from the values before it), and each computed value."""
    check_answer_keys(answers)
    values: dict = {}
    for name, spec in QUESTIONS.items():
        if name in answers:
            values[name] = answers[name]
            continue
        default = spec.get("default")
        if isinstance(default, str) and "{{" in default:
            rendered = _compiled(default).render(values)
            values[name] = _cast(spec.get("type", "str"), rendered)
        else:
            values[name] = default
    return values
