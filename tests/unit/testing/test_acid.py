"""The ACID helpers against real SQLite files: each check passes on correct code and catches broken code."""

import sqlite3
import sys
import time

import pytest

from qa_actions.testing.acid import (
    Database,
    assert_atomic,
    assert_rejected,
    integrity_problems,
    kill_after_commits,
    run_concurrently,
    snapshot,
)

SCHEMA = """
CREATE TABLE accounts (name TEXT PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0));
CREATE TABLE entries (id INTEGER PRIMARY KEY, account TEXT NOT NULL REFERENCES accounts (name), amount INTEGER);
CREATE TABLE counter (value INTEGER NOT NULL);
INSERT INTO accounts VALUES ('alice', 100), ('bob', 0);
INSERT INTO counter VALUES (0);
"""


@pytest.fixture
def db(qa_database: Database) -> Database:
    with qa_database.connect() as connection:
        connection.executescript(SCHEMA)
    return qa_database


def transfer(connection: sqlite3.Connection, amount: int, *, atomic: bool) -> None:
    """Move `amount` from alice to bob: one transaction, or (broken) two separate commits."""
    connection.execute("UPDATE accounts SET balance = balance + ? WHERE name = 'bob'", (amount,))
    if not atomic:
        connection.commit()
    connection.execute("UPDATE accounts SET balance = balance - ? WHERE name = 'alice'", (amount,))
    connection.commit()


def test_the_fixture_gives_a_fresh_sqlite_database(qa_database: Database) -> None:
    assert qa_database.kind == "sqlite" and qa_database.placeholder == "?"
    assert qa_database.path is not None and not qa_database.path.exists()
    with qa_database.connect() as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)


def test_snapshot_is_sorted_and_refuses_odd_table_names(db: Database) -> None:
    with db.connect() as connection:
        assert snapshot(connection, ["accounts"]) == {"accounts": [("alice", 100), ("bob", 0)]}
        with pytest.raises(ValueError, match="not a plain table name"):
            snapshot(connection, ["accounts; DROP TABLE accounts"])


def test_atomic_operation_passes_and_partial_write_is_caught(db: Database) -> None:
    connection, reader = db.connect(), db.connect()

    def state() -> dict:
        return snapshot(reader, ["accounts"])

    def failing(atomic: bool) -> None:
        try:
            transfer(connection, 150, atomic=atomic)
        except sqlite3.IntegrityError:
            connection.rollback()
            raise

    error = assert_atomic(state, lambda: failing(True), raises=sqlite3.IntegrityError)
    assert "CHECK constraint failed" in str(error)
    with pytest.raises(AssertionError, match="partial write"):
        assert_atomic(state, lambda: failing(False), raises=sqlite3.IntegrityError)
    with pytest.raises(AssertionError, match="succeeded, so its atomicity was not tested"):
        assert_atomic(state, lambda: transfer(connection, 1, atomic=True))


def test_constraints_are_checked_and_integrity_reported(db: Database) -> None:
    connection = db.connect()
    connection.execute("PRAGMA foreign_keys = ON")
    error = assert_rejected(connection, "UPDATE accounts SET balance = -1 WHERE name = ?", ("alice",))
    assert isinstance(error, sqlite3.IntegrityError)
    assert_rejected(connection, "INSERT INTO entries (account, amount) VALUES ('carol', 5)")
    with pytest.raises(AssertionError, match="accepted a write"):
        assert_rejected(connection, "UPDATE accounts SET balance = 5 WHERE name = 'bob'")
    assert snapshot(connection, ["accounts"])["accounts"] == [("alice", 100), ("bob", 0)], "attempts rolled back"
    assert integrity_problems(connection) == []
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute("INSERT INTO entries (account, amount) VALUES ('carol', 5)")
    connection.commit()
    assert integrity_problems(connection) == ["row 1 of entries refers to a missing row of accounts"]


def increment(worker: int, path: str, isolated: bool) -> int:
    """Read the counter, think, write it back: a lost update unless the read and write are one transaction."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE" if isolated else "BEGIN DEFERRED")
    (value,) = connection.execute("SELECT value FROM counter").fetchone()
    if not isolated:
        connection.execute("COMMIT")
        time.sleep(0.05)
        connection.execute("BEGIN")
    connection.execute("UPDATE counter SET value = ?", (value + 1,))
    connection.execute("COMMIT")
    return value


@pytest.mark.parametrize("processes", [False, True], ids=["threads", "processes"])
def test_concurrent_writers_are_isolated(db: Database, processes: bool) -> None:
    outcome = run_concurrently(increment, 4, args=(str(db.path), True), processes=processes)
    assert outcome.failed == []
    assert sorted(outcome.results) == [0, 1, 2, 3]
    with db.connect() as connection:
        assert connection.execute("SELECT value FROM counter").fetchone() == (4,)


def test_concurrent_writers_without_isolation_lose_updates(db: Database) -> None:
    outcome = run_concurrently(increment, 4, args=(str(db.path), False))
    assert outcome.failed == []
    with db.connect() as connection:
        (value,) = connection.execute("SELECT value FROM counter").fetchone()
    assert value < 4, "the workers started together, so some read the same value"


def fail_odd(worker: int) -> int:
    if worker % 2:
        raise RuntimeError(f"worker {worker} failed")
    return worker


def test_worker_errors_are_collected_in_order() -> None:
    outcome = run_concurrently(fail_odd, 4)
    assert outcome.results == [0, None, 2, None]
    assert [str(e) for e in outcome.failed] == ["worker 1 failed", "worker 3 failed"]


WRITER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA journal_mode = WAL")
connection.execute("PRAGMA synchronous = FULL")
honest = sys.argv[2] == "honest"
if not honest:
    connection.execute("BEGIN")
for n in range(1, 100000):
    if honest:
        connection.execute("INSERT INTO entries (account, amount) VALUES ('alice', ?)", (n,))
    else:  # acknowledges before it commits, and commits in batches
        connection.execute("INSERT INTO entries (account, amount) VALUES ('alice', ?)", (n,))
        if n % 1000 == 0:
            connection.execute("COMMIT")
            connection.execute("BEGIN")
    print("committed", n, flush=True)
"""


def stored_amounts(db: Database) -> set[int]:
    with db.connect() as connection:
        return {amount for (amount,) in connection.execute("SELECT amount FROM entries")}


def test_acknowledged_commits_survive_a_kill(db: Database) -> None:
    acknowledged = kill_after_commits([sys.executable, "-c", WRITER, str(db.path), "honest"], commits=25)
    numbers = {int(line.split()[-1]) for line in acknowledged}
    assert len(numbers) >= 25
    assert numbers <= stored_amounts(db)
    with db.connect() as connection:
        assert integrity_problems(connection) == []


def test_a_writer_that_acknowledges_before_committing_is_caught(db: Database) -> None:
    acknowledged = kill_after_commits([sys.executable, "-c", WRITER, str(db.path), "lying"], commits=25)
    lost = {int(line.split()[-1]) for line in acknowledged} - stored_amounts(db)
    assert len(lost) >= 25


def test_a_writer_that_ends_before_the_kill_is_reported() -> None:
    with pytest.raises(AssertionError, match=r"(?s)0 of 5 lines matching.*ended with exit code 0.*done"):
        kill_after_commits([sys.executable, "-c", "print('done')"], commits=5, timeout_s=5)
