"""The history store: one SQLite file holding a compact record of every run (format in docs/dashboard.md).

Version. `PRAGMA user_version` is the format version. Opening an older file migrates it in one
transaction after copying it to `<file>.v<N>.bak`; a read-only open migrates a copy in memory and
leaves the file alone. A newer or foreign file is refused with a message, never rewritten.

Atomicity. Every append is one transaction in rollback-journal mode with `synchronous=FULL`, so a
crash (or a kill) mid-write leaves the file as it was before that append.

Per-test outcomes are stored per run and tier as three zlib-compressed little-endian arrays (test
ids, outcome codes, milliseconds), about 3-5 bytes a test, so years of runs fit a git branch.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from ..errors import InputError
from ..model import Counts
from ..scrub import active

FORMAT = "qa-actions-history"
OUTCOMES = ("passed", "failed", "error", "skipped", "flaky")
OUTCOME_CODE = {name: code for code, name in enumerate(OUTCOMES)}
PASSED, FAILED, ERROR, SKIPPED, FLAKY = range(len(OUTCOMES))
MAX_MS = 2**32 - 1
BUSY_TIMEOUT_S = 30

Outcome = Literal["passed", "failed", "error", "skipped", "flaky"]

_V1 = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "INSERT INTO meta VALUES ('format', 'qa-actions-history')",  # FORMAT
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL UNIQUE,
        time INTEGER NOT NULL,
        commit_sha TEXT, branch TEXT, event TEXT, repository TEXT,
        verdict TEXT NOT NULL,
        critical INTEGER NOT NULL, high INTEGER NOT NULL, medium INTEGER NOT NULL, low INTEGER NOT NULL)""",
    "CREATE INDEX runs_by_time ON runs (time, id)",
    "CREATE INDEX runs_by_branch ON runs (branch, time)",
    """CREATE TABLE tiers (
        run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        tier TEXT NOT NULL,
        status TEXT NOT NULL,
        tests INTEGER NOT NULL, passed INTEGER NOT NULL, failed INTEGER NOT NULL, errors INTEGER NOT NULL,
        skipped INTEGER NOT NULL, flaky INTEGER NOT NULL, quarantined INTEGER NOT NULL,
        duration_s REAL NOT NULL,
        coverage REAL, coverage_gate REAL,
        UNIQUE (run, tier))""",
    """CREATE TABLE scans (
        run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        scan TEXT NOT NULL,
        status TEXT NOT NULL,
        high INTEGER NOT NULL, medium INTEGER NOT NULL, low INTEGER NOT NULL,
        duration_s REAL NOT NULL,
        UNIQUE (run, scan))""",
    "CREATE TABLE tests (id INTEGER PRIMARY KEY, tier TEXT NOT NULL, name TEXT NOT NULL, UNIQUE (tier, name))",
    """CREATE TABLE results (
        run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        tier TEXT NOT NULL,
        count INTEGER NOT NULL,
        tests BLOB NOT NULL, outcomes BLOB NOT NULL, durations BLOB NOT NULL,
        UNIQUE (run, tier))""",
)


def _run_script(statements: Sequence[str]) -> Callable[[sqlite3.Connection], None]:
    def step(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)
    return step


# format 2: impact maps (what each test ran, for test-impact selection: qa_actions/impact)
_V2 = (
    """CREATE TABLE impact_maps (
        id INTEGER PRIMARY KEY,
        commit_sha TEXT NOT NULL, branch TEXT, python TEXT NOT NULL, tier TEXT NOT NULL,
        time INTEGER NOT NULL,
        files BLOB NOT NULL, blocks BLOB NOT NULL, session BLOB NOT NULL,
        UNIQUE (commit_sha, python, tier))""",
    "CREATE INDEX impact_maps_by_branch ON impact_maps (branch, tier, time)",
    """CREATE TABLE impact_tests (
        map INTEGER NOT NULL REFERENCES impact_maps (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        blocks BLOB NOT NULL,
        UNIQUE (map, name))""",
)

