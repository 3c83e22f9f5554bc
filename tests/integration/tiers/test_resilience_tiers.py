"""The sample project's chaos, acid and load tiers: they pass as shipped, and each fails the way it should."""

import shutil
from pathlib import Path

from conftest import results_of

REPO = Path(__file__).resolve().parents[3]


def test_chaos_acid_and_load_pass_on_the_sample_project(sample_project: Path, run_qa, errors_of) -> None:
    done = run_qa("run", sample_project, "--tiers", "chaos,acid,load", "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    tiers = results_of(sample_project)["tiers"]
    assert list(tiers) == ["chaos", "acid", "load"]
    assert all(t["status"] == "passed" for t in tiers.values())
    (experiment,) = tiers["chaos"]["experiments"]
    assert experiment["status"] == "passed" and experiment["method"][0]["name"] == "kill-a-writer-mid-write"
    assert tiers["chaos"]["counts"]["tests"] == tiers["chaos"]["counts"]["passed"] == 7
    assert tiers["acid"]["counts"]["passed"] == 6
    load = tiers["load"]["load"]
    assert load["total"]["requests"] > 50 and load["total"]["failures"] == 0
    assert load["host"].startswith("http://127.0.0.1:") and load["users"] == 5
    assert {e["name"] for e in load["endpoints"]} >= {"/health", "/items/[sku]", "/items/[sku]/ship"}
    assert errors_of(sample_project) == []
    assert "p95 ≤ 500 ms ✓, failed ≤ 1.00% ✓, req/s ≥ 10 ✓" in done.stdout


def test_a_deviating_experiment_fails_the_chaos_tier(sample_project: Path, run_qa, errors_of) -> None:
    shutil.copy(REPO / "tests" / "data" / "chaos" / "deviating.json", sample_project / "tests/chaos/experiments")
    (sample_project / "service.up").touch()
    done = run_qa("run", sample_project, "--tiers", "chaos", "-q")
    assert done.returncode == 1
    (problem,) = errors_of(sample_project)
    assert (problem["code"], problem["category"], problem["source"]) == ("steady-state-deviated", "medium", "chaos")
    assert "service-is-up" in problem["message"]


def test_a_transaction_that_does_not_roll_back_fails_the_acid_tier(sample_project: Path, run_qa, errors_of) -> None:
    store = sample_project / "src" / "ledger" / "store.py"
    store.write_text(store.read_text().replace('db.execute("ROLLBACK")', 'db.execute("COMMIT")'))
    config = sample_project / "pyproject.toml"
    config.write_text(config.read_text() + '\n[tool.qa.tiers.acid]\npytest-args = ["-k", "atomicity"]\n')
    done = run_qa("run", sample_project, "--tiers", "acid", "-q")
    assert done.returncode == 1
    (problem,) = errors_of(sample_project)
    assert (problem["code"], problem["category"], problem["source"]) == ("test-failure", "high", "acid")
    assert "test_atomicity" in problem["message"] and "partial write" in problem["message"]


def test_a_missed_load_threshold_is_medium(sample_project: Path, run_qa, errors_of) -> None:
    config = sample_project / "pyproject.toml"
    config.write_text(config.read_text().replace("rps-min = 10", "rps-min = 100000").replace("run-time = 3",
                                                                                              "run-time = 1"))
    done = run_qa("run", sample_project, "--tiers", "load", "-q")
    assert done.returncode == 1
    (problem,) = errors_of(sample_project)
    assert (problem["code"], problem["category"], problem["source"]) == ("load-threshold", "medium", "load")
    assert "under the 100000 requests/s threshold" in problem["message"]
    assert results_of(sample_project)["tiers"]["load"]["status"] == "failed"
