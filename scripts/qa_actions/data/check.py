"""`qa data check`: personal data left unmasked in test data, as a scan (`scan.json`) like any other.

Findings say where (file, line or table/column/row) and what kind of data; never the value itself,
because the scan result is posted to pull requests.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fnmatch
import json
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from ..config import QaConfig
from ..errors import InputError
from ..layout import SCAN_MANIFEST, scan_folder
from ..model import Finding, ScanResult
from ..pii import DETECTORS, find_pii
from ..scrub import write_text
from .anonymize import SQLITE_MAGIC

SCAN_NAME = "test-data"
SCAN_FOLDER = scan_folder(Path(), SCAN_NAME)  # relative to the results folder
TOOL = "qa-data-check"
CODE = "unmasked-pii"
PER_FILE = 20  # findings listed per file; the rest are counted in one more finding
BINARY_PROBE = 8192


def check_test_data(config: QaConfig, results: Path, paths: list[Path] | None = None) -> ScanResult:
    """Scan the configured test data (or `paths`), write `<results>/security/test-data/scan.json`, return it."""
    started = time.monotonic()
    scan = scan_test_data(config, paths)
    scan.duration_s = round(time.monotonic() - started, 3)
    write_text(results / SCAN_FOLDER / SCAN_MANIFEST, json.dumps(dataclasses.asdict(scan), indent=2) + "\n")
    return scan


def scan_test_data(config: QaConfig, paths: list[Path] | None = None) -> ScanResult:
    """The test-data scan's result, without writing it (the security scan runner records it).

    `targets` are the paths scanned; a scan that finds no file to read is skipped and says so."""
    targets = paths if paths is not None else [config.project / p for p in config.data.check_paths]
    existing = [p for p in targets if p.exists()]
    shown = ", ".join(_relative(p, config.project) for p in (existing or targets))
    if not existing:
        return ScanResult(SCAN_NAME, "skipped", reason=f"no test data ({shown} not found)")
    files = [(path, relative) for target in existing for path, relative in scanned_files(target, config)]
    if not files:
        return ScanResult(SCAN_NAME, "skipped", targets=[_relative(p, config.project) for p in existing],
                          reason=f"nothing scanned: {shown} holds no file to check (or [tool.qa.data] exclude "
                                 "leaves none)")
    findings = [f for path, relative in files for f in _limit(_scan_file(path, config.data.detectors), relative)]
    return ScanResult(SCAN_NAME, "failed" if findings else "passed", findings,
                      targets=[_relative(p, config.project) for p in existing])


def scanned_files(target: Path, config: QaConfig) -> Iterator[tuple[Path, str]]:
    """The files of `target` the check reads, with their paths relative to the project."""
    files = [target] if target.is_file() else sorted(p for p in target.rglob("*") if p.is_file())
    for path in files:
        relative = _relative(path, config.project)
        if not any(fnmatch.fnmatch(relative, pattern) for pattern in config.data.exclude):
            yield path, relative


def _scan_file(path: Path, detectors: list[str]) -> Iterator[tuple[str, int | None, str]]:
    """(detector, line, where) for every value found; SQLite databases are read table by table."""
    with path.open("rb") as handle:
        head = handle.read(BINARY_PROBE)
    if head.startswith(SQLITE_MAGIC):
        yield from _scan_sqlite(path, detectors)
        return
    if b"\x00" in head:
        return  # another binary format: nothing we can read
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            for match in find_pii(line, detectors):
                yield match.detector, number, ""


def _scan_sqlite(path: Path, detectors: list[str]) -> Iterator[tuple[str, int | None, str]]:
    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            tables = [row[0] for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            for table in tables:
                quoted = table.replace('"', '""')
                cursor = db.execute(f'SELECT * FROM "{quoted}"')  # noqa: S608  # nosec B608 - a name from the schema, quoted
                columns = [d[0] for d in cursor.description]
                for number, row in enumerate(cursor, 1):
                    for column, value in zip(columns, row, strict=True):
                        if isinstance(value, str):
                            for match in find_pii(value, detectors):
                                yield match.detector, None, f" (table {table}, column {column}, row {number})"
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: cannot read as SQLite: {exc}") from None


def _limit(found: Iterator[tuple[str, int | None, str]], relative: str) -> Iterator[Finding]:
    """The first PER_FILE findings of a file, then one finding counting the rest."""
    rest: Counter[str] = Counter()
    for index, (detector, line, where) in enumerate(found):
        if index < PER_FILE:
            yield Finding(tool=TOOL, rule=f"pii-{detector}", severity="high", code=CODE, file=relative, line=line,
                          message=f"unmasked {DETECTORS[detector].label}{where}: anonymise it with"
                                  " `qa data anonymize`", fingerprint=f"{relative}:{line}:{detector}{where}")
        else:
            rest[detector] += 1
    if rest:
        kinds = ", ".join(f"{n} {DETECTORS[d].label}" for d, n in rest.most_common())
        yield Finding(tool=TOOL, rule="pii-more", severity="high", code=CODE, file=relative,
                      message=f"{sum(rest.values())} more unmasked values in this file ({kinds})")


def _relative(path: Path, project: Path) -> str:
    with contextlib.suppress(ValueError):
        return path.resolve().relative_to(project.resolve()).as_posix()
    return path.as_posix()
