"""Read JUnit XML from pytest or any other producer, defensively and in bounded memory.

The file is streamed (each <testcase> is read with junitparser, then dropped), DTDs and entities
are refused (no billion laughs, no external entities), and only failures and the slowest tests
keep their details, so a million passing tests cost no more memory than ten.
"""

from __future__ import annotations

import heapq
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from junitparser import Attr, TestCase
from junitparser import Error as JError
from junitparser import Failure as JFailure
from junitparser import Skipped as JSkipped

from .errors import InputError
from .fsutil import check_size
from .model import CaseTiming, Counts, Failure

MAX_JUNIT_BYTES = 2 * 1024**3
MAX_FAILURES = 500
SLOWEST = 10
MESSAGE_CHARS = 1_000
TRACEBACK_LINES = 40
TRACEBACK_CHARS = 8_000
FLAKY_TAGS = frozenset({"flakyFailure", "flakyError"})

# "tests/unit/test_x.py:12: AssertionError" closes every pytest failure text
_LOCATION = re.compile(r"^(?P<file>[^\s:][^:\n]*\.py):(?P<line>\d+):", re.MULTILINE)


class Case(TestCase):
    """A test case with the attributes pytest's xunit1 reports add (`line` is 0-based), read as text."""

    file = Attr()
    line = Attr()


@dataclass
class JUnitReport:
    counts: Counts = field(default_factory=Counts)
    failures: list[Failure] = field(default_factory=list)
    slowest: list[CaseTiming] = field(default_factory=list)
    duration_s: float = 0.0


def parse_junit(path: Path, max_bytes: int = MAX_JUNIT_BYTES) -> JUnitReport:
    """Summarise one JUnit XML file; malformed or hostile input raises InputError naming the file."""
    check_size(path, max_bytes)
    report = JUnitReport()
    slow_heap: list[tuple[float, int, CaseTiming]] = []
    stack: list[ET.Element] = []
    try:
        for event, elem in iterparse(str(path), events=("start", "end"), forbid_dtd=True):
            if event == "start":
                if not stack and elem.tag not in ("testsuites", "testsuite"):
                    raise InputError(f"{path}: not a JUnit report (root element <{elem.tag}>)")
                stack.append(elem)
                continue
            stack.pop()
            if elem.tag == "testcase":
                _add_case(report, slow_heap, Case.fromelem(elem), elem)
                if stack:
                    stack[-1].remove(elem)
    except ET.ParseError as exc:
        raise InputError(f"{path}: malformed XML ({_parse_error(exc)})") from None
    except DefusedXmlException as exc:
        raise InputError(f"{path}: refused: the file declares a DTD or entities ({type(exc).__name__})") from None
    except ValueError as exc:
        raise InputError(f"{path}: invalid value in a test case ({exc})") from None
    report.slowest = [timing for _, _, timing in sorted(slow_heap, key=lambda item: (-item[0], item[1]))]
    report.duration_s = round(report.duration_s, 3)
    return report


def _parse_error(exc: ET.ParseError) -> str:
    message = str(exc)
    return "the file is empty or cut short" if message.startswith("no element found") else message


def _add_case(
    report: JUnitReport, slow_heap: list[tuple[float, int, CaseTiming]], case: Case, elem: ET.Element
) -> None:
    counts = report.counts
    counts.tests += 1
    duration = _duration(elem.get("time"))
    report.duration_s += duration
    test = case_id(case)
    timing = CaseTiming(test=test, duration_s=round(duration, 3), file=case.file)
    entry = (duration, counts.tests, timing)
    if len(slow_heap) < SLOWEST:
        heapq.heappush(slow_heap, entry)
    elif duration > slow_heap[0][0]:
        heapq.heapreplace(slow_heap, entry)

    results = case.result
    problem = next((r for r in results if isinstance(r, JFailure | JError)), None)
    if problem is None:
        if any(isinstance(r, JSkipped) for r in results):
            counts.skipped += 1
        else:
            counts.passed += 1
            if any(child.tag in FLAKY_TAGS for child in elem):
                counts.flaky += 1
        return
    is_error = isinstance(problem, JError)
    if is_error:
        counts.errors += 1
    else:
        counts.failed += 1
    if len(report.failures) < MAX_FAILURES:
        report.failures.append(_failure(case, test, problem, "error" if is_error else "failure"))


def _duration(raw: str | None) -> float:
    """Seconds from a `time` attribute ("1,234.5" accepted); a missing or unreadable time counts as 0."""
    if not raw:
        return 0.0
    try:
        value = float(raw.replace(",", ""))
    except ValueError:
        return 0.0
    return value if value >= 0 else 0.0


def case_id(case: Case) -> str:
    """A pytest-style node id when the report says which file a test is in, else classname.name."""
    name = case.name or "<unnamed>"
    classname = case.classname or ""
    file = case.file
    if file and file.endswith(".py"):
        module = file[:-3].replace("\\", "/").replace("/", ".")
        inner = classname[len(module) + 1:] if classname.startswith(module + ".") else ""
        return "::".join(part for part in (file, *inner.split("."), name) if part)
    return f"{classname}::{name}" if classname else name


def _failure(case: Case, test: str, result: JFailure | JError, kind: str) -> Failure:
    text = (result.text or "").strip()
    message = (result.message or "").strip() or _first_line(text) or (result.type or kind)
    file, line = _location(case, text)
    return Failure(test=test, message=_clip(message, MESSAGE_CHARS), file=file, line=line,
                   kind=kind, traceback=_trim_traceback(text))  # type: ignore[arg-type]


def _location(case: Case, text: str) -> tuple[str | None, int | None]:
    """The failing line from the traceback when it names one, else where the test is defined."""
    matches = list(_LOCATION.finditer(text))
    if matches:
        last = matches[-1]
        return last["file"].replace("\\", "/"), int(last["line"])
    line = int(case.line) + 1 if case.line and case.line.isdigit() else None  # xunit1 lines are 0-based
    return case.file, line


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _trim_traceback(text: str) -> str:
    """The end of a traceback is where the failure is; keep that part."""
    lines = text.splitlines()
    if len(lines) > TRACEBACK_LINES:
        lines = [f"… {len(lines) - TRACEBACK_LINES} lines cut …", *lines[-TRACEBACK_LINES:]]
    trimmed = "\n".join(lines)
    return trimmed if len(trimmed) <= TRACEBACK_CHARS else "…" + trimmed[-(TRACEBACK_CHARS - 1):]
