"""`copier update` adds the Helm chart to a project whose owner turns
include_kubernetes on later, keeping the project's own edits."""

from __future__ import annotations

import yaml
from commands import run, tool
from edits import USER_README, conflicted, make_user_edits
from releases import CURRENT, tag
from template_repo import commit, copier_update, project_from


def test_turning_the_question_on_adds_the_chart(template_repo, tmp_path):
    root = project_from(template_repo, tmp_path / "my-project", tag(CURRENT), include_docker=True)
    assert not (root / "charts").exists()
    make_user_edits(root, "my_project")
    copier_update(root, "--vcs-ref", tag(CURRENT), "--data", "include_kubernetes=true")
    assert conflicted(root) == []
    chart = root / "charts" / "my-project"
    assert yaml.safe_load((chart / "Chart.yaml").read_text())["appVersion"] == "0.1.0"
    assert (root / "docs" / "kubernetes.md").is_file()
    assert "k8s-install" in run([tool("just"), "--summary"], cwd=root).stdout.split()
    assert (root / "README.md").read_text(encoding="utf-8").endswith(USER_README)
    recorded = yaml.safe_load((root / ".copier-answers.yml").read_text())
    assert recorded["include_kubernetes"] is True
    commit(root, "Add the Helm chart")
