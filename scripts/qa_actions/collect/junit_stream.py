"""Stream the test cases of a JUnit file with expat in memory bounded whatever the file's shape.

A JUnit file comes from an artifact, so it may be hostile. The reader keeps nothing outside a
<testcase> (a million <property> elements or a gigabyte of suite-level <system-out> cost nothing),
and of a test case only what `junit.py` reads: its name, classname, file, line and time, and its
first failure/error/skipped children with their message, type and text. Every kept attribute is
clipped to ATTR_CHARS and every kept text to its first TEXT_HEAD and last TEXT_TAIL characters (a
traceback's failure is at its end), so one test case costs at most a few tens of kilobytes.

Elements nested more than MAX_DEPTH deep are refused, as is a document type declaration (only a
DTD can declare entities: no billion laughs, no external entities), in the same single pass.

Expat before 2.6.0 (CVE-2023-52425) re-scans an unfinished token from its start on every buffer it
is fed, so one huge token (a tag with its attributes, a comment, a processing instruction) costs
time quadratic in its size. The file is fed in READ_BYTES pieces, and after each one the reader
checks how far expat got: when it has been inside one token for more than MAX_TOKEN_BYTES the file
is refused. Each byte is then scanned at most about MAX_TOKEN_BYTES / READ_BYTES / 2 (8) times,
and no token larger than MAX_TOKEN_BYTES is ever held. The same bound applies on newer expat,
where it keeps the memory bounded. Text is not a token: expat hands it over piece by piece.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # nosec B405 - only used to hold elements we build, never to parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from ..errors import InputError
from ..text import clip

READ_BYTES = 256 * 1024
MAX_TOKEN_BYTES = 4 * 1024**2
MAX_DEPTH = 64
ATTR_CHARS = 4_096
TEXT_HEAD = 4_096
TEXT_TAIL = 16_384
MAX_RESULTS = 8  # failure/error/skipped children kept per test case (the outcome reads the first)
CASE_ATTRS = ("name", "classname", "file", "line", "time")
RESULT_ATTRS = ("message", "type")
RESULT_TAGS = frozenset({"failure", "error", "skipped"})
FLAKY_TAGS = frozenset({"flakyFailure", "flakyError"})
RETRY_TAGS = FLAKY_TAGS | {"rerunFailure", "rerunError"}
ROOTS = ("testsuites", "testsuite")
ENCODINGS = "JUnit reports must be UTF-8 (or UTF-16, ISO-8859-1, US-ASCII)"


@dataclass(slots=True)
class RawCase:
    """One <testcase> as read: its kept attributes, and its kept results when it had children."""

    attrs: dict[str, str]
    retries: int = 0  # <flakyFailure>, <rerunFailure>, ... children: earlier attempts
    elem: ET.Element | None = None  # the case with its kept result children, for junitparser


class _Text:
    """The first TEXT_HEAD and last TEXT_TAIL characters of a text that arrives in pieces."""

    __slots__ = ("cut", "head", "tail", "tail_chars")

    def __init__(self) -> None:
        self.head: list[str] = []
        self.tail: list[str] = []
        self.tail_chars = 0
        self.cut = 0

    def add(self, piece: str) -> None:
        room = TEXT_HEAD - sum(map(len, self.head)) if not self.tail else 0
        if room > 0:
            self.head.append(piece[:room])
            piece = piece[room:]
        if piece:
            self.tail.append(piece)
            self.tail_chars += len(piece)
            if self.tail_chars > 2 * TEXT_TAIL:
                joined = "".join(self.tail)
                self.cut += len(joined) - TEXT_TAIL
                self.tail, self.tail_chars = [joined[-TEXT_TAIL:]], TEXT_TAIL

    def value(self) -> str:
        tail = "".join(self.tail)
        if len(tail) > TEXT_TAIL:
            self.cut += len(tail) - TEXT_TAIL
            tail = tail[-TEXT_TAIL:]
        head = "".join(self.head)
        return f"{head}\n… {self.cut:,} characters cut …\n{tail}" if self.cut else head + tail


def _clipped(attrs: dict[str, str], keep: tuple[str, ...]) -> dict[str, str]:
    """The attributes in `keep`, each clipped to ATTR_CHARS (the common case, all short, as given)."""
    if len(attrs) <= len(keep) and max(map(len, attrs.values()), default=0) <= ATTR_CHARS:
        return attrs
    return {key: clip(value, ATTR_CHARS) for key in keep if (value := attrs.get(key)) is not None}


class _Reader:
    """expat's handlers: they build RawCase objects into `ready` and note how far the parse got."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.parser = parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.buffer_size = 64 * 1024
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.data
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.doctype
        for name in ("CommentHandler", "ProcessingInstructionHandler", "StartCdataSectionHandler",
                     "EndCdataSectionHandler", "XmlDeclHandler"):
            setattr(parser, name, self.mark)
        self.ready: list[RawCase] = []
        self.progress = 0  # byte index where the last complete event began
        self.depth = 0
        self.case: RawCase | None = None
        self.case_depth = 0
        self.text: _Text | None = None
        self.text_elem: ET.Element | None = None

    def mark(self, *_: object) -> None:
        self.progress = self.parser.CurrentByteIndex

    def doctype(self, *_: object) -> None:
        raise InputError(f"{self.path}: refused: the file declares a DTD or entities")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.progress = self.parser.CurrentByteIndex
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise InputError(f"{self.path}: refused: elements nested more than {MAX_DEPTH} deep")
        case = self.case
        if case is None:
            if tag == "testcase":
                self.case, self.case_depth = RawCase(_clipped(attrs, CASE_ATTRS)), self.depth
            elif self.depth == 1 and tag not in ROOTS:
                raise InputError(f"{self.path}: not a JUnit report (root element <{clip(tag, 80)}>)")
            return
        if self.depth != self.case_depth + 1:
            return  # below a child of the case: nothing there is read
        if tag in RETRY_TAGS:
            case.retries += 1
        elif tag in RESULT_TAGS:
            if case.elem is None:
                case.elem = ET.Element("testcase", case.attrs)
            if len(case.elem) < MAX_RESULTS:
                self.text_elem = ET.SubElement(case.elem, tag, _clipped(attrs, RESULT_ATTRS))
                self.text = _Text()

    def end(self, tag: str) -> None:
        self.progress = self.parser.CurrentByteIndex
        self.depth -= 1
        if self.case is None:
            return
        if self.depth == self.case_depth and self.text_elem is not None and self.text is not None:
            self.text_elem.text = self.text.value()
            self.text = self.text_elem = None
        elif self.depth < self.case_depth:
            self.ready.append(self.case)
            self.case = None

    def data(self, text: str) -> None:
        self.progress = self.parser.CurrentByteIndex
        if self.text is not None and self.depth == self.case_depth + 1:
            self.text.add(text)


