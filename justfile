# Tasks of the chora-base template repository itself.

# List the recipes
default:
    @just --list

# Install the test dependencies into .venv
install:
    python3 -m venv .venv
    .venv/bin/pip install -q '.[test]'

# Run every test tier (Docker tier skips without an engine, except in CI)
test *ARGS:
    .venv/bin/python -m pytest {{ ARGS }}

# Fast tier only: render and check with the real tools
test-fast:
    .venv/bin/python -m pytest -m "not slow and not docker"

# Render the default project into DEST to look at it
render DEST="/tmp/chora-demo":
    .venv/bin/copier copy --defaults --vcs-ref HEAD "{{ justfile_directory() }}" "{{ DEST }}"

# Start a local Docker engine and the stand-in base image (machines without a registry)
docker-setup PYTHON="3.13":
    bash scripts/docker-engine.sh
    bash scripts/standin-base-image.sh {{ PYTHON }}

# Measure the default MCP project's image: size, cold build, rebuild, context
benchmark *ARGS:
    .venv/bin/python scripts/benchmark_docker.py {{ ARGS }}

# Time how fast the generated MCP server and web service refuse a bad setting
benchmark-startup *ARGS:
    .venv/bin/python scripts/benchmark_startup.py {{ ARGS }}

# Lint the repository's own Python
lint:
    .venv/bin/ruff check tests scripts
    .venv/bin/ruff format --check tests scripts