# MIGRATIONS[n] takes a file from format n to n + 1; a new format appends a step, never edits one.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_run_script(_V1), _run_script(_V2)]
KEEP_IMPACT_MAPS = 3  # per branch, tier and Python version


def schema_version() -> int:
    return len(MIGRATIONS)


@dataclass(slots=True)
class TierRow:
    tier: str
    status: str
    counts: Counts = field(default_factory=Counts)
    quarantined: int = 0
    duration_s: float = 0.0
    coverage: float | None = None
    coverage_gate: float | None = None


@dataclass(slots=True)
class ScanRow:
    scan: str
    status: str
    high: int = 0
    medium: int = 0
    low: int = 0
    duration_s: float = 0.0


@dataclass(slots=True)
class CaseRow:
    tier: str
    name: str
    outcome: Outcome
    duration_s: float


@dataclass(slots=True)
class RunRow:
    """One run as stored; `key` is its row id (insertion order), `time` Unix seconds (UTC)."""

    run_id: str
    time: int
    verdict: str
    commit: str | None = None
    branch: str | None = None
    event: str | None = None
    repository: str | None = None
    critical: int = 0
    high: int = 0
    medium: int = 0
    low: int = 0
    key: int = 0


@dataclass
class RunRecord:
    """Everything one append writes."""

    run: RunRow
    tiers: list[TierRow] = field(default_factory=list)
    scans: list[ScanRow] = field(default_factory=list)
    tests: list[CaseRow] = field(default_factory=list)


@dataclass
class ImpactMapRecord:
    """One tier's impact map as stored: blocks are (file, block, fingerprint); a test's blocks and the
    session's (run outside any test) are indexes into `blocks`. `qa_actions.impact.store` converts."""

    commit: str
    python: str
    tier: str
    time: int
    branch: str | None = None
    files: list[str] = field(default_factory=list)
    # (file, block, fingerprint), or with the full run's covered lines, statements, covered branches and
    # branches appended (impact.map.BlockCoverage)
    blocks: list[tuple[str, ...]] = field(default_factory=list)
    tests: dict[str, list[int]] = field(default_factory=dict)
    session: list[int] = field(default_factory=list)


@dataclass(slots=True)
class TierOutcomes:
    """The per-test results of one tier in one run, as parallel arrays."""

    run: int
    tier: str
    tests: array  # test ids (see `HistoryStore.test_names`)
    outcomes: bytes  # codes, index into OUTCOMES
    durations_ms: array


@dataclass(slots=True)
class HistorySummary:
    format: int
    runs: int
    runs_with_tests: int
    tests: int
    branches: list[str]
    first: int | None
    last: int | None


