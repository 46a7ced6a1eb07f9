"""Bad answers are refused with a message naming the problem, and nothing is written."""

import subprocess
import sys

import pytest
from commands import TEMPLATE_ROOT, copy_plainly
from distribution import DESCRIPTION_LIMIT
from questions import check_answer_keys

BAD_ANSWERS = [
    ("project_name", "my project", "lowercase letters"),
    ("project_name", "MyProject", "lowercase letters"),
    ("project_name", "1project", "starting with a letter"),
    ("project_name", "my--project", "single dashes"),
    ("project_name", "a" * 41, "is 41 characters long: 40 at most"),
    ("package_name", "a" * 41, "is 41 characters long: 40 at most"),
    ("package_name", "my-package", "not a valid Python identifier"),
    ("package_name", "3d", "not a valid Python identifier"),
    ("package_name", "class", "Python keyword"),
    ("package_name", "import", "Python keyword"),
    ("author_email", "not-an-email", "not a valid email"),
    ("author_email", "a@b", "not a valid email"),
    ("author_email", "two words@example.com", "not a valid email"),
    ("security_email", "security", "security_email 'security' is not a valid email"),
    ("project_version", "1.0", "X.Y.Z"),
    ("project_version", "v1.0.0", "X.Y.Z"),
    ("test_coverage_threshold", 101, "between 0 and 100"),
    ("test_coverage_threshold", -1, "between 0 and 100"),
    ("github_username", "-bad-", "github_username"),
    ("copyright_year", "26", "four-digit year"),
    ("project_description", "   ", "must not be empty"),
    # The MCP Registry's limit on server.json's description (the default type).
    ("project_description", "é" * 101, "is 101 characters long: an MCP server's is at most 100"),
    ("project_description", "two\nlines", "one line of text"),
    ("author_name", "tab\there", "one line of text"),
    # What YAML reads as a line break or cannot print (PyYAML, Helm's Go YAML).
    ("project_description", "one\u2028two", "one line of text"),
    ("author_name", "next\x85line", "one line of text"),
    ("project_description", "\ufeffmarked", "one line of text"),
    ("author_email", 'quoted"@example.com', "not a valid email"),
    ("author_email", "back\x08space@example.com", "not a valid email"),
    ("python_version", "3.9", "3.9"),
    ("project_type", "webapp", "webapp"),
    ("license", "WTFPL", "WTFPL"),
    ("docker_strategy", "sometimes", "sometimes"),
]


@pytest.mark.parametrize(("question", "value", "message"), BAD_ANSWERS)
def test_bad_answer_is_refused_and_nothing_written(tmp_path, question, value, message):
    data = {question: value}
    if question == "docker_strategy":
        data["include_docker"] = True
    check_answer_keys(data)
    destination = tmp_path / "project"
    with pytest.raises(ValueError, match=message):
        copy_plainly(destination, data)
    assert not destination.exists() or not any(destination.iterdir())


def test_the_registry_limit_is_an_mcp_servers_alone(tmp_path):
    """Other types have no server.json: their description may be longer."""
    description = "A library " + "x" * DESCRIPTION_LIMIT
    copy_plainly(tmp_path, {"project_type": "library", "project_description": description})
    assert f'description = "{description}"' in (tmp_path / "pyproject.toml").read_text()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"docker_strategy": "production"},
            "a library has no program to run in a production image",
        ),
        (
            {"include_tests": False},
            "include_docker gives a library its test image alone, which needs include_tests",
        ),
    ],
)
def test_a_library_gets_no_production_image(tmp_path, data, message):
    """A library's Docker support is its test image: a production image for
    it is refused, as is Docker without the tests the test image runs."""
    answers = {"project_type": "library", "include_docker": True, **data}
    with pytest.raises(ValueError, match=message):
        copy_plainly(tmp_path / "p", answers)
    assert not (tmp_path / "p").exists() or not any((tmp_path / "p").iterdir())


def copier_cli_copy(destination, *data: str) -> subprocess.CompletedProcess:
    """`copier copy --defaults --data ...` as a user types it."""
    options = [arg for pair in data for arg in ("--data", pair)]
    command = ["copy", "--defaults", "--vcs-ref", "HEAD", *options]
    command += [str(TEMPLATE_ROOT), str(destination)]
    return subprocess.run(
        [sys.executable, "-m", "copier", *command], capture_output=True, text=True
    )


def test_cli_prints_the_reason_and_leaves_no_destination(tmp_path):
    destination = tmp_path / "project"
    result = copier_cli_copy(destination, "project_name=My Project")
    assert result.returncode != 0
    # copier's CLI ends with the validator's message (it prints a traceback above it).
    assert "project_name 'My Project' is invalid" in result.stderr.strip().splitlines()[-1]
    assert not destination.exists()


def test_cli_refuses_bad_registry_for_docker(tmp_path):
    destination = tmp_path / "project"
    result = copier_cli_copy(
        destination, "include_docker=true", "docker_registry=GHCR.io/Acme Corp"
    )
    assert result.returncode != 0
    assert "docker_registry" in result.stderr.strip().splitlines()[-1]
    assert not destination.exists()
