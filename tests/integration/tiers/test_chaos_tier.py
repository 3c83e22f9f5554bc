"""The chaos tier runs real chaostoolkit experiments after its pytest tests and judges their journals."""

import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

EXPERIMENTS = REPO / "tests" / "data" / "chaos"


@pytest.fixture
def chaos_project(tmp_path: Path) -> Path:
    """A project with one passing chaos test and the experiments of tests/data/chaos."""
    project = tmp_path / "project"
    (project / "tests" / "chaos" / "experiments").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n')
    (project / "tests" / "chaos" / "test_retry.py").write_text("def test_retries():\n    assert True\n")
    (project / "service.up").touch()
    for name in ("holding.json", "deviating.json", "rollback-fails.yaml"):
        shutil.copy(EXPERIMENTS / name, project / "tests" / "chaos" / "experiments" / name)
    return project


def test_experiments_hold_deviate_and_fail_to_roll_back(chaos_project: Path, run_qa, errors_of) -> None:
    done = run_qa("run", chaos_project, "--tiers", "chaos", "-q")
    assert done.returncode == 1, done.stdout + done.stderr
    tier = json.loads((chaos_project / "qa-results" / "results.json").read_text())["tiers"]["chaos"]
    assert tier["status"] == "failed"
    assert tier["counts"] == {"tests": 4, "passed": 2, "failed": 2, "errors": 0, "skipped": 0, "flaky": 0}
    by_file = {e["file"].rsplit("/", 1)[-1]: e for e in tier["experiments"]}
    holding, deviating, rollback = by_file["holding.json"], by_file["deviating.json"], by_file["rollback-fails.yaml"]

    assert (holding["status"], holding["steady_state_before"], holding["steady_state_after"]) == ("passed", True, True)
    assert holding["title"] == "The service survives a restart" and holding["rollbacks"][0]["status"] == "succeeded"

    assert (deviating["status"], deviating["code"], deviating["deviated"]) == ("failed", "steady-state-deviated", True)
    assert (deviating["steady_state_before"], deviating["steady_state_after"]) == (True, False)
    (probe,) = deviating["after"]
    assert (probe["name"], probe["tolerance_met"], probe["output"]) == ("service-is-up", False, "false")
    assert "probe `service-is-up` returned false, outside its tolerance" in deviating["reason"]
    assert (chaos_project / "service.up").exists(), "the deviating experiment's rollback was played"

    assert (rollback["status"], rollback["code"]) == ("failed", "rollback-failed")
    assert rollback["steady_state_after"] is True and rollback["rollbacks"][0]["status"] == "failed"
    assert "`refill-the-cache` failed: exited with 3: cache server unreachable" in rollback["reason"]

    problems = {(p["code"], p["category"], p["source"], p["file"]) for p in errors_of(chaos_project)}
    assert problems == {
        ("steady-state-deviated", "medium", "chaos", "tests/chaos/experiments/deviating.json"),
        ("rollback-failed", "high", "chaos", "tests/chaos/experiments/rollback-fails.yaml"),
    }
    journals = sorted(p.name for p in (chaos_project / "qa-results" / "chaos" / "experiments").glob("*.journal.json"))
    assert journals == ["01-deviating.journal.json", "02-holding.journal.json", "03-rollback-fails.journal.json"]
    assert "✗ chaos: The service survives losing its marker" in done.stdout
    assert "✓ chaos: The service survives a restart" in done.stdout


def test_invalid_experiment_is_an_experiment_error(chaos_project: Path, run_qa, errors_of) -> None:
    experiments = chaos_project / "tests" / "chaos" / "experiments"
    for path in experiments.iterdir():
        path.unlink()
    (chaos_project / "tests" / "chaos" / "test_retry.py").unlink()
    shutil.copy(EXPERIMENTS / "invalid.json", experiments / "invalid.json")
    done = run_qa("tier", "chaos", "--project", chaos_project, "-q")
    assert done.returncode == 1
    assert run_qa("collect", "--project", chaos_project).returncode == 0
    assert run_qa("gate", "--project", chaos_project).returncode == 1
    (problem,) = errors_of(chaos_project)
    assert (problem["code"], problem["category"]) == ("experiment-error", "medium")
    assert "an experiment requires a method" in problem["message"]
    tier = json.loads((chaos_project / "qa-results" / "results.json").read_text())["tiers"]["chaos"]
    assert tier["counts"]["tests"] == 1 and tier["counts"]["errors"] == 1


def test_experiments_folder_is_configurable(chaos_project: Path, run_qa) -> None:
    (chaos_project / "pyproject.toml").write_text(
        (chaos_project / "pyproject.toml").read_text()
        + '\n[tool.qa.tiers.chaos]\nexperiments = ["tests/chaos/experiments/holding.*"]\n')
    done = run_qa("run", chaos_project, "--tiers", "chaos", "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    tier = json.loads((chaos_project / "qa-results" / "results.json").read_text())["tiers"]["chaos"]
    assert [e["title"] for e in tier["experiments"]] == ["The service survives a restart"]
