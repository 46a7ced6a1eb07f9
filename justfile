# Tasks of the chora-base template repository itself.

# List the recipes
default:
    @just --list

# Install the test tools into .venv, exactly as uv.lock pins them
install:
    uv sync --locked

# Bring uv.lock in line with pyproject.toml (--upgrade: newer releases too)
lock *ARGS:
    uv lock {{ ARGS }}

# Run every test tier on two workers (Docker tier skips without an engine, except in CI)
test *ARGS:
    .venv/bin/python -m pytest -n 2 {{ ARGS }}

# Fast tier only: render and check with the real tools
test-fast:
    .venv/bin/python -m pytest -n 2 -m "not slow and not docker and not arm64"

# Render the default project into DEST to look at it
render DEST="/tmp/chora-demo":
    .venv/bin/copier copy --defaults --vcs-ref HEAD "{{ justfile_directory() }}" "{{ DEST }}"

# Start a local Docker engine and the stand-in base image (machines without a registry)
docker-setup PYTHON="3.13":
    bash .ci/docker-engine.sh
    bash .ci/standin-base-image.sh {{ PYTHON }}

# Measure the default MCP project's image: size, cold build, rebuild, context
benchmark *ARGS:
    .venv/bin/python -m benchmarks.image {{ ARGS }}

# Load the default MCP server's image: sessions x tool calls, per HTTP mode
benchmark-load *ARGS:
    .venv/bin/python -m benchmarks.load {{ ARGS }}

# Time how fast the generated MCP server and web service refuse a bad setting
benchmark-startup *ARGS:
    .venv/bin/python -m benchmarks.startup {{ ARGS }}

# Tag release VERSION (X.Y.Z) for copier: pyproject.toml and CHANGELOG.md must name it, nothing uncommitted
release VERSION:
    #!/usr/bin/env bash
    set -euo pipefail
    version="{{ VERSION }}"
    fail() { echo "release: $*" >&2; exit 2; }
    [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "VERSION must be X.Y.Z (got '$version')"
    [ -z "$(git status --porcelain)" ] || fail "the work tree has uncommitted changes: commit them first"
    declared=$(sed -n 's/^version = "\(.*\)"$/\1/p' pyproject.toml | head -n 1)
    [ "$declared" = "$version" ] || fail "pyproject.toml says $declared, not $version"
    grep -q "^## \[$version\]" CHANGELOG.md || fail "CHANGELOG.md has no '## [$version]' section"
    if git rev-parse -q --verify "refs/tags/v$version" >/dev/null; then fail "tag v$version exists already"; fi
    git tag -a "v$version" -m "chora-base $version"
    echo "Tagged v$version; publish it with: git push origin v$version"

# Lint the repository's own Python
lint:
    .venv/bin/ruff check tests adopt benchmarks .ci
    .venv/bin/ruff format --check tests adopt benchmarks .ci
