"""copier.yml itself: question order, defaults, help texts, settings, and the
rule that each derived idea is named once (a computed value) and used by name."""

import re
import tomllib

import pytest
from commands import TEMPLATE_ROOT, text_of
from packaging.version import Version
from questions import CONFIG, QUESTIONS, check_answer_keys, choices, effective

# Every question in copier.yml's order, and whether it is computed (when: false).
EXPECTED = [
    ("project_name", False),
    ("project_slug", True),
    ("package_name", False),
    ("project_type", False),
    ("unprintable", True),
    ("project_description", False),
    ("project_version", False),
    ("author_name", False),
    ("email_address", True),
    ("author_email", False),
    ("security_email", False),
    ("github_username", False),
    ("python_versions", True),
    ("python_version", False),
    ("include_examples", False),
    ("include_tests", False),
    ("test_coverage_threshold", False),
    ("include_pre_commit", False),
    ("include_github_actions", False),
    ("include_justfile", False),
    ("include_docs", False),
    ("license", False),
    ("pypi_auth_method", False),
    ("copyright_year", False),
    ("include_docker", False),
    ("docker_strategy", False),
    ("description_quoted", True),
    ("author_quoted", True),
    ("license_spdx", True),
    ("serves_http", True),
    ("mcp_examples", True),
    ("env_prefix", True),
    ("host_variable", True),
    ("entry_module", True),
    ("docker_production", True),
    ("docker_tests", True),
    ("image_serves_http", True),
    ("dotenv_settings", True),
    ("python_versions_tested", True),
    ("uv_version", True),
    ("copier_version", True),
    ("mcp_inspector", True),
    ("mcp_conformance", True),
    ("conformance_suite", True),
    ("registry_name", True),
    ("icon_url", True),
    ("bundle_python", True),
    ("mcpb_cli", True),
    ("docker_registry", False),
    ("n8n_workflow", True),
    ("include_kubernetes", False),
    ("kubernetes_chart", True),
    ("chart_settings", True),
]
EXPECTED_ORDER = [name for name, _ in EXPECTED]
COMPUTED = tuple(name for name, computed in EXPECTED if computed)


def test_questions_in_order():
    assert list(QUESTIONS) == EXPECTED_ORDER


@pytest.mark.parametrize("name", [q for q in EXPECTED_ORDER if q not in COMPUTED])
def test_every_asked_question_has_help_and_default(name):
    question = QUESTIONS[name]
    assert question.get("help", "").strip(), f"{name} has no help text"
    assert "default" in question, f"{name} has no default, so --defaults would stop"
    assert len(question["help"]) <= 100, f"{name}: keep help texts short"


@pytest.mark.parametrize("name", COMPUTED)
def test_computed_values_are_not_asked(name):
    assert QUESTIONS[name]["when"] is False


def test_only_the_computed_values_are_never_asked():
    assert [name for name, spec in QUESTIONS.items() if spec.get("when") is False] == list(COMPUTED)


def test_docker_is_opt_in():
    assert QUESTIONS["include_docker"]["default"] is False
    assert "include_docker" in QUESTIONS["docker_strategy"]["when"]


TEMPLATE_DIR = TEMPLATE_ROOT / "template"
TEMPLATE_PATHS = sorted(TEMPLATE_DIR.rglob("*"))


def template_text() -> str:
    """Every file name and file body under template/, and copier.yml's
    validators, templated choices and message."""
    names = "\n".join(str(p.relative_to(TEMPLATE_DIR)) for p in TEMPLATE_PATHS)
    bodies = "\n".join(text_of(p) for p in TEMPLATE_PATHS if p.is_file())
    validators = "\n".join(spec.get("validator", "") for spec in QUESTIONS.values())
    templated = [spec.get("choices") for spec in QUESTIONS.values()]
    offered = "\n".join(c for c in templated if isinstance(c, str))
    return "\n".join([names, bodies, validators, offered, CONFIG["_message_after_copy"]])


