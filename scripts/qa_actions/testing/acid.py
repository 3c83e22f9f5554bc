"""Data-consistency (ACID) checks against a real database, and the `qa_database` fixture.

- atomicity: `assert_atomic(read_state, operation)`: the operation fails and the state is unchanged;
- consistency: `assert_rejected(connection, sql)` (the database refuses a write that breaks a
  constraint) and `integrity_problems(connection)`;
- isolation: `run_concurrently(worker, workers, processes=...)`: really simultaneous writers
  (threads or processes released together by a barrier), then check the invariants yourself;
- durability: `kill_after_commits(command, ...)`: a writer process killed with SIGKILL after it
  acknowledged some commits; reopen the database and check that every acknowledged commit is there.

The database is SQLite by default; with `QA_DATABASE_URL=postgresql://…` the `qa_database` fixture
gives each test its own schema on that server (needs `pip install 'qa-actions[postgres]'`).
See docs/acid.md for examples.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest

from .processes import ManagedProcess

if TYPE_CHECKING:
    from concurrent.futures import Future

DATABASE_URL_ENV = "QA_DATABASE_URL"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Database:
    """A database a test may write to: a SQLite file, or a schema of its own on a PostgreSQL server."""

    kind: Literal["sqlite", "postgresql"]
    url: str
    path: Path | None = None
    schema: str | None = None

    def connect(self, **options: Any) -> Any:
        """A new DB-API connection (one per thread or process: connections are not shared)."""
        if self.kind == "sqlite":
            return sqlite3.connect(self.path, timeout=options.pop("timeout", 30), **options)
        psycopg = _psycopg()
        return psycopg.connect(self.url, options=f"-c search_path={self.schema}", **options)

    @property
    def placeholder(self) -> str:
        """The parameter marker of this database's driver: `?` (sqlite3) or `%s` (psycopg)."""
        return "?" if self.kind == "sqlite" else "%s"


@contextmanager
def database(tmp_path: Path, url: str | None = None) -> Iterator[Database]:
    """A fresh database for one test: SQLite under `tmp_path`, or a new schema at `url` (dropped after)."""
    url = url if url is not None else os.environ.get(DATABASE_URL_ENV) or None
    if url is None:
        path = tmp_path / "qa-acid.sqlite"
        yield Database("sqlite", f"sqlite:///{path}", path=path)
        return
    if not url.startswith(("postgresql://", "postgres://")):
        raise ValueError(f"{DATABASE_URL_ENV} must be a postgresql:// URL, not {url.split(':', 1)[0]}://…")
    psycopg = _psycopg()
    schema = f"qa_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield Database("postgresql", url, schema=schema)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise RuntimeError(f"{DATABASE_URL_ENV} names a PostgreSQL server, which needs psycopg:"
                           " pip install 'qa-actions[postgres]'") from None
    return psycopg


@pytest.fixture
def qa_database(tmp_path: Path) -> Iterator[Database]:
    """A fresh database for this test: SQLite by default, PostgreSQL when QA_DATABASE_URL is set."""
    with database(tmp_path) as db:
        yield db


