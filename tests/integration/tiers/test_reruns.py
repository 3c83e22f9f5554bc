"""Flaky tests and quarantine through `qa run`, with pytest-rerunfailures really rerunning tests."""

import json
from pathlib import Path

from conftest import add_config

FLAKY_TEST = '''import pathlib

MARK = pathlib.Path(__file__).with_suffix(".ran")


def test_fails_on_first_attempt_only():
    first = not MARK.exists()
    MARK.touch()
    assert not first, "first attempt fails"
'''

QUARANTINED_TEST = '''def test_known_broken():
    assert 1 + 1 == 3
'''


def test_flaky_test_passes_on_rerun_and_quarantine_does_not_block(sample_project: Path, run_qa, errors_of) -> None:
    acid = sample_project / "tests" / "acid"
    (acid / "test_flaky.py").write_text(FLAKY_TEST)
    (acid / "test_quarantined.py").write_text(QUARANTINED_TEST)
    add_config(sample_project, '[tool.qa.tiers.acid]\nreruns = 2\nquarantine = ["tests/acid/test_quarantined.py::*"]\n')

    done = run_qa("run", sample_project, "-q", "--tiers", "acid")

    assert done.returncode == 0, done.stdout + done.stderr
    tier = json.loads((sample_project / "qa-results" / "results.json").read_text())["tiers"]["acid"]
    assert tier["status"] == "passed"
    assert tier["counts"] == {"tests": 8, "passed": 7, "failed": 1, "errors": 0, "skipped": 0, "flaky": 1}
    assert tier["flaky"] == ["tests/acid/test_flaky.py::test_fails_on_first_attempt_only"]
    assert tier["quarantined"] == ["tests/acid/test_quarantined.py::test_known_broken"]
    problems = {(p["code"], p["category"], p["blocking"]) for p in errors_of(sample_project)}
    assert problems == {("flaky-test", "low", True), ("test-failure", "high", False)}
    assert "passed — 1 quarantined failing; 1 flaky" in done.stdout
    manifest = json.loads((sample_project / "qa-results" / "acid" / "tier.json").read_text())
    assert "--reruns=2" in manifest["command"] and manifest["reruns"] == 2


def test_without_reruns_the_flaky_test_fails(sample_project: Path, run_qa, errors_of) -> None:
    (sample_project / "tests" / "acid" / "test_flaky.py").write_text(FLAKY_TEST)
    done = run_qa("run", sample_project, "-q", "--tiers", "acid")
    assert done.returncode == 1
    (problem,) = errors_of(sample_project)
    assert (problem["code"], problem["blocking"]) == ("test-failure", True)
