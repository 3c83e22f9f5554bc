"""Two projects in one repository: every name the workflows and actions build carries project-dir,
through `qa names` (names.py), never slugged in YAML, and is what it always was for `.`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[3]
REUSABLE = [REPO / ".github" / "workflows" / name for name in ("qa.yml", "nightly.yml", "report-fork.yml")]
ACTIONS = [REPO / "action.yml", *sorted(REPO.glob("actions/*/action.yml"))]
PROJECT_SLOT = "${{ inputs.project-dir != '.' && format('{0}-', inputs.project-dir) || '' }}"


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text())


@pytest.mark.parametrize("path", REUSABLE, ids=lambda p: p.name)
def test_each_projects_run_has_its_own_concurrency_slot(path: Path) -> None:
    group = load(path)["concurrency"]["group"]
    assert PROJECT_SLOT in group  # `.` adds nothing: a single project's group is what it was
    assert group.replace(PROJECT_SLOT, "") == {
        "qa.yml": "qa-actions-qa-${{ github.workflow }}-${{ github.event.pull_request.number || github.ref }}",
        "nightly.yml": "qa-actions-nightly-${{ github.workflow }}-${{ github.ref }}",
        "report-fork.yml": "qa-actions-report-fork-${{ github.event.workflow_run.head_repository.full_name }}-"
                           "${{ github.event.workflow_run.head_branch }}",
    }[path.name]


@pytest.mark.parametrize("path", REUSABLE + ACTIONS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_artifact_cache_or_category_name_is_spelled_in_yaml(path: Path) -> None:
    text = path.read_text()
    for line in text.splitlines():
        if re.match(r"\s*(name|pattern|artifact-pattern|artifact-name|key|restore-keys|category):", line):
            assert not re.search(r"\bqa-(results|report|history)\b|category: qa-actions", line), f"{path}: {line}"


@pytest.mark.parametrize("path", [p for p in REUSABLE if p.name != "nightly.yml"], ids=lambda p: p.name)
def test_reusable_workflows_take_a_comment_key_and_a_check_prefix(path: Path) -> None:
    inputs = load(path)["on"]["workflow_call"]["inputs"]
    assert inputs["comment-key"]["default"] == "" and inputs["check-prefix"]["default"] == ""
    assert "comment-key: ${{ inputs.comment-key }}" in path.read_text()
    assert "check-prefix: ${{ inputs.check-prefix }}" in path.read_text()


def test_the_fork_report_names_the_artifact_from_its_own_project_dir() -> None:
    """report-fork runs privileged on a fork's artifact: which artifact, and the names it publishes
    under, come from the caller's inputs and qa names on this side, never from the artifact."""
    text = (REPO / ".github" / "workflows" / "report-fork.yml").read_text()
    assert "artifact-pattern: ${{ steps.setup.outputs.report-artifact }}\n" in text
    assert "artifact-name: ${{ steps.setup.outputs.report-artifact }}-published\n" in text


def test_the_report_action_passes_the_comment_key_as_an_option() -> None:
    """A variable named like a key (QA_COMMENT_KEY) is a secret to the scrubber: the marker would be
    `[secret removed]`. So the action passes --comment-key from a variable of another name."""
    steps = load(REPO / "actions" / "report" / "action.yml")["runs"]["steps"]
    (publish,) = [s for s in steps if "command=publish" in s.get("run", "")]
    assert not any("KEY" in name for name in publish["env"]) and '--comment-key "$COMMENT_ID"' in publish["run"]
