"""One syntax for lists: tiers and scans, comma- or space-separated (or both), `all` and `none`, the same
in every sub-command, action and workflow; the actions hand the text to qa as given."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from qa_actions.commands.options import names_list, selection
from qa_actions.config import parse_config
from qa_actions.errors import ConfigError
from qa_actions.security.runner import select_scans

REPO = Path(__file__).resolve().parents[3]
FILES = [REPO / "action.yml", *sorted(REPO.glob("actions/*/action.yml")), *sorted(REPO.glob(".github/workflows/*.yml")),
         *sorted(REPO.glob("workflows/*.yml"))]
LIST_INPUTS = {"tiers", "scans"}


@pytest.mark.parametrize("text", ["unit,smoke", "unit smoke", " unit , smoke ", "unit,\n smoke", "unit\tsmoke,"])
def test_commas_spaces_or_both(text: str) -> None:
    assert names_list(text) == ["unit", "smoke"]
    assert selection(text) == ["unit", "smoke"]


@pytest.mark.parametrize(("text", "chosen"), [(None, None), ("", None), (" all ", None), ("none", []),
                                              (" none,", []), ("all,unit", ["all", "unit"])])
def test_all_and_none(text: str | None, chosen: list[str] | None) -> None:
    assert selection(text) == chosen


def test_scans_are_named_alike_everywhere() -> None:
    config = parse_config({}, Path(), Path("pyproject.toml"))  # deps = "safety"
    assert select_scans(config, ["bandit", "safety"]) == ["bandit", "deps"]
    assert select_scans(config, ["deps", "safety", "test-data"]) == ["deps", "test-data"]
    with pytest.raises(ConfigError, match=r"the deps scan runs safety .* name it `deps`"):
        select_scans(config, ["pip-audit"])
    with pytest.raises(ConfigError, match="unknown scan `bandi`; scans: bandit, deps, test-data"):
        select_scans(config, ["bandi"])
    audit = parse_config({"security": {"deps": "pip-audit"}}, Path(), Path("pyproject.toml"))
    assert select_scans(audit, ["pip-audit"]) == ["deps"]


def qa(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qa_actions", *map(str, args)], capture_output=True, text=True,
                          timeout=120, check=False, env=env)


@pytest.mark.parametrize("tiers", ["unit,smoke", "unit smoke", "smoke, unit"])
def test_plan_and_plugins_take_the_list(tmp_path: Path, tiers: str) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    done = qa("plan", "--project", tmp_path, "--tiers", tiers)
    assert done.returncode == 0, done.stderr
    assert sorted(e["tier"] for e in json.loads(done.stdout)["include"]) == ["smoke", "unit"]
    done = qa("plugins", "--project", tmp_path, "--tiers", tiers)
    assert done.returncode == 0 and "pytest-cov>=5.0" in done.stdout.split()  # unit's coverage gate


def test_gate_takes_the_list(tmp_path: Path) -> None:
    from qa_actions.model import Counts, RunInfo, RunResult, TierResult, save_results

    (tmp_path / "pyproject.toml").write_text("[tool.qa.tiers.unit]\ncoverage = false\n")
    run = RunResult(run=RunInfo("r", "2026-11-28T00:00:00+00:00"),
                    tiers={"unit": TierResult("unit", "passed", Counts(2, 2))})
    save_results(run, tmp_path / "qa-results" / "results.json")
    (tmp_path / "tests" / "smoke").mkdir(parents=True)  # smoke has tests, so it must be in the results
    assert qa("gate", "--project", tmp_path, "--tiers", "unit").returncode == 0
    for tiers in ("unit smoke", "unit,smoke", "all"):
        done = qa("gate", "--project", tmp_path, "--tiers", tiers)
        assert done.returncode == 1 and "tier-missing" in (tmp_path / ".errors" / "errors.jsonl").read_text()


def scripts_with_lists() -> list:
    """Every step of an action or workflow whose script receives a tiers or scans input."""
    found = []
    for path in FILES:
        document = YAML(typ="safe").load(path.read_text())
        steps = document["runs"]["steps"] if "runs" in document else [
            s for job in document["jobs"].values() for s in job.get("steps", [])]
        for step in steps:
            env = step.get("env", {})
            if "run" in step and any(re.search(r"inputs\.(tiers|scans)\b", str(v)) for v in env.values()):
                where = f"{path.relative_to(REPO)}: {step['name']}"
                found.append(pytest.param(where, step["run"], env, id=where))
    return found


@pytest.mark.parametrize(("where", "script", "env"), scripts_with_lists())
def test_scripts_hand_the_list_to_qa_as_given(where: str, script: str, env: dict, tmp_path: Path) -> None:
    """Run the step's script with a stand-in `qa` that prints its arguments: the list arrives unsplit."""
    assert not re.search(r"IFS|tr ','|//,|split|!= *all", script), where
    fake = tmp_path / "qa"
    fake.write_text(f"#!{sys.executable}\nimport json, sys\nprint(json.dumps(sys.argv[1:]))\n")
    fake.chmod(0o755)
    values = {"tiers": "unit smoke", "scans": "bandit, deps"}
    step_env = {"PATH": "/usr/bin:/bin", "QA": str(fake)}
    for name, value in env.items():
        given = re.search(r"inputs\.([\w-]+)", str(value))
        step_env[name] = values.get(given[1], "") if given else ""
    step_env = {k: v for k, v in step_env.items() if v or k in ("TIERS", "SCANS", "GATE_TIERS")}
    done = subprocess.run(["bash", "-e", "-c", script], env={**step_env, "PROTECT_GATES": "auto"},
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, where + done.stderr
    argv = json.loads(done.stdout.strip().splitlines()[-1])
    given = [v for k, v in values.items() if any(f"inputs.{k}" in str(e) for e in env.values())]
    for value in given:
        assert value in argv, (where, argv)


def test_every_list_input_says_how_to_write_it() -> None:
    checked = []
    for path in FILES:
        document = YAML(typ="safe").load(path.read_text())
        trigger = document.get("on") or document.get(True) or {}
        inputs = document.get("inputs") or (trigger.get("workflow_call") or {}).get("inputs") or {} \
            if isinstance(trigger, dict) else document.get("inputs") or {}
        for name in LIST_INPUTS & set(inputs):
            assert "comma- or space-separated" in inputs[name]["description"], f"{path.name}: {name}"
            checked.append(f"{path.name}:{name}")
    assert len(checked) >= 7, checked  # root action (2), security-scan, report, setup, qa.yml (2), nightly.yml (2)
