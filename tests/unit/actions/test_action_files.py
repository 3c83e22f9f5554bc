"""Conventions of every composite action and workflow the linters do not check: named steps,
documented inputs and outputs, third-party actions pinned by SHA with their version, inputs
reaching scripts only through `env:`, and permissions declared per job."""

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[3]
ACTIONS = [REPO / "action.yml", *sorted(REPO.glob("actions/*/action.yml"))]
WORKFLOWS = sorted(REPO.glob(".github/workflows/*.yml"))
TEMPLATES = sorted(REPO.glob("scripts/qa_actions/templates/workflows/*.yml"))
# the workflows callers use (`on: workflow_call`); ci.yml and release.yml are this repository's own
REUSABLE = [p for p in WORKFLOWS if "workflow_call" in YAML(typ="safe").load(p.read_text())["on"]]
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text())


def steps_of(document: dict) -> list[dict]:
    if "runs" in document:
        return document["runs"]["steps"]
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


def uses_lines(path: Path) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(r"^\s*(?:- )?uses: (.+)$", path.read_text(), re.M)]


def test_the_surface_is_complete() -> None:
    assert [p.parent.name for p in ACTIONS[1:]] == ["coverage-gate", "report", "security-scan", "setup", "test-tier"]
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "nightly.yml", "qa.yml", "release.yml", "report-fork.yml"]
    assert [p.name for p in REUSABLE] == ["nightly.yml", "qa.yml", "report-fork.yml"]
    assert [p.name for p in TEMPLATES] == ["fork-report.yml", "nightly.yml", "pull-request.yml"]


@pytest.mark.parametrize("path", ACTIONS, ids=lambda p: p.parent.name or "root")
def test_actions_are_documented(path: Path) -> None:
    action = load(path)
    assert action["name"] and action["description"] and set(action["branding"]) == {"icon", "color"}
    for name, spec in action["inputs"].items():
        assert spec["description"], name
        assert "default" in spec or spec.get("required") is True, f"{name} needs a default"
    for name, spec in action.get("outputs", {}).items():
        assert spec["description"] and spec["value"], name


@pytest.mark.parametrize("path", ACTIONS + WORKFLOWS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_steps_are_named_and_scripts_take_inputs_from_env(path: Path) -> None:
    for step in steps_of(load(path)):
        assert step.get("name"), f"unnamed step in {path.name}: {step}"
        assert "${{" not in step.get("run", ""), f"expression inside run: in {path.name}: {step['name']}"


@pytest.mark.parametrize("path", ACTIONS + WORKFLOWS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_third_party_actions_are_pinned_with_their_version(path: Path) -> None:
    for uses in uses_lines(path):
        if uses.startswith(("$/", "./")):
            continue
        assert PINNED.match(uses), f"{path.name}: `{uses}` is not pinned by full SHA with a `# vX.Y.Z` comment"


def test_each_third_party_action_has_one_version() -> None:
    seen: dict[str, set[str]] = {}
    for path in ACTIONS + WORKFLOWS:
        for uses in uses_lines(path):
            if not uses.startswith(("$/", "./")):
                name, _, ref = uses.partition("@")
                seen.setdefault(name, set()).add(ref)
    assert {name: refs for name, refs in seen.items() if len(refs) > 1} == {}


@pytest.mark.parametrize("path", WORKFLOWS + TEMPLATES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_permissions_are_least_and_per_job(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {}, "workflow-level permissions must be empty"
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {name} declares no permissions"
        assert "write-all" not in str(job["permissions"])


@pytest.mark.parametrize("path", REUSABLE, ids=lambda p: p.name)
def test_reusable_workflows_are_typed(path: Path) -> None:
    call = load(path)["on"]["workflow_call"]
    for name, spec in call["inputs"].items():
        assert spec["type"] in {"string", "number", "boolean"} and spec["description"], name
    assert "verdict" in call["outputs"]
    assert "concurrency" in load(path)


def test_the_action_reference_names_every_input_and_output() -> None:
    """docs/github.md links to the generated reference instead of repeating the inputs by hand."""
    docs = (REPO / "docs" / "actions.md").read_text()
    names = set()
    for path in ACTIONS:
        action = load(path)
        names |= set(action["inputs"]) | set(action.get("outputs", {}))
    for path in REUSABLE:
        call = load(path)["on"]["workflow_call"]
        names |= set(call["inputs"]) | set(call["outputs"]) | set(call.get("secrets", {}))
    assert sorted(name for name in names if f"`{name}`" not in docs) == []
