"""The answers copier.yml accepts, as hypothesis strategies.

Each question's strategy comes from its own entry: its choices, its type, or
the pattern and the length its validator checks; a free-text question (a
string with no pattern) gets any text, weighted towards the characters that
mean something to YAML, TOML, Jinja, just and the shell. Questions are drawn
in copier.yml's order, only where copier would ask them, and each answer goes
through its question's own validator as copier renders it; a question with a
computed default (package_name from project_name) keeps it half the time. So
every draw is an answer set a user could type.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from commands import copy_plainly
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from questions import ASKED, QUESTIONS, choices, effective, is_asked, refusal

# The pattern a validator requires: `{% if not (x | regex_search('...')) %}`,
# or the name of a computed value that holds it.
_REQUIRED = re.compile(r"if not \(\w+ \| regex_search\((?:'((?:[^'\\]|\\.)*)'|(\w+))\)\)")
_LONGEST = re.compile(r"length > (\d+)")
_BOUNDS = re.compile(r"< (-?\d+) or \w+ > (-?\d+)")

# Pieces that mean something to one of the formats the answers end up in.
SPECIAL = [
    '"',
    "'",
    "\\",
    "\\\\",
    "\\n",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "${",
    "$(",
    ")",
    "`",
    "#",
    ": ",
    " #",
    "- ",
    "&",
    "*",
    "|",
    ">",
    "!",
    "@",
    "%",
    "~",
    "?",
    ",",
    "[",
    "]",
    "{",
    "}",
    "<",
    "=",
    ";",
    "'''",
    '"""',
    " ",
    "  ",
    "é",
    "ß",
    "ñ",
    "Ω",
    "漢字",
    "ﬁ",
    "\u00a0",
    "\u200d",
    "🚀",
    "👩\u200d💻",
    "🇫🇷",
]


def _text() -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(SPECIAL), st.text(min_size=1, max_size=6))
    return st.lists(piece, min_size=1, max_size=12).map("".join)


def _string(question: str) -> st.SearchStrategy[str]:
    validator = QUESTIONS[question].get("validator", "")
    required = _REQUIRED.search(validator)
    if required is None:
        return _text()
    literal, named = required.groups()
    # Jinja reads a pattern in quotes as a string literal first (`\\.` is `\.`).
    pattern = QUESTIONS[named]["default"] if named else literal.encode().decode("unicode_escape")
    drawn = st.from_regex(pattern, fullmatch=True)
    longest = _LONGEST.search(validator)
    if longest is None:
        return drawn
    limit = int(longest[1])
    # Up to the limit as well: a match repeated and cut there (the validator
    # then throws away a cut that no longer matches).
    return st.one_of(drawn, drawn.map(lambda text: (text * limit)[:limit]))


def _integer(question: str) -> st.SearchStrategy[int]:
    low, high = _BOUNDS.search(QUESTIONS[question]["validator"]).groups()
    return st.integers(int(low), int(high))


def _strategy(question: str) -> st.SearchStrategy:
    spec = QUESTIONS[question]
    if "choices" in spec:
        return st.sampled_from(choices(question))
    kind = spec.get("type", "str")
    if kind == "bool":
        return st.booleans()
    if kind == "int":
        return _integer(question)
    return _string(question)


_TAKE_DEFAULT = object()


def _accepted(question: str, answer, values: dict) -> bool:
    """The validator accepts the answer (or, for _TAKE_DEFAULT, the default,
    which is not always valid: project_name `if` gives package_name `if`)."""
    return not refusal(question, values[question] if answer is _TAKE_DEFAULT else answer, values)


@st.composite
def answer_sets(draw, **fixed) -> dict:
    """Answers to every question copier asks for them, each one its validator
    accepts; `fixed` answers some questions beforehand."""
    answers: dict = {}
    for question in ASKED:
        values = effective(**answers)
        if not is_asked(question, values):
            continue
        if question in fixed:
            answer = fixed[question]
        else:
            strategy = _strategy(question)
            default = QUESTIONS[question].get("default")
            if isinstance(default, str) and "{{" in default:
                strategy = st.one_of(st.just(_TAKE_DEFAULT), strategy)
            answer = draw(strategy.filter(lambda a, q=question, v=values: _accepted(q, a, v)))
            if answer is _TAKE_DEFAULT:
                continue
        assert not refusal(question, answer, values), (question, answer)
        answers[question] = answer
    return answers


# How much of the space a run draws. "ci" (the default) draws the same answers
# on every run, and reports a failing draw as it found it (shrinking it, a
# render per step, can take minutes); "explore" (--hypothesis-profile=explore)
# draws new ones, many more, and shrinks. Either way a failing draw is kept in
# .hypothesis/ and tried first next time. INSTALLS: how many drawn projects
# the slow tier installs and tests.
PROFILES = {
    "ci": {"max_examples": 8, "phases": [Phase.explicit, Phase.reuse, Phase.generate]},
    "explore": {"max_examples": 200},
}
INSTALLS = {"ci": 1, "explore": 12}
SEED = 20261201


def register_profiles() -> None:
    for name, budget in PROFILES.items():
        settings.register_profile(
            name,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            print_blob=True,
            **budget,
        )
    settings.load_profile("ci")


def seeded(test: Callable) -> Callable:
    """The test with the fixed seed, under the "ci" profile."""
    return seed(SEED)(test) if settings.get_current_profile_name() == "ci" else test


def installs() -> int:
    """How many drawn projects the slow tier installs, under the current profile."""
    return INSTALLS[settings.get_current_profile_name()]


def render_plainly(answers: dict, parent: Path) -> Path:
    """Render as a user does, without --trust (commands.copy_plainly)."""
    return copy_plainly(parent / "project", answers)
