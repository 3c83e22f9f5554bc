"""The SQLite store: every write happens in one transaction, and stock can never go negative."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    sku TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    currency TEXT NOT NULL,
    reorder_level INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS stock (
    sku TEXT NOT NULL REFERENCES items (sku),
    location TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (sku, location)
);
CREATE TABLE IF NOT EXISTS movements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sku TEXT NOT NULL REFERENCES items (sku),
    kind TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    location TEXT NOT NULL,
    reference TEXT NOT NULL DEFAULT ''
);
"""


class Store:
    """A connection per thread to one SQLite file (or one shared in-memory database)."""

    def __init__(self, path: str | Path = ":memory:", timeout_s: float = 5.0) -> None:
        self.path = str(path)
        self.timeout_s = timeout_s
        self._local = threading.local()
        self._memory = self.path == ":memory:"
        self._shared: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self._connect().executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        if self._memory:
            if self._shared is None:
                self._shared = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
                self._shared.execute("PRAGMA foreign_keys = ON")
            return self._shared
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=self.timeout_s, isolation_level=None)
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            self._local.db = db
        return db

    def _guard(self) -> AbstractContextManager[object]:
        """The shared in-memory connection is used by one thread at a time; files have one per thread."""
        return self._lock if self._memory else nullcontext()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception: all of a change, or none of it."""
        with self._guard():
            db = self._connect()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.in_transaction:  # SQLite has already rolled back after some errors (a full disk)
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def connection(self) -> sqlite3.Connection:
        """The calling thread's connection, for tools that need the raw handle (fault injection, checks)."""
        return self._connect()

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._guard():
            return self._connect().execute(sql, params).fetchall()

    def close(self) -> None:
        db = self._shared if self._memory else getattr(self._local, "db", None)
        if db is not None:
            db.close()
        self._shared = None
        self._local = threading.local()