# -- atomicity ---------------------------------------------------------------------------------------------
def snapshot(connection: Any, tables: Iterable[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of `tables`, sorted, to compare the state before and after an operation."""
    state = {}
    for table in tables:
        if not _IDENTIFIER.match(table):
            raise ValueError(f"not a plain table name: {table!r}")
        rows = connection.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608  # nosec B608 (checked identifier)
        state[table] = sorted((tuple(row) for row in rows), key=repr)
    return state


def assert_atomic(read_state: Callable[[], Any], operation: Callable[[], Any],
                  raises: type[BaseException] | tuple[type[BaseException], ...] = Exception) -> BaseException:
    """`operation` must fail with `raises` and leave `read_state()` exactly as it was: all or nothing.

    Make it fail midway with a fault (`qa_faults.fail`, a trigger, a bad row) after its first write.
    """
    before = read_state()
    try:
        operation()
    except raises as error:
        caught = error
    else:
        raise AssertionError("the operation succeeded, so its atomicity was not tested: make it fail midway")
    after = read_state()
    if after != before:
        raise AssertionError(f"a failed operation left a partial write behind:\n  before: {before!r}\n"
                             f"  after:  {after!r}")
    return caught


# -- consistency -------------------------------------------------------------------------------------------
def assert_rejected(connection: Any, sql: str, params: Sequence[Any] = ()) -> BaseException:
    """The database itself must refuse `sql` (a constraint, a foreign key); the attempt is rolled back."""
    integrity_error = _integrity_error(connection)
    try:
        connection.execute(sql, params)
    except integrity_error as error:
        connection.rollback()
        return error
    connection.rollback()
    raise AssertionError(f"the database accepted a write that should break a constraint: {sql}")


def integrity_problems(connection: Any) -> list[str]:
    """What the database reports as broken: SQLite's integrity and foreign-key checks, PostgreSQL's
    constraints that are not validated. Empty when all is well."""
    if isinstance(connection, sqlite3.Connection):
        found = [row[0] for row in connection.execute("PRAGMA integrity_check") if row[0] != "ok"]
        found += [f"row {row[1]} of {row[0]} refers to a missing row of {row[2]}"
                  for row in connection.execute("PRAGMA foreign_key_check")]
        return found
    rows = connection.execute(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint "
        "WHERE NOT convalidated AND connamespace = current_schema()::regnamespace").fetchall()
    return [f"constraint {name} on {table} is not validated" for table, name in rows]


def _integrity_error(connection: Any) -> type[BaseException]:
    error = getattr(connection, "IntegrityError", None)  # the DB-API extension sqlite3 implements
    if error is None:
        error = getattr(sys.modules[type(connection).__module__.split(".")[0]], "IntegrityError", None)
    if error is None:
        raise TypeError(f"cannot tell the integrity error of {type(connection).__name__} connections")
    return error


# -- isolation ---------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What each concurrent worker returned or raised, in worker order."""

    results: list[Any] = field(default_factory=list)
    errors: list[BaseException | None] = field(default_factory=list)

    @property
    def failed(self) -> list[BaseException]:
        return [e for e in self.errors if e is not None]


def run_concurrently(worker: Callable[..., Any], workers: int = 8, *, args: Sequence[Any] = (),
                     processes: bool = False, timeout_s: float = 60.0) -> Outcome:
    """Call `worker(index, *args)` in `workers` threads (or processes), all released at the same moment.

    With `processes=True` the worker must be importable (a module-level function) and its arguments
    picklable; each process opens its own connection, as separate application servers would.
    """
    import concurrent.futures  # here, not at the top: every pytest run loads this plugin
    import multiprocessing

    if processes:
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(workers)
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_remember_barrier,
                                                    initargs=(barrier, timeout_s)) as pool:
            futures = [pool.submit(_after_barrier, worker, index, tuple(args)) for index in range(workers)]
            return _gather(futures, timeout_s)
    shared = threading.Barrier(workers, timeout=timeout_s)
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(_released_by, shared, worker, index, tuple(args)) for index in range(workers)]
        return _gather(futures, timeout_s)


_barrier: Any = None
_barrier_timeout_s = 60.0


def _remember_barrier(barrier: Any, timeout_s: float) -> None:
    global _barrier, _barrier_timeout_s
    _barrier, _barrier_timeout_s = barrier, timeout_s


def _after_barrier(worker: Callable[..., Any], index: int, args: tuple[Any, ...]) -> Any:
    _barrier.wait(_barrier_timeout_s)
    return worker(index, *args)


def _released_by(barrier: threading.Barrier, worker: Callable[..., Any], index: int, args: tuple[Any, ...]) -> Any:
    barrier.wait()
    return worker(index, *args)


def _gather(futures: list[Future[Any]], timeout_s: float) -> Outcome:
    outcome = Outcome()
    for future in futures:
        try:
            outcome.results.append(future.result(timeout=timeout_s))
            outcome.errors.append(None)
        except Exception as error:
            outcome.results.append(None)
            outcome.errors.append(error)
    return outcome


# -- durability --------------------------------------------------------------------------------------------
def kill_after_commits(command: list[str], *, commits: int, acknowledged: str = r"^committed\b",
                       timeout_s: float = 30.0, **popen: Any) -> list[str]:
    """Run a writer, kill it with SIGKILL once it printed `commits` lines matching `acknowledged`, and
    return every acknowledged line it printed before it died.

    The writer prints its acknowledgement only after its commit returned; every line returned here is
    a commit the database promised to keep, so after reopening the database each must be found. A
    line the kill cut short is not an acknowledgement and is left out.
    """
    process = ManagedProcess(command, **popen)
    try:
        process.wait_for(acknowledged, count=commits, timeout=timeout_s)
    finally:
        process.kill()
    if process.returncode != -9:
        raise AssertionError(f"the writer ended by itself (exit code {process.returncode}) before it was killed")
    regex = re.compile(acknowledged)
    return [line for line in process.lines if regex.search(line)]
