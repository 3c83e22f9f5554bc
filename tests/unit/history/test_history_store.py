"""The history file: round trip, replacement, pruning, and refusing or migrating other formats."""

import hashlib
import sqlite3
from pathlib import Path

import pytest

from qa_actions.errors import InputError
from qa_actions.history import store as store_module
from qa_actions.history.store import CaseRow, RunRecord, RunRow, ScanRow, TierRow, epoch, open_history, schema_version
from qa_actions.model import Counts


def record(run_id: str, time: int, branch: str = "main", outcome: str = "passed") -> RunRecord:
    return RunRecord(
        RunRow(run_id, time, "passed", commit="abc123", branch=branch, event="push", high=1),
        tiers=[TierRow("unit", "passed", Counts(3, 2, 0, 0, 1, 1), 0, 12.5, 91.25, 80.0),
               TierRow("smoke", "passed", Counts(1, 1))],
        scans=[ScanRow("bandit", "passed", high=1, low=2, duration_s=3.0)],
        tests=[CaseRow("unit", "tests/unit/test_a.py::test_one", outcome, 0.0125),
               CaseRow("unit", "tests/unit/test_a.py::test_two", "skipped", 0.0),
               CaseRow("smoke", "tests/smoke/test_up.py::test_up", "passed", 1.5),
               CaseRow("unit", "tests/unit/test_a.py::test_three", "flaky", 86_400.0 * 60)],
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "qa-history.sqlite"
    with open_history(path, create=True) as store:
        store.append(record("r1", 1000), record("r2", 2000, branch="feature"))
    with open_history(path) as store:
        runs = store.runs()
        assert [(r.run_id, r.time, r.branch, r.commit, r.high) for r in runs] == [
            ("r1", 1000, "main", "abc123", 1), ("r2", 2000, "feature", "abc123", 1)]
        assert [r.run_id for r in store.runs("feature")] == ["r2"]
        tiers = store.tiers([runs[0].key])[runs[0].key]
        assert tiers[0] == TierRow("unit", "passed", Counts(3, 2, 0, 0, 1, 1), 0, 12.5, 91.25, 80.0)
        assert store.scans()[runs[1].key] == [ScanRow("bandit", "passed", 1, 0, 2, 3.0)]
        names = store.test_names()
        decoded = {}
        for outcomes in store.outcomes([runs[0].key]):
            for test, code, ms in zip(outcomes.tests, outcomes.outcomes, outcomes.durations_ms, strict=True):
                decoded[names[test]] = (store_module.OUTCOMES[code], ms)
        assert decoded == {
            ("unit", "tests/unit/test_a.py::test_one"): ("passed", 12),
            ("unit", "tests/unit/test_a.py::test_two"): ("skipped", 0),
            ("unit", "tests/unit/test_a.py::test_three"): ("flaky", store_module.MAX_MS),  # 60 days, capped
            ("smoke", "tests/smoke/test_up.py::test_up"): ("passed", 1500),
        }
        assert len(names) == 4  # the second run reused the names of the first
        summary = store.summary()
        assert (summary.format, summary.runs, summary.runs_with_tests, summary.branches) == (
            schema_version(), 2, 2, ["feature", "main"])


def test_same_run_id_replaces_the_run(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with open_history(path, create=True) as store:
        store.append(record("r1", 1000))
        store.append(record("r1", 1500, outcome="failed"))
        (run,) = store.runs()
        assert run.time == 1500
        (unit, _smoke) = sorted(store.outcomes([run.key]), key=lambda o: o.tier, reverse=True)
        assert unit.outcomes[0] == store_module.FAILED
        assert store.conn.execute("SELECT count(*) FROM tiers").fetchone() == (2,)


def test_keep_test_details_prunes_only_per_test_outcomes(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with open_history(path, create=True) as store:
        for index in range(5):
            store.append(record(f"r{index}", 1000 + index), keep_test_details=2)
        runs = store.runs()
        assert len(runs) == 5 and len(store.tiers()) == 5
        assert sorted({o.run for o in store.outcomes([r.key for r in runs])}) == [runs[3].key, runs[4].key]


def test_iso_times_become_unix_seconds() -> None:
    assert epoch("2026-11-28T01:00:00+00:00") == epoch("2026-11-28T02:00:00+01:00") == epoch("2026-11-28T01:00:00")
    with pytest.raises(InputError, match="not an ISO 8601 time"):
        epoch("yesterday")


def test_missing_history_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no history at .*: record runs with `qa history add`"):
        open_history(tmp_path / "none.sqlite")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("not a database, just text " * 100), "not a readable qa-actions history"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE other (x)").connection.commit(),
         "an SQLite file that is not a qa-actions history"),
    ],
)
def test_foreign_files_are_refused_and_left_alone(tmp_path: Path, make, message: str) -> None:
    path = tmp_path / "h.sqlite"
    make(path)
    before = digest(path)
    with pytest.raises(InputError, match=message):
        open_history(path, create=True)
    assert digest(path) == before