def raw_cases(path: Path) -> Iterator[RawCase]:
    """Every <testcase> of the file in order; malformed or hostile XML raises InputError naming it."""
    reader = _Reader(path)
    try:
        for _ in feed(path, reader.parser, lambda: reader.progress):
            yield from reader.ready
            reader.ready.clear()
    except expat.ExpatError as exc:
        raise InputError(f"{path}: malformed XML ({parse_error(exc)})") from None
    except ValueError as exc:  # pyexpat on a declared multi-byte encoding it cannot decode (shift_jis, ...)
        raise InputError(f"{path}: cannot read the declared encoding ({exc}); {ENCODINGS}") from None
    yield from reader.ready


def feed(path: Path, parser: expat.XMLParserType, progress: Callable[[], int]) -> Iterator[None]:
    """Feed `path` to `parser` in READ_BYTES pieces, pausing after each; `progress` is the byte index where
    the parser's last complete event began, and more than MAX_TOKEN_BYTES past it refuses the file.
    Shared by every XML report we read (JUnit, Cobertura)."""
    fed = 0
    with path.open("rb") as handle:
        while chunk := handle.read(READ_BYTES):
            parser.Parse(chunk, False)
            fed += len(chunk)
            if fed - progress() > MAX_TOKEN_BYTES:
                raise InputError(f"{path}: refused: a single XML token (a tag with its attributes, a comment)"
                                 f" of more than {MAX_TOKEN_BYTES:,} bytes at byte {progress():,}")
            yield
        parser.Parse(b"", True)


def parse_error(exc: expat.ExpatError) -> str:
    message = str(exc)
    if message.startswith("no element found"):
        return "the file is empty or cut short"
    if message.startswith(("unknown encoding", "encoding specified in XML declaration is incorrect")):
        return f"{message}; {ENCODINGS}"
    return message
