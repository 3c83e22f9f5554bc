"""The ACID helpers against a real PostgreSQL server: QA_DATABASE_URL when set, else a private server
started for these tests from the machine's PostgreSQL binaries (initdb, pg_ctl) on a loopback port."""

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from qa_actions.testing.acid import (
    Database,
    assert_atomic,
    assert_rejected,
    database,
    integrity_problems,
    run_concurrently,
    snapshot,
)

SCHEMA = ("CREATE TABLE accounts (name TEXT PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0))",
          "INSERT INTO accounts VALUES ('alice', 100), ('bob', 0)",
          "CREATE TABLE counter (value INTEGER NOT NULL)", "INSERT INTO counter VALUES (0)")


def _binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    initdb = found[-1] if found else (Path(p) if (p := shutil.which("initdb")) else None)
    return initdb.parent if initdb else None


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    if os.environ.get("QA_DATABASE_URL"):
        yield os.environ["QA_DATABASE_URL"]
        return
    bindir = _binaries()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries: apt-get install postgresql, or set QA_DATABASE_URL")
    folder = Path(tempfile.mkdtemp(prefix="qa-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(folder, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data = folder / "data"
    subprocess.run([*as_owner, bindir / "initdb", "-D", data, "-A", "trust", "-U", "qa", "--no-sync", "-E", "UTF8"],
                   check=True, capture_output=True, timeout=120)
    subprocess.run([*as_owner, bindir / "pg_ctl", "-D", data, "-l", folder / "server.log", "-w", "-o",
                    f"-p {port} -h 127.0.0.1 -k {folder} -F", "start"], check=True, capture_output=True, timeout=120)
    try:
        yield f"postgresql://qa@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_owner, bindir / "pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True,
                       timeout=60, check=False)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def db(postgres_url: str, tmp_path: Path) -> Iterator[Database]:
    with database(tmp_path, postgres_url) as fresh:
        with fresh.connect() as connection:
            for statement in SCHEMA:
                connection.execute(statement)
        yield fresh


def test_each_test_gets_its_own_schema_dropped_afterwards(postgres_url: str, tmp_path: Path) -> None:
    with database(tmp_path, postgres_url) as fresh:
        assert (fresh.kind, fresh.placeholder) == ("postgresql", "%s")
        with fresh.connect() as connection:
            assert connection.execute("SELECT current_schema()").fetchone() == (fresh.schema,)
    with psycopg.connect(postgres_url) as connection:
        assert connection.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (fresh.schema,)).fetchone() is None


def test_the_fixture_follows_QA_DATABASE_URL(postgres_url: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_DATABASE_URL", postgres_url)
    with database(tmp_path) as fresh:
        assert fresh.kind == "postgresql"
    monkeypatch.setenv("QA_DATABASE_URL", "mysql://x")
    with pytest.raises(ValueError, match="must be a postgresql:// URL"), database(tmp_path):
        pass


def test_atomicity_and_constraints(db: Database) -> None:
    connection, reader = db.connect(), db.connect(autocommit=True)

    def move(amount: int, atomic: bool) -> None:
        try:
            connection.execute("UPDATE accounts SET balance = balance + %s WHERE name = 'bob'", (amount,))
            if not atomic:
                connection.commit()
            connection.execute("UPDATE accounts SET balance = balance - %s WHERE name = 'alice'", (amount,))
            connection.commit()
        except psycopg.IntegrityError:
            connection.rollback()
            raise

    assert_atomic(lambda: snapshot(reader, ["accounts"]), lambda: move(150, True), raises=psycopg.IntegrityError)
    with pytest.raises(AssertionError, match="partial write"):
        assert_atomic(lambda: snapshot(reader, ["accounts"]), lambda: move(150, False),
                      raises=psycopg.IntegrityError)
    error = assert_rejected(connection, "UPDATE accounts SET balance = -5 WHERE name = %s", ("alice",))
    assert isinstance(error, psycopg.errors.CheckViolation)
    assert integrity_problems(connection) == []
    connection.execute("ALTER TABLE accounts ADD CONSTRAINT small CHECK (balance < 1000) NOT VALID")
    connection.commit()
    assert integrity_problems(connection) == ["constraint small on accounts is not validated"]


def increment(worker: int, url: str, schema: str) -> int:
    """Read the counter under a row lock and write it back: isolated read-modify-write."""
    with psycopg.connect(url, options=f"-c search_path={schema}") as connection:
        (value,) = connection.execute("SELECT value FROM counter FOR UPDATE").fetchone()
        connection.execute("UPDATE counter SET value = %s", (value + 1,))
        return value


@pytest.mark.parametrize("processes", [False, True], ids=["threads", "processes"])
def test_isolation_of_concurrent_writers(db: Database, processes: bool) -> None:
    outcome = run_concurrently(increment, 4, args=(db.url, db.schema), processes=processes)
    assert outcome.failed == [] and sorted(outcome.results) == [0, 1, 2, 3]
    with db.connect() as connection:
        assert connection.execute("SELECT value FROM counter").fetchone() == (4,)
