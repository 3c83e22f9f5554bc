"""`qa data anonymize`: copies of CSV, JSON, JSON-lines and SQLite files with personal data replaced.

CSV, JSON lines and SQLite stream (one row at a time, bounded memory whatever the size); a JSON
document is parsed whole, under a size limit. Output is written beside the target and renamed
into place, and never over the input.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .. import pii
from ..config.data import FREE_TEXT, KEEP, DataConfig
from ..errors import InputError, QaError
from ..fsutil import read_limited
from .fakes import Pseudonymizer

MIN_SALT_LENGTH = 16
MAX_JSON_BYTES = 256 * 1024 * 1024
MAX_CSV_FIELD = 16 * 1024 * 1024
SQLITE_BATCH = 500
MIN_KNOWN = 3  # shorter originals are not searched for in free text
SQLITE_MAGIC = b"SQLite format 3\x00"
FORMATS = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
           ".sqlite": "sqlite", ".sqlite3": "sqlite", ".db": "sqlite"}


@dataclass
class FileReport:
    """What anonymising one file changed: counts only, never a value."""

    source: str
    target: str | None
    format: str | None
    records: int = 0
    replaced: Counter[str] = field(default_factory=Counter)
    fields: Counter[str] = field(default_factory=Counter)
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "format": self.format, "records": self.records,
                "replaced": dict(self.replaced), "fields": dict(self.fields), "note": self.note}


def salt_from_env(config: DataConfig) -> str:
    salt = os.environ.get(config.salt_env, "")
    if len(salt) < MIN_SALT_LENGTH:
        problem = "is not set" if not salt else f"is shorter than {MIN_SALT_LENGTH} characters"
        raise QaError(f"{config.salt_env} {problem}: anonymised values are keyed by this secret; set it, e.g."
                      f" export {config.salt_env}=$(python -c 'import secrets; print(secrets.token_hex(32))'),"
                      " and keep it out of the repository")
    return salt


class Anonymizer:
    """Applies the `[tool.qa.data]` rules to files; one instance keeps one cache across many files."""

    def __init__(self, config: DataConfig, salt: str) -> None:
        self.config = config
        self.fakes = Pseudonymizer(salt, config.locale)
        self._kinds: dict[tuple[str, ...], str | None] = {}

    def anonymize(self, source: Path, target: Path, fmt: str | None = None) -> list[FileReport]:
        """Anonymise a file, or every supported file under a folder, into `target`."""
        if not source.exists():
            raise InputError(f"{source} does not exist")
        _refuse_overlap(source, target)
        if source.is_dir():
            return [self._file(path, target / path.relative_to(source), fmt) for path in _files(source)]
        if target.is_dir():
            target = target / source.name
        return [self._file(source, target, fmt)]

    def _file(self, source: Path, target: Path, fmt: str | None) -> FileReport:
        fmt = fmt or detect_format(source)
        report = FileReport(str(source), str(target), fmt)
        if fmt is None:
            report.target, report.note = None, "skipped: not CSV, JSON, JSON lines or SQLite"
            return report
        _refuse_overlap(source, target)
        writer = {"csv": self._csv, "json": self._json, "jsonl": self._jsonl, "sqlite": self._sqlite}[fmt]
        with _atomic_target(target) as temporary:
            writer(source, temporary, report)
        return report

    def record(self, report: FileReport) -> _Record:
        return _Record(self, report)

    def _kind(self, path: tuple[str, ...], value: Any) -> str | None:
        """The field kind to apply, FREE_TEXT for text to scan, None for values left alone."""
        if value is None or isinstance(value, bool) or not isinstance(value, str | int | float) or value == "":
            return None
        if path not in self._kinds:
            self._kinds[path] = self.config.kind_for(path)
        kind = self._kinds[path]
        if kind == KEEP or (kind is None and not self.config.scan_other_fields):
            return None
        if kind is None or kind == FREE_TEXT:
            return FREE_TEXT if isinstance(value, str) else None
        return kind

    def _csv(self, source: Path, target: Path, report: FileReport) -> None:
        csv.field_size_limit(MAX_CSV_FIELD)
        with _open_text(source) as handle, target.open("w", encoding="utf-8", newline="") as out:
            sample = handle.read(64 * 1024)
            handle.seek(0)
            dialect = _sniff(sample, source)
            writer = csv.writer(out, dialect)
            try:
                rows = csv.reader(handle, dialect)
                header = next(rows, None)
                if header is None:
                    return
                writer.writerow(header)
                for row in rows:
                    report.records += 1
                    paths = [(header[i] if i < len(header) else f"column{i + 1}",) for i in range(len(row))]
                    writer.writerow(self.record(report).convert(paths, row))
            except csv.Error as exc:
                raise InputError(f"{source}: malformed CSV at line {rows.line_num}: {exc}") from None
            except UnicodeDecodeError as exc:
                raise InputError(f"{source}: not UTF-8 text ({exc.reason})") from None

    def _json(self, source: Path, target: Path, report: FileReport) -> None:
        text = read_limited(source, MAX_JSON_BYTES)
        data = _parse_json(text, source, None)
        records = data if isinstance(data, list) else [data]  # a list of records, or one record
        report.records = len(records)
        converted = [self.record(report).document(item) for item in records]
        indent = 2 if "\n" in text.strip() else None
        result = converted if isinstance(data, list) else converted[0]
        target.write_text(json.dumps(result, indent=indent, ensure_ascii=False) + "\n", encoding="utf-8")

    def _jsonl(self, source: Path, target: Path, report: FileReport) -> None:
        with _open_text(source) as handle, target.open("w", encoding="utf-8") as out:
            try:
                for number, line in enumerate(handle, 1):
                    if not line.strip():
                        out.write(line)
                        continue
                    report.records += 1
                    record = self.record(report).document(_parse_json(line, source, number))
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            except UnicodeDecodeError as exc:
                raise InputError(f"{source}: not UTF-8 text ({exc.reason})") from None

    def _sqlite(self, source: Path, target: Path, report: FileReport) -> None:
        """Copy the database, rewrite every ordinary table in place, then VACUUM so no old page survives."""
        try:
            with contextlib.closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as src, \
                    contextlib.closing(sqlite3.connect(target)) as db:
                src.backup(db)
                skipped = _rewrite_tables(
                    db, lambda table, columns, row: self.record(report).convert([(table, c) for c in columns], row),
                    report)
                db.execute("VACUUM")
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{source}: cannot read as SQLite: {exc}") from None
        if skipped:
            report.note = "not rewritten: " + ", ".join(skipped)


class _Record:
    """One record (CSV row, JSON document or line, SQLite row): configured fields first, then free text.

    Free text also loses every value the configured fields of the same record had, and the words of
    a replaced name, so `notes: "Spoke to Fiona Murphy"` cannot keep the name the `name` field lost,
    even where no detector would recognise it.
    """

    def __init__(self, anonymizer: Anonymizer, report: FileReport) -> None:
        self.anonymizer, self.report = anonymizer, report
        self.known: dict[str, tuple[str, str]] = {}  # original -> (kind, fake)

    def convert(self, paths: list[tuple[str, ...]], values: list[Any]) -> list[Any]:
        kinds = [self.anonymizer._kind(p, v) for p, v in zip(paths, values, strict=True)]
        values = [self._field(p, v, k) if k not in (None, FREE_TEXT) else v
                  for p, v, k in zip(paths, values, kinds, strict=True)]
        return [self._text(p, v) if k == FREE_TEXT else v for p, v, k in zip(paths, values, kinds, strict=True)]

    def document(self, node: Any) -> Any:
        leaves: list[tuple[tuple[str, ...], Any]] = []
        _leaves(node, (), leaves)
        converted = iter(self.convert([p for p, _ in leaves], [v for _, v in leaves]))
        return _rebuild(node, converted)

    def _field(self, path: tuple[str, ...], value: Any, kind: str) -> Any:
        text = str(value)
        fake = self.anonymizer.fakes.fake(kind, text)
        self.report.replaced[kind] += 1
        self.report.fields[".".join(path)] += 1
        if isinstance(value, str) and len(text) >= MIN_KNOWN:
            self.known[text] = (kind, fake)
            if kind == "name":
                self.known.update(_name_words(text, fake))
        return int(fake) if isinstance(value, int) and fake.isdigit() else fake

    def _text(self, path: tuple[str, ...], text: str) -> str:
        replaced = self.report.replaced
        before = sum(replaced.values())
        for original, (kind, fake) in sorted(self.known.items(), key=lambda item: -len(item[0])):
            if original in text:
                replaced[kind] += text.count(original)
                text = text.replace(original, fake)
        text = self.anonymizer.fakes.scrub(text, self.anonymizer.config.detectors, replaced)
        if sum(replaced.values()) > before:
            self.report.fields[".".join(path)] += sum(replaced.values()) - before
        return text


def _name_words(original: str, fake: str) -> dict[str, tuple[str, str]]:
    """`Fiona Murphy` -> `Alejandro Doe` also maps `Fiona` -> `Alejandro` and `Murphy` -> `Doe`."""
    words = [w for w in original.split() if w.rstrip(".") not in pii.TITLES]
    fakes = [w for w in fake.split() if w.rstrip(".") not in pii.TITLES]
    if not words or not fakes:
        return {}
    pairs = {words[0]: fakes[0], words[-1]: fakes[-1]}
    return {w: ("name", f) for w, f in pairs.items() if len(w) >= MIN_KNOWN and w[0].isupper()}


def _leaves(node: Any, path: tuple[str, ...], out: list[tuple[tuple[str, ...], Any]]) -> None:
    if isinstance(node, dict):
        for key, item in node.items():
            _leaves(item, (*path, str(key)), out)
    elif isinstance(node, list):
        for item in node:
            _leaves(item, path, out)
    else:
        out.append((path, node))


def _rebuild(node: Any, values: Iterator[Any]) -> Any:
    if isinstance(node, dict):
        return {key: _rebuild(item, values) for key, item in node.items()}
    if isinstance(node, list):
        return [_rebuild(item, values) for item in node]
    return next(values)


def _rewrite_tables(db: sqlite3.Connection, convert: Callable[[str, list[str], list[Any]], list[Any]],
                   report: FileReport) -> list[str]:
    """Update every row of every ordinary table through `convert`, with triggers set aside meanwhile."""
    schema = db.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
    triggers = [sql for kind, _, sql in schema if kind == "trigger"]
    for _, name, _ in (row for row in schema if row[0] == "trigger"):
        db.execute(f'DROP TRIGGER "{_quote(name)}"')
    skipped = []
    for kind, table, sql in schema:
        if kind != "table":
            continue
        if (sql or "").upper().startswith("CREATE VIRTUAL") or "WITHOUT ROWID" in (sql or "").upper():
            skipped.append(f"{table} (virtual or WITHOUT ROWID table)")
            continue
        columns = [row[1] for row in db.execute(f'PRAGMA table_info("{_quote(table)}")')]
        column_list = ", ".join(f'"{_quote(c)}"' for c in columns)
        assignments = ", ".join(f'"{_quote(c)}" = ?' for c in columns)
        # identifiers come from the database's own schema and are quoted; values are parameters
        select = f'SELECT rowid, {column_list} FROM "{_quote(table)}" WHERE rowid > ? ORDER BY rowid LIMIT ?'  # noqa: S608  # nosec B608
        update = f'UPDATE "{_quote(table)}" SET {assignments} WHERE rowid = ?'  # noqa: S608  # nosec B608
        last = -(2**63)
        while True:
            rows = db.execute(select, (last, SQLITE_BATCH)).fetchall()
            if not rows:
                break
            updates = []
            for rowid, *values in rows:
                report.records += 1
                new = convert(table, columns, values)
                if new != values:
                    updates.append((*new, rowid))
            db.executemany(update, updates)
            db.commit()
            last = rows[-1][0]
    for sql in triggers:
        db.execute(sql)
    db.commit()
    return skipped


def _quote(identifier: str) -> str:
    return identifier.replace('"', '""')


def detect_format(path: Path) -> str | None:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt == "sqlite" or fmt is None:
        with path.open("rb") as handle:
            return "sqlite" if handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC else None if fmt is None else fmt
    return fmt


def _files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
            yield path


def _refuse_overlap(source: Path, target: Path) -> None:
    """Never write over the input: not the same file, and for folders neither inside the other."""
    src, dst = source.resolve(), target.resolve()
    if src == dst or (dst.exists() and not dst.is_dir() and dst.samefile(src)):
        raise QaError(f"refusing to write {target} over its input {source}: choose another target")
    if source.is_dir() and (dst.is_relative_to(src) or src.is_relative_to(dst)):
        raise QaError(f"refusing to anonymise {source} into {target}: one folder is inside the other")


@contextlib.contextmanager
def _atomic_target(target: Path) -> Iterator[Path]:
    """A temporary file beside `target`, renamed over it only when writing succeeded."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


def _open_text(path: Path) -> TextIO:
    return path.open(encoding="utf-8", newline="")


def _sniff(sample: str, source: Path) -> type[csv.Dialect]:
    """The source's delimiter and line ending; quoting stays csv's standard (minimal, double quotes)."""
    delimiter = "\t" if source.suffix.lower() == ".tsv" else ","
    if source.suffix.lower() != ".tsv":
        with contextlib.suppress(csv.Error):
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;|").delimiter

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter
    Dialect.lineterminator = "\r\n" if "\r\n" in sample else "\n"
    return Dialect


def _parse_json(text: str, source: Path, line: int | None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {line}" if line is not None else f"line {exc.lineno}"
        raise InputError(f"{source}: not valid JSON at {where}: {exc.msg}") from None
