"""The history file through the CLI, on real results folders, and what a crash mid-append leaves."""

import json
import subprocess
import sys
from pathlib import Path

from conftest import add_config

from qa_actions.history.store import OUTCOMES, RunRecord, RunRow, open_history, schema_version

CRASHING_APPEND = '''
import os, signal, sys
from pathlib import Path
from qa_actions.history import store
from qa_actions.history.store import CaseRow, RunRecord, RunRow, open_history

insert = store.HistoryStore._insert

def insert_then_die(self, record):
    insert(self, record)           # every row written, the transaction not committed
    self.conn.execute("PRAGMA cache_size = 1")
    os.kill(os.getpid(), signal.SIGKILL)

store.HistoryStore._insert = insert_then_die
with open_history(Path(sys.argv[1]), create=True) as history:
    history.conn.execute("PRAGMA cache_size = 10")   # so pages spill into the file before the commit
    tests = [CaseRow("unit", f"tests/unit/test_{i // 100}.py::test_{i}", "passed", 0.01) for i in range(50_000)]
    history.append(RunRecord(RunRow("crash", 3000, "passed", branch="main"), tests=tests))
'''


def test_a_crash_mid_append_loses_nothing_stored(tmp_path: Path) -> None:
    path = tmp_path / "qa-history.sqlite"
    with open_history(path, create=True) as store:
        store.append(RunRecord(RunRow("r1", 1000, "passed", branch="main")),
                     RunRecord(RunRow("r2", 2000, "failed", branch="main")))
    size_before = path.stat().st_size

    done = subprocess.run([sys.executable, "-c", CRASHING_APPEND, str(path)], capture_output=True, text=True,
                          timeout=120, check=False)

    assert done.returncode == -9, done.stderr
    assert Path(f"{path}-journal").is_file()  # a hot journal: the crash came mid-transaction
    assert path.stat().st_size > size_before  # and after uncommitted pages reached the file
    with open_history(path, create=True) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert [(r.run_id, r.verdict) for r in store.runs()] == [("r1", "passed"), ("r2", "failed")]
        assert store.summary().tests == 0
        store.append(RunRecord(RunRow("r3", 3000, "passed", branch="main")))
        assert store.run_count() == 3
    assert not Path(f"{path}-journal").exists()


FLAKY_TEST = '''import pathlib

MARK = pathlib.Path(__file__).with_suffix(".ran")


def test_fails_on_first_attempt_only():
    first = not MARK.exists()
    MARK.touch()
    assert not first
'''


def test_qa_run_records_each_run_and_history_add_replaces_it(sample_project: Path, run_qa) -> None:
    (sample_project / "tests" / "acid" / "test_flaky.py").write_text(FLAKY_TEST)
    add_config(sample_project,
               "[tool.qa.tiers.acid]\nreruns = 1\n\n[tool.qa.history]\nrecord = true\nfile = 'history/qa.sqlite'\n")
    env = {"GITHUB_RUN_ID": "77", "GITHUB_SHA": "f" * 40, "GITHUB_REF_NAME": "main", "GITHUB_EVENT_NAME": "push"}

    done = run_qa("run", sample_project, "-q", "--tiers", "acid,smoke", env=env)

    assert done.returncode == 0, done.stdout + done.stderr
    counted = json.loads((sample_project / "qa-results" / "results.json").read_text())["tiers"]
    acid, smoke = counted["acid"]["counts"]["tests"], counted["smoke"]["counts"]["tests"]
    history = sample_project / "history" / "qa.sqlite"
    assert f"history: recorded run 77.1 (main, {acid + smoke} tests) in {history}, which holds 1 run" in done.stdout
    with open_history(history) as store:
        (run,) = store.runs()
        assert (run.run_id, run.commit, run.branch, run.event, run.verdict, run.low) == (
            "77.1", "f" * 40, "main", "push", "passed", 1)
        tiers = {t.tier: t for t in store.tiers()[run.key]}
        assert (tiers["acid"].counts.tests, tiers["acid"].counts.flaky, tiers["smoke"].counts.tests) == (acid, 1, smoke)
        names = store.test_names()
        outcomes = {names[test][1]: OUTCOMES[code] for o in store.outcomes([run.key])
                    for test, code in zip(o.tests, o.outcomes, strict=True)}
    assert outcomes["tests/acid/test_flaky.py::test_fails_on_first_attempt_only"] == "flaky"
    assert sorted(set(outcomes.values())) == ["flaky", "passed"] and len(outcomes) == acid + smoke

    again = run_qa("history", "add", "--project", sample_project, "--history", history, env=env)
    assert again.returncode == 0 and "which holds 1 run\n" in again.stdout  # the same run id replaces the run
    info = run_qa("history", "info", "--project", sample_project)
    assert info.returncode == 0, info.stderr
    assert info.stdout.splitlines()[:3] == [f"history: {history} (format {schema_version()})",
                                           f"runs: 1 (1 with per-test outcomes), tests: {acid + smoke}",
                                           "branches: main"]


def test_history_add_bad_input(tmp_path: Path, run_qa) -> None:
    done = run_qa("history", "add", "--project", tmp_path, "--results", tmp_path / "none")
    assert done.returncode == 2
    assert "results.json not found" in done.stderr and "Traceback" not in done.stderr
    (tmp_path / "qa-results").mkdir()
    (tmp_path / "qa-results" / "results.json").write_text(json.dumps(
        {"schema_version": 1, "run": {"run_id": "x", "time": "2026-01-01T00:00:00+00:00"}}))
    (tmp_path / "bad.sqlite").write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    done = run_qa("history", "add", "--project", tmp_path, "--history", tmp_path / "bad.sqlite")
    assert done.returncode == 2
    assert done.stderr.startswith(f"qa: error: {tmp_path / 'bad.sqlite'}: not a readable qa-actions history")
    done = run_qa("history", "info", "--project", tmp_path)
    assert done.returncode == 2 and "no history at" in done.stderr