def test_file_names_hold_no_compound_condition():
    for path in TEMPLATE_PATHS:
        for condition in re.findall(r"\{%-? if (.+?) -?%\}", path.name):
            simple = re.fullmatch(r"(not )?\w+|\w+ == '\w+'", condition)
            assert simple, f"{path.relative_to(TEMPLATE_DIR)}: name {condition!r} in copier.yml"


# The deepest path is an MCP server's module of the kit: the package's name,
# the kit's condition and the module's own (template/src/.../kit/...).
LONGEST_PATH = 135


def test_template_paths_stay_readable():
    longest = max(TEMPLATE_PATHS, key=lambda p: len(str(p.relative_to(TEMPLATE_ROOT))))
    assert len(str(longest.relative_to(TEMPLATE_ROOT))) <= LONGEST_PATH, longest


@pytest.mark.parametrize("name", COMPUTED)
def test_each_computed_value_is_used_by_name(name):
    assert re.search(rf"\b{name}\b", template_text()), f"{name} is computed but never used"


# Pinned values (the patterns two validators share, the pinned tools): named
# once in copier.yml, used by name, never written again.
PINS = [n for n in COMPUTED if "{{" not in str(QUESTIONS[n]["default"])]
RULES = [
    n
    for n in COMPUTED
    if n not in PINS and not re.fullmatch(r"\{\{ \w+ \}\}", QUESTIONS[n]["default"])
]


def test_every_computed_value_but_the_slug_and_the_pins_is_a_rule():
    assert PINS == [
        "unprintable",
        "email_address",
        "python_versions",
        "uv_version",
        "copier_version",
        "mcp_inspector",
        "mcp_conformance",
        "mcpb_cli",
    ]
    assert [n for n in COMPUTED if n not in ("project_slug", *PINS)] == RULES


@pytest.mark.parametrize("name", PINS)
def test_no_pinned_value_is_written_again(name):
    assert str(QUESTIONS[name]["default"]) not in template_text()


def test_the_copier_that_updates_projects_is_the_one_the_template_is_tested_with():
    lock = tomllib.loads((TEMPLATE_ROOT / "uv.lock").read_text(encoding="utf-8"))
    locked = [package["version"] for package in lock["package"] if package["name"] == "copier"]
    assert locked == [QUESTIONS["copier_version"]["default"]]


@pytest.mark.parametrize("version", choices("python_version"))
def test_tested_pythons_run_from_the_minimum_to_the_newest_choice(version):
    offered = choices("python_version")
    tested = effective(python_version=version)["python_versions_tested"]
    assert tested == offered[offered.index(version) :]


@pytest.mark.parametrize("name", RULES)
def test_no_computed_rule_is_spelled_again(name):
    """The condition a computed value names appears nowhere else: not in the
    template, not in another question's `when` or default."""
    rule = re.fullmatch(r"\{\{ (.+) \}\}", str(QUESTIONS[name]["default"]).strip(), re.S)
    assert rule, f"{name}'s default is not one expression"
    expression = " ".join(rule[1].split())
    others = [template_text()] + [
        str(spec.get(key, ""))
        for other, spec in QUESTIONS.items()
        if other != name
        for key in ("when", "default", "validator")
    ]
    flattened = [" ".join(text.split()) for text in others]
    assert not [text for text in flattened if expression in text], expression


def test_settings():
    config = CONFIG
    assert config["_subdirectory"] == "template"
    assert Version(str(config["_min_copier_version"])) >= Version("9.15")
    assert config["_envops"]["undefined"] == "jinja2.StrictUndefined"
    # Tasks and extensions would make `copier copy` require --trust.
    assert "_tasks" not in config
    assert "_jinja_extensions" not in config
    assert "_migrations" not in config


def test_answers_file_template_is_shipped():
    answers_template = TEMPLATE_ROOT / "template" / "{{_copier_conf.answers_file}}.jinja"
    assert "_copier_answers" in answers_template.read_text(encoding="utf-8")


def test_unknown_answer_keys_fail_the_test():
    with pytest.raises(pytest.fail.Exception, match="no_such_question"):
        check_answer_keys({"project_name": "ok", "no_such_question": True})
