"""Line coverage from other tools' reports: Cobertura XML (Istanbul, gocover-cobertura, JaCoCo via a
converter, coverage.py's `coverage xml`) and LCOV tracefiles (Istanbul, c8, grcov, geninfo).

The files come from another job's artifact, so they are read like a JUnit report: a size limit
before reading, expat fed in bounded pieces (`junit_stream.feed`: no token over its limit, no
nesting deeper than MAX_DEPTH), no internal DTD subset and no entity declaration (the
`<!DOCTYPE coverage SYSTEM "…coverage-04.dtd">` line Cobertura writers add is accepted; pyexpat
never fetches an external DTD), and only counters kept, so memory does not grow with the file.
LCOV is read a line at a time, each line at most MAX_LINE_BYTES.

A report gives the tier two numbers, covered lines and measured lines; several reports add up (so
each should cover its own source files, as one report per package or module does).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from ..errors import InputError
from ..fsutil import check_size
from ..text import clip
from .junit_stream import MAX_DEPTH, feed, parse_error

MAX_COVERAGE_BYTES = 1024**3
MAX_LINES = 10**12  # more lines than any code base has
MAX_LINE_BYTES = 1024 * 1024  # one LCOV line (a source path, a DA record)
SNIFF_BYTES = 4096
LCOV_KEYS = frozenset({"TN", "SF", "VER", "FN", "FNDA", "FNF", "FNH", "FNL", "FNA", "BRDA", "BRF", "BRH", "DA", "LF",
                       "LH", ""})


@dataclass
class LineCount:
    """Covered and measured lines of one report (or of several, added up)."""

    covered: int = 0
    statements: int = 0

    def __add__(self, other: LineCount) -> LineCount:
        return LineCount(self.covered + other.covered, self.statements + other.statements)

    @property
    def percent(self) -> float | None:
        """Covered share in percent; None when no line was measured (nothing to pass a gate with)."""
        return round(100 * self.covered / self.statements, 2) if self.statements else None


def read_line_count(path: Path) -> LineCount:
    """The covered and measured lines of a Cobertura or LCOV report, told apart by their first bytes."""
    check_size(path, MAX_COVERAGE_BYTES)
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return read_cobertura(path)
    return read_lcov(path)


def _count(path: Path, what: str, raw: str | None) -> int | None:
    if raw is None:
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 13) or int(text) > MAX_LINES:
        raise InputError(f"{path}: not a coverage report ({what} {clip(raw, 40)!r} is not a count of lines)")
    return int(text)


class _Cobertura:
    """expat's handlers: the root's totals, else each class's <line> elements counted."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.parser = parser = expat.ParserCreate()
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.entity
        parser.CommentHandler = parser.ProcessingInstructionHandler = parser.XmlDeclHandler = self.mark
        parser.CharacterDataHandler = self.mark
        self.progress = 0
        self.stack: list[str] = []
        self.totals: LineCount | None = None
        self.counted = LineCount()

    def mark(self, *_: object) -> None:
        self.progress = self.parser.CurrentByteIndex

    def doctype(self, _name: str, _system: str | None, _public: str | None, internal: int) -> None:
        self.mark()
        if internal:
            raise InputError(f"{self.path}: refused: the file declares an internal DTD subset")

    def entity(self, *_: object) -> None:
        raise InputError(f"{self.path}: refused: the file declares entities")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.mark()
        if len(self.stack) >= MAX_DEPTH:
            raise InputError(f"{self.path}: refused: elements nested more than {MAX_DEPTH} deep")
        if not self.stack:
            if tag != "coverage":
                raise InputError(f"{self.path}: not a Cobertura report (root element <{clip(tag, 80)}>)")
            covered = _count(self.path, "lines-covered", attrs.get("lines-covered"))
            valid = _count(self.path, "lines-valid", attrs.get("lines-valid"))
            if covered is not None and valid is not None:
                if covered > valid:
                    raise InputError(f"{self.path}: not a coverage report (lines-covered {covered} is more than"
                                     f" lines-valid {valid})")
                self.totals = LineCount(covered, valid)
        # a class's own lines: <class><lines><line>; a method's repeat them (<method><lines><line>)
        elif tag == "line" and self.totals is None and self.stack[-2:] == ["class", "lines"]:
            hits = attrs.get("hits", "0").strip()
            self.counted.statements += 1
            self.counted.covered += int(hits not in ("", "0") and hits.isascii() and hits.isdigit())
        self.stack.append(tag)

    def end(self, _tag: str) -> None:
        self.mark()
        self.stack.pop()


def read_cobertura(path: Path) -> LineCount:
    """Totals of a Cobertura report: `lines-covered` / `lines-valid` of its root, else its lines counted."""
    reader = _Cobertura(path)
    try:
        for _ in feed(path, reader.parser, lambda: reader.progress):
            if reader.totals is not None:
                break  # the root said it all: the rest of the file is not needed
    except expat.ExpatError as exc:
        raise InputError(f"{path}: malformed XML ({parse_error(exc)})") from None
    except ValueError as exc:
        raise InputError(f"{path}: cannot read the declared encoding ({exc})") from None
    return reader.totals if reader.totals is not None else reader.counted


def read_lcov(path: Path) -> LineCount:
    """Totals of an LCOV tracefile: each record's LF/LH, else its DA lines counted."""
    total, records = LineCount(), 0
    record_lf = record_lh = None
    da = LineCount()
    with path.open("rb") as handle:
        number = 0
        while raw := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                raise InputError(f"{path}: refused: line {number} is over {MAX_LINE_BYTES:,} bytes")
            line = raw.decode("utf-8", "replace").strip()
            key, _, value = line.partition(":")
            if key == "DA":
                fields = value.split(",")
                if len(fields) < 2:
                    raise InputError(f"{path}: not an LCOV report (line {number}: {clip(line, 80)!r})")
                _count(path, "DA line", fields[0])
                hits = fields[1].strip().lstrip("-")
                da.statements += 1
                da.covered += int(hits.isascii() and hits.isdigit() and int(hits) > 0)
            elif key == "LF":
                record_lf = _count(path, "LF", value)
            elif key == "LH":
                record_lh = _count(path, "LH", value)
            elif line == "end_of_record":
                records += 1
                if record_lf is not None and record_lh is not None:
                    if record_lh > record_lf:
                        raise InputError(f"{path}: not an LCOV report (LH {record_lh} is more than LF {record_lf},"
                                         f" line {number})")
                    total += LineCount(record_lh, record_lf)
                else:
                    total += da
                record_lf = record_lh = None
                da = LineCount()
            elif number == 1 and key not in LCOV_KEYS:
                raise InputError(f"{path}: neither a Cobertura XML nor an LCOV report (it starts"
                                 f" {clip(line, 60)!r})")
    if records == 0:
        raise InputError(f"{path}: not an LCOV report (no `end_of_record`)")
    if total.statements > MAX_LINES:
        raise InputError(f"{path}: not a coverage report (more than {MAX_LINES:,} lines)")
    return total
