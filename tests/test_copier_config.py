"""copier.yml itself: question order, defaults, help texts and settings."""

import pytest
from conftest import QUESTIONS, TEMPLATE_ROOT, check_answer_keys, load_copier_config
from packaging.version import Version

EXPECTED_ORDER = [
    "project_name",
    "project_slug",
    "package_name",
    "project_description",
    "project_version",
    "author_name",
    "author_email",
    "github_username",
    "python_version",
    "project_type",
    "include_tests",
    "test_coverage_threshold",
    "include_pre_commit",
    "include_github_actions",
    "include_justfile",
    "license",
    "copyright_year",
    "include_docker",
    "docker_strategy",
    "docker_registry",
    "license_spdx",
]


def test_questions_in_order():
    assert list(QUESTIONS) == EXPECTED_ORDER


COMPUTED = ("project_slug", "license_spdx")


@pytest.mark.parametrize("name", [q for q in EXPECTED_ORDER if q not in COMPUTED])
def test_every_asked_question_has_help_and_default(name):
    question = QUESTIONS[name]
    assert question.get("help", "").strip(), f"{name} has no help text"
    assert "default" in question, f"{name} has no default, so --defaults would stop"
    assert len(question["help"]) <= 100, f"{name}: keep help texts short"


@pytest.mark.parametrize("name", COMPUTED)
def test_computed_values_are_not_asked(name):
    assert QUESTIONS[name]["when"] is False


def test_docker_is_opt_in():
    assert QUESTIONS["include_docker"]["default"] is False
    assert "include_docker" in QUESTIONS["docker_strategy"]["when"]


def test_settings():
    config = load_copier_config()
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