def epoch(iso: str) -> int:
    """Unix seconds of an ISO 8601 time (UTC when it names no zone)."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        raise InputError(f"run time {iso!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


class HistoryStore:
    """An open history file. Use as a context manager; `open_history` is the usual way in."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._test_ids: dict[tuple[str, str], int] | None = None

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()

    # writing -------------------------------------------------------------------------------------

    def append(self, *records: RunRecord, keep_test_details: int = 0) -> None:
        """Add runs (replacing any with the same run_id) in one transaction.

        `keep_test_details`: keep per-test outcomes of only the newest N runs (0: all); run and tier
        summaries are always kept.
        """
        with self._transaction():
            for record in records:
                self._insert(record)
            if keep_test_details:
                self.conn.execute(
                    "DELETE FROM results WHERE run NOT IN (SELECT id FROM runs ORDER BY time DESC, id DESC LIMIT ?)",
                    (keep_test_details,))

    def _insert(self, record: RunRecord) -> None:
        record = active().model(record, personal=False)  # secrets never reach the file (scrub.py)
        run = record.run
        self.conn.execute("DELETE FROM runs WHERE run_id = ?", (run.run_id,))
        cursor = self.conn.execute(
            "INSERT INTO runs (run_id, time, commit_sha, branch, event, repository, verdict,"
            " critical, high, medium, low) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run.run_id, run.time, run.commit, run.branch, run.event, run.repository, run.verdict,
             run.critical, run.high, run.medium, run.low))
        key = cursor.lastrowid
        self.conn.executemany(
            "INSERT INTO tiers (run, tier, status, tests, passed, failed, errors, skipped, flaky, quarantined,"
            " duration_s, coverage, coverage_gate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(key, t.tier, t.status, t.counts.tests, t.counts.passed, t.counts.failed, t.counts.errors,
              t.counts.skipped, t.counts.flaky, t.quarantined, t.duration_s, t.coverage, t.coverage_gate)
             for t in record.tiers])
        self.conn.executemany(
            "INSERT INTO scans (run, scan, status, high, medium, low, duration_s) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(key, s.scan, s.status, s.high, s.medium, s.low, s.duration_s) for s in record.scans])
        by_tier: dict[str, list[CaseRow]] = {}
        for test in record.tests:
            by_tier.setdefault(test.tier, []).append(test)
        for tier, tests in by_tier.items():
            ids = array("I", (self._test_id(tier, t.name) for t in tests))
            outcomes = bytes(OUTCOME_CODE[t.outcome] for t in tests)
            durations = array("I", (min(MAX_MS, max(0, round(t.duration_s * 1000))) for t in tests))
            self.conn.execute("INSERT INTO results (run, tier, count, tests, outcomes, durations)"
                              " VALUES (?, ?, ?, ?, ?, ?)",
                              (key, tier, len(tests), _pack(ids), zlib.compress(outcomes), _pack(durations)))

    def _test_id(self, tier: str, name: str) -> int:
        if self._test_ids is None:
            self._test_ids = {(t, n): i for i, t, n in self.conn.execute("SELECT id, tier, name FROM tests")}
        found = self._test_ids.get((tier, name))
        if found is None:
            found = self.conn.execute("INSERT INTO tests (tier, name) VALUES (?, ?)", (tier, name)).lastrowid
            self._test_ids[(tier, name)] = found
        return found

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            self._test_ids = None
            raise
        self.conn.execute("COMMIT")

    def save_impact_map(self, record: ImpactMapRecord, keep: int = KEEP_IMPACT_MAPS) -> None:
        """Store a map (replacing one of the same commit, Python and tier) and keep only the newest
        `keep` of its branch, tier and Python version, in one transaction."""
        names = active().model(list(record.tests), personal=False)  # secrets never reach the file (scrub.py)
        record = active().model(record, personal=False)
        with self._transaction():
            self.conn.execute("DELETE FROM impact_maps WHERE commit_sha = ? AND python = ? AND tier = ?",
                              (record.commit, record.python, record.tier))
            key = self.conn.execute(
                "INSERT INTO impact_maps (commit_sha, branch, python, tier, time, files, blocks, session)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record.commit, record.branch, record.python, record.tier, record.time, _pack_json(record.files),
                 _pack_json(record.blocks), _pack(array("I", record.session)))).lastrowid
            self.conn.executemany("INSERT INTO impact_tests (map, name, blocks) VALUES (?, ?, ?)",
                                  [(key, name, _pack(array("I", blocks)))
                                   for name, blocks in zip(names, record.tests.values(), strict=True)])
            self.conn.execute(
                "DELETE FROM impact_maps WHERE branch IS ? AND tier = ? AND python = ? AND id NOT IN (SELECT id"
                " FROM impact_maps WHERE branch IS ? AND tier = ? AND python = ? ORDER BY time DESC, id DESC LIMIT ?)",
                (record.branch, record.tier, record.python) * 2 + (max(1, keep),))

    def latest_impact_map(self, branch: str | None, tier: str, python: str | None = None) -> ImpactMapRecord | None:
        """The newest map of `branch` and `tier` (of `python`, when given), or None."""
        query = ("SELECT id, commit_sha, python, tier, time, branch, files, blocks, session FROM impact_maps"
                 " WHERE branch IS ? AND tier = ?")
        args: tuple[object, ...] = (branch, tier)
        if python is not None:
            query, args = query + " AND python = ?", (*args, python)
        row = self.conn.execute(query + " ORDER BY time DESC, id DESC LIMIT 1", args).fetchone()
        if row is None:
            return None
        key, commit, python_version, tier_name, time, branch_name, files, blocks, session = row
        try:
            record = ImpactMapRecord(commit, python_version, tier_name, time, branch_name,
                                     list(_unpack_json(files)), [tuple(b) for b in _unpack_json(blocks)],
                                     session=list(_unpack(session)))
            for name, ran in self.conn.execute("SELECT name, blocks FROM impact_tests WHERE map = ? ORDER BY rowid",
                                               (key,)):
                record.tests[name] = list(_unpack(ran))
        except (zlib.error, ValueError, TypeError):
            raise InputError(f"{self.path}: the impact map of {commit[:12]}, tier {tier} is damaged") from None
        if (any(i >= len(record.blocks) for ran in (*record.tests.values(), record.session) for i in ran)
                or any(len(block) not in (3, 7) for block in record.blocks)):
            raise InputError(f"{self.path}: the impact map of {commit[:12]}, tier {tier} is damaged")
        return record

    # reading -------------------------------------------------------------------------------------

    def runs(self, branch: str | None = None) -> list[RunRow]:
        """Every run (or every run of `branch`), oldest first."""
        query = ("SELECT run_id, time, verdict, commit_sha, branch, event, repository, critical, high, medium, low, id"
                 " FROM runs")
        rows = (self.conn.execute(query + " WHERE branch = ? ORDER BY time, id", (branch,)) if branch is not None
                else self.conn.execute(query + " ORDER BY time, id"))
        return [RunRow(*row) for row in rows]

    def find_run(self, run_id: str) -> RunRow | None:
        row = self.conn.execute(
            "SELECT run_id, time, verdict, commit_sha, branch, event, repository, critical, high, medium, low, id"
            " FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return RunRow(*row) if row else None

    def tiers(self, runs: Sequence[int] | None = None) -> dict[int, list[TierRow]]:
        """Tier summaries by run key, of every run or of `runs`."""
        found: dict[int, list[TierRow]] = {}
        for run, tier, status, *counts, quarantined, duration, coverage, gate in self._select(
                "SELECT run, tier, status, tests, passed, failed, errors, skipped, flaky, quarantined, duration_s,"
                " coverage, coverage_gate FROM tiers", runs):
            found.setdefault(run, []).append(TierRow(tier, status, Counts(*counts), quarantined, duration, coverage,
                                                     gate))
        return found

    def scans(self, runs: Sequence[int] | None = None) -> dict[int, list[ScanRow]]:
        found: dict[int, list[ScanRow]] = {}
        for run, *values in self._select("SELECT run, scan, status, high, medium, low, duration_s FROM scans", runs):
            found.setdefault(run, []).append(ScanRow(*values))
        return found

    def outcomes(self, runs: Sequence[int]) -> Iterator[TierOutcomes]:
        """The per-test results of `runs` (runs whose details were pruned have none)."""
        for run, tier, count, tests, outcomes, durations in self._select(
                "SELECT run, tier, count, tests, outcomes, durations FROM results", runs):
            try:
                decoded = TierOutcomes(run, tier, _unpack(tests), zlib.decompress(outcomes), _unpack(durations))
            except (zlib.error, ValueError):
                decoded = None
            if decoded is None or not len(decoded.tests) == len(decoded.outcomes) == len(decoded.durations_ms) == count:
                raise InputError(f"{self.path}: the test results of run {run}, tier {tier} are damaged")
            yield decoded

    def outcomes_by_run(self, runs: Sequence[int]) -> dict[int, list[TierOutcomes]]:
        found: dict[int, list[TierOutcomes]] = {}
        for part in self.outcomes(runs):
            found.setdefault(part.run, []).append(part)
        return found

    def test_names(self, ids: Sequence[int] | None = None) -> dict[int, tuple[str, str]]:
        """(tier, test name) by test id."""
        return {i: (tier, name) for i, tier, name in self._select("SELECT id, tier, name FROM tests", ids, "id")}

    def _select(self, query: str, keys: Sequence[int] | None, column: str = "run") -> Iterator[tuple]:
        """Rows of `query` (in insertion order) whose `column` is one of `keys`, or all rows."""
        if keys is None:
            yield from self.conn.execute(f"{query} ORDER BY rowid")
            return
        keys = list(keys)
        for start in range(0, len(keys), 500):  # SQLite's limit on bound parameters is 999 on old builds
            chunk = keys[start:start + 500]
            yield from self.conn.execute(
                f"{query} WHERE {column} IN ({','.join('?' * len(chunk))}) ORDER BY rowid", chunk)

    def run_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM runs").fetchone()[0]

    def summary(self) -> HistorySummary:
        count, first, last = self.conn.execute("SELECT count(*), min(time), max(time) FROM runs").fetchone()
        branches = [b or "" for (b,) in self.conn.execute("SELECT DISTINCT branch FROM runs ORDER BY branch")]
        detailed = self.conn.execute("SELECT count(DISTINCT run) FROM results").fetchone()[0]
        tests = self.conn.execute("SELECT count(*) FROM tests").fetchone()[0]
        return HistorySummary(schema_version(), count, detailed, tests, branches, first, last)


def _pack(values: array) -> bytes:
    if sys.byteorder == "big":
        values = array(values.typecode, values)
        values.byteswap()
    return zlib.compress(values.tobytes())


def _pack_json(value: object) -> bytes:
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode())


