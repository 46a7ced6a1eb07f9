"""Fast tier: the schemas a generated MCP server's distribution files are
checked against are the published ones, and copier.yml keeps their limits.

(Every MCP render in the answer-space tests goes through
distribution.check_the_distribution_files.)"""

from __future__ import annotations

import re

import pytest
from distribution import (
    BUNDLE_SCHEMA,
    DESCRIPTION_LIMIT,
    REGISTRY,
    REGISTRY_SCHEMA,
    SERVER_FIELDS,
    recorded_sha256,
    sha256,
)
from questions import QUESTIONS, effective


@pytest.mark.parametrize("schema", [REGISTRY_SCHEMA, BUNDLE_SCHEMA], ids=lambda p: p.parent.name)
def test_each_schema_is_the_copy_its_source_note_records(schema):
    assert sha256(schema) == recorded_sha256(schema)
    assert (schema.parent / "LICENSE").is_file(), "their MIT licences ask for the notice"


def test_the_registry_schema_is_the_dated_one_server_json_names():
    assert (
        REGISTRY["$id"]
        == "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
    )


def test_copier_refuses_descriptions_the_registry_would():
    validator = QUESTIONS["project_description"]["validator"]
    limits = re.findall(
        r"project_type == 'mcp_server' and project_description \| length > (\d+)", validator
    )
    assert [int(limit) for limit in limits] == [DESCRIPTION_LIMIT]


@pytest.mark.parametrize("owner", ["your-username", "Acme-Labs", "a"])
def test_every_registry_name_fits_the_registry_pattern(owner):
    name = SERVER_FIELDS["name"]
    longest = "a" * 40
    registry_name = effective(github_username=owner, project_name=longest)["registry_name"]
    assert re.fullmatch(name["pattern"], registry_name)
    assert len(registry_name) <= name["maxLength"]
    assert registry_name == f"io.github.{owner}/{longest}", "the owner's case as GitHub has it"
