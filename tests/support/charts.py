"""A generated project's Helm chart as the tests read it: rendered by helm,
and split into its resources."""

from __future__ import annotations

from pathlib import Path

import yaml
from commands import helm, run

NAMESPACE = "demo"


def template(chart_dir: Path, release: str, *overrides: str, check: bool = True):
    """`helm template RELEASE CHART --namespace demo OVERRIDES`."""
    command = [helm(), "template", release, str(chart_dir), "--namespace", NAMESPACE]
    return run([*command, *overrides], check=check)


def resources(rendered: str) -> dict[tuple[str, str], dict]:
    """The rendered resources by (kind, name)."""
    return {
        (document["kind"], document["metadata"]["name"]): document
        for document in yaml.safe_load_all(rendered)
        if document
    }