def test_newer_format_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with open_history(path, create=True) as store:
        store.append(record("r1", 1000))
        store.conn.execute(f"PRAGMA user_version = {schema_version() + 1}")
    before = digest(path)
    now = schema_version()
    with pytest.raises(InputError, match=rf"format {now + 1} is newer than this qa-actions reads \({now}\); upgrade"):
        open_history(path, create=True)
    assert digest(path) == before


CURRENT = schema_version()


def add_workflow_column(conn: sqlite3.Connection) -> None:
    """A hypothetical next format, as a future qa-actions would ship it."""
    conn.execute("ALTER TABLE runs ADD COLUMN workflow TEXT")
    conn.execute("UPDATE runs SET workflow = 'qa'")


@pytest.fixture
def v1_file(tmp_path: Path, monkeypatch) -> tuple[Path, str]:
    """A history written in the current format, then a qa-actions that reads the next one."""
    path = tmp_path / "h.sqlite"
    with open_history(path, create=True) as store:
        store.append(record("r1", 1000), record("r2", 2000))
    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, add_workflow_column])
    return path, digest(path)


def dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def test_older_format_is_migrated_after_a_backup(tmp_path: Path, v1_file) -> None:
    path, _ = v1_file
    old = dump(path)
    with open_history(path, create=True) as store:
        assert [r.run_id for r in store.runs()] == ["r1", "r2"]
        assert store.conn.execute("PRAGMA user_version").fetchone() == (CURRENT + 1,)
        assert store.conn.execute("SELECT DISTINCT workflow FROM runs").fetchall() == [("qa",)]
        store.append(record("r3", 3000))
    backup = tmp_path / f"h.sqlite.v{CURRENT}.bak"
    assert dump(backup) == old
    assert sqlite3.connect(backup).execute("PRAGMA user_version").fetchone() == (CURRENT,)


def test_reading_an_older_format_migrates_a_copy_in_memory(tmp_path: Path, v1_file) -> None:
    path, old = v1_file
    with open_history(path) as store:
        assert [r.run_id for r in store.runs()] == ["r1", "r2"]
        assert store.conn.execute("PRAGMA user_version").fetchone() == (CURRENT + 1,)
    assert digest(path) == old
    assert not (tmp_path / f"h.sqlite.v{CURRENT}.bak").exists()


def test_failed_migration_leaves_the_file_as_it_was(v1_file, monkeypatch) -> None:
    path, old = v1_file

    def broken(conn: sqlite3.Connection) -> None:
        add_workflow_column(conn)
        conn.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS[:CURRENT], broken])
    with pytest.raises(InputError, match="no such table"):
        open_history(path, create=True)
    assert digest(path) == old


def test_damaged_test_results_are_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with open_history(path, create=True) as store:
        store.append(record("r1", 1000))
        store.conn.execute("UPDATE results SET durations = x'00ff' WHERE tier = 'unit'")
        (run,) = store.runs()
        with pytest.raises(InputError, match="the test results of run 1, tier unit are damaged"):
            store.outcomes_by_run([run.key])
