"""CHANGELOG.md reads as release notes: Keep a Changelog's form, a version
that pyproject.toml agrees with, and in the newest release one line per
change, each linking to a document that exists, without the maintainers'
own account (commit ids, test tiers), which stays in the git history."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from commands import TEMPLATE_ROOT
from packaging.version import Version
from releases import CURRENT, PREVIOUS, PUBLIC

CHANGELOG = TEMPLATE_ROOT / "CHANGELOG.md"
TEXT = CHANGELOG.read_text(encoding="utf-8")
RELEASE = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?$", re.M)
# Keep a Changelog's kinds of change, in its order.
KINDS = ["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"]
MAX_LINES = 150
LINK = re.compile(r"\]\(([^)\s]+)\)")
# What belongs to the maintainers' account, not to release notes.
MAINTAINERS_TALK = re.compile(
    r"\b(?:[0-9a-f]{7,40}|fast tier|slow tier|Docker tier|arm64 tier|pytest-xdist|"
    r"xdist|worker|\.ci/run|tests/)\b",
    re.IGNORECASE,
)


def sections() -> dict[str, str]:
    """Each release's heading version, and its text up to the next release."""
    found = list(RELEASE.finditer(TEXT))
    ends = [m.start() for m in found[1:]] + [len(TEXT)]
    return {m["version"]: TEXT[m.end() : end] for m, end in zip(found, ends, strict=True)}


def newest_release() -> tuple[str, str]:
    released = [(v, body) for v, body in sections().items() if v != "Unreleased"]
    return released[0]


def test_releases_run_newest_first_under_an_unreleased_heading():
    versions = list(sections())
    assert versions[0] == "Unreleased"
    released = [Version(v) for v in versions[1:]]
    assert released == sorted(released, reverse=True)
    assert {PREVIOUS, PUBLIC} <= set(versions)


def test_pyproject_version_and_the_changelog_agree():
    """Released: pyproject.toml's version is the newest section, dated, and
    Unreleased is empty. In development: it is newer than every section."""
    version, _ = newest_release()
    dated = {m["version"]: m["date"] for m in RELEASE.finditer(TEXT)}
    if version == CURRENT:
        assert dated[CURRENT], f"## [{CURRENT}] has no date"
        assert sections()["Unreleased"].strip() == "", "released, yet Unreleased holds notes"
    else:
        assert Version(CURRENT) > Version(version), (CURRENT, version)


def test_the_newest_release_is_short_and_in_keep_a_changelog_form():
    _, body = newest_release()
    lines = body.strip().splitlines()
    assert len(lines) <= MAX_LINES
    kinds = re.findall(r"^### (.+)$", body, re.M)
    assert kinds and set(kinds) <= set(KINDS), kinds
    assert kinds == sorted(kinds, key=KINDS.index)
    assert not re.search(r"^#### ", body, re.M), "one level of headings under a release"


def test_each_change_is_one_line_that_links_to_what_explains_it():
    _, body = newest_release()
    for kind in re.split(r"^### .+$", body, flags=re.M)[1:]:
        entries = [line for line in kind.strip().splitlines() if line]
        assert entries, "an empty kind of change"
        for entry in entries:
            assert entry.startswith("- "), f"not one line per change: {entry}"
            assert LINK.search(entry), f"no link: {entry}"
        # Breaking changes first, where a reader looks before updating.
        breaking = [entry.startswith("- **Breaking:**") for entry in entries]
        assert breaking == sorted(breaking, reverse=True), "a breaking change after another"


def test_the_newest_release_holds_no_maintainers_account():
    _, body = newest_release()
    prose = LINK.sub("]()", body)  # a link's target may hold anything
    found = MAINTAINERS_TALK.findall(prose)
    assert not found, found


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = heading.strip().lower().replace("`", "")
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(document: Path) -> set[str]:
    text = document.read_text(encoding="utf-8")
    return {slug(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}


@pytest.mark.parametrize("target", sorted(set(LINK.findall(newest_release()[1]))))
def test_every_link_of_the_newest_release_resolves(target):
    assert not target.startswith(("http:", "https:")), "notes link to this repository's docs"
    path, _, anchor = target.partition("#")
    document = TEMPLATE_ROOT / path
    assert document.exists(), path
    if anchor:
        assert anchor in anchors(document), f"{path} has no heading #{anchor}"


def test_slug_follows_github():
    assert slug("3. Migrate") == "3-migrate"
    assert slug("The MCP server: your files, the template's kit") == (
        "the-mcp-server-your-files-the-templates-kit"
    )
    assert slug("New, if you want them") == "new-if-you-want-them"


def test_the_readme_updates_to_this_release():
    readme = " ".join((TEMPLATE_ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"copier update --defaults --vcs-ref v{CURRENT}" in readme