def _unpack_json(blob: bytes) -> list:
    value = json.loads(zlib.decompress(blob))
    if not isinstance(value, list):
        raise ValueError("not a list")
    return value


def _unpack(blob: bytes) -> array:
    values = array("I")
    values.frombytes(zlib.decompress(blob))
    if sys.byteorder == "big":
        values.byteswap()
    return values


def open_history(path: Path, *, create: bool = False) -> HistoryStore:
    """Open (and with `create`, make) a history file, migrating an older format first.

    Without `create` the file is not changed: an older format is migrated in a copy in memory (a
    journal left by a crashed append is still rolled back, as SQLite does on any open).
    """
    if not path.exists() and not create:
        raise InputError(f"no history at {path}: record runs with `qa history add` (or `[tool.qa.history] record`)")
    if path.exists() and not path.is_file():
        raise InputError(f"history {path} is not a file")
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
        conn.execute("PRAGMA foreign_keys = ON")
        version = _check(conn, path)
        if create:
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA synchronous = FULL")
        if version < schema_version():
            conn = _migrate(conn, path, version, in_place=create)
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: not a readable qa-actions history ({exc})") from None
    return HistoryStore(conn, path)


def _check(conn: sqlite3.Connection, path: Path) -> int:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > schema_version():
        raise InputError(f"{path}: history format {version} is newer than this qa-actions reads "
                         f"({schema_version()}); upgrade qa-actions (the file was left unchanged)")
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if version == 0 and tables:
        raise InputError(f"{path}: an SQLite file that is not a qa-actions history (no format version); "
                         "choose another file with --history")
    if version > 0:
        found = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone() if "meta" in tables else None
        if found != (FORMAT,):
            raise InputError(f"{path}: an SQLite file that is not a qa-actions history; choose another with --history")
    return version


def _migrate(conn: sqlite3.Connection, path: Path, version: int, in_place: bool) -> sqlite3.Connection:
    """Bring the file (or, read-only, a copy of it in memory) from `version` to the current format."""
    if version and in_place:
        backup = path.with_name(f"{path.name}.v{version}.bak")
        with sqlite3.connect(backup) as copy:
            conn.backup(copy)
        copy.close()
    elif not in_place:
        memory = sqlite3.connect(":memory:", isolation_level=None)
        conn.backup(memory)
        conn.close()
        conn = memory
        conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN IMMEDIATE")
    try:
        for step in MIGRATIONS[version:]:
            step(conn)
        conn.execute(f"PRAGMA user_version = {schema_version()}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return conn
