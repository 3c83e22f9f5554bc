"""Read JUnit XML from pytest or any other producer, defensively and in bounded memory.

The file is streamed by `junit_stream` (expat, in memory bounded whatever the file holds: each
<testcase> is read with only the attributes and results used here, everything else is dropped as it
streams, DTDs, deep nesting and huge tokens are refused), and only failures and the slowest tests
keep their details, so a million passing tests cost no more memory than ten. A test case without a
result is a pass and is read from its attributes alone; one with a result goes through junitparser.

`iter_cases` yields every test with its final outcome, duration and number of attempts; both the
summary of `parse_junit` and the per-test history are built from it.

Reruns. pytest-rerunfailures (checked with 16.7 on pytest 9) adds nothing to the report to mark a
rerun: every attempt is its own `<testcase>` with the same name, the attempts before the last are
empty (they read as passes) and only the last one carries the outcome. Under pytest-xdist the
attempts of one test are interleaved with other tests. So when a tier ran with reruns, a first
pass finds the names that occur more than once (a set of hashes, about 90 bytes per test), and the
second folds their attempts: the last is the outcome, and a pass after earlier attempts is flaky.
Surefire instead writes one `<testcase>` with `<flakyFailure>`/`<rerunFailure>` children.
"""

from __future__ import annotations

import functools
import heapq
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from junitparser import Attr, TestCase
from junitparser import Error as JError
from junitparser import Failure as JFailure
from junitparser import Skipped as JSkipped

from ..errors import InputError
from ..fsutil import check_size
from ..model import CaseTiming, Counts, Failure
from ..text import clip, clip_start
from .junit_stream import raw_cases

MAX_JUNIT_BYTES = 2 * 1024**3
MAX_FAILURES = 500
SLOWEST = 10
MAX_DURATION_S = 1e9  # a longer time is not a test's, and would sum to inf
MESSAGE_CHARS = 1_000
TRACEBACK_LINES = 40
TRACEBACK_CHARS = 8_000

Outcome = Literal["passed", "failed", "error", "skipped", "flaky"]

# "tests/unit/test_x.py:12: AssertionError" closes every pytest failure text
# terminal colours in a traceback (pytest colours it under FORCE_COLOR; its JUnit writer spells ESC `#x1B`)
_COLOURS = re.compile(r"(?:\x1b|#x1B)\[[0-9;]*m")
_LOCATION = re.compile(r"^(?P<file>[^\s:][^:\n]*\.py):(?P<line>[0-9]{1,9}):", re.MULTILINE)  # no 5000-digit line


class Case(TestCase):
    """A test case with the attributes pytest's xunit1 reports add (`line` is 0-based), read as text."""

    file = Attr()
    line = Attr()


@dataclass(slots=True)
class CaseOutcome:
    """One test's final result; `duration_s` covers every attempt, `failure` is set for the first failures."""

    test: str
    outcome: Outcome
    duration_s: float
    file: str | None = None
    attempts: int = 1
    failure: Failure | None = None


@dataclass
class JUnitReport:
    counts: Counts = field(default_factory=Counts)
    failures: list[Failure] = field(default_factory=list)
    slowest: list[CaseTiming] = field(default_factory=list)
    flaky: list[str] = field(default_factory=list)
    duration_s: float = 0.0


def parse_junit(path: Path, max_bytes: int = MAX_JUNIT_BYTES, reruns: bool = False) -> JUnitReport:
    """Summarise one JUnit XML file; malformed or hostile input raises InputError naming the file."""
    report = JUnitReport()
    counts = report.counts
    slow_heap: list[tuple[float, int, CaseTiming]] = []
    for case in iter_cases(path, max_bytes=max_bytes, reruns=reruns):
        counts.tests += 1
        report.duration_s += case.duration_s
        _keep_slowest(slow_heap, case, counts.tests)
        if case.outcome in ("passed", "flaky"):
            counts.passed += 1
        elif case.outcome == "skipped":
            counts.skipped += 1
        elif case.outcome == "error":
            counts.errors += 1
        else:
            counts.failed += 1
        if case.outcome == "flaky":
            counts.flaky += 1
            if len(report.flaky) < MAX_FAILURES:
                report.flaky.append(case.test)
        if case.failure is not None:
            report.failures.append(case.failure)
    report.slowest = [timing for _, _, timing in sorted(slow_heap, key=lambda item: (-item[0], item[1]))]
    report.duration_s = round(report.duration_s, 3)
    return report


def _keep_slowest(slow_heap: list[tuple[float, int, CaseTiming]], case: CaseOutcome, index: int) -> None:
    if len(slow_heap) >= SLOWEST and case.duration_s <= slow_heap[0][0]:
        return
    entry = (case.duration_s, index, CaseTiming(test=case.test, duration_s=round(case.duration_s, 3), file=case.file))
    if len(slow_heap) < SLOWEST:
        heapq.heappush(slow_heap, entry)
    else:
        heapq.heapreplace(slow_heap, entry)


def iter_cases(
    path: Path, *, max_bytes: int = MAX_JUNIT_BYTES, reruns: bool = False, max_failures: int = MAX_FAILURES
) -> Iterator[CaseOutcome]:
    """Every test of the report in file order (a rerun test where its last attempt is).

    `reruns`: the tier ran with pytest-rerunfailures, so repeated names are attempts of one test.
    `max_failures`: how many failing tests get their `failure` details (message, location, traceback).
    """
    check_size(path, max_bytes)
    repeated = _repeated_names(path) if reruns else {}
    earlier: dict[int, tuple[int, float]] = {}  # attempts and seconds so far of tests still to be rerun
    details_left = max_failures
    for raw in raw_cases(path):
        attrs = raw.attrs
        test = case_id(attrs)
        duration = _duration(attrs.get("time"))
        if raw.elem is not None:
            try:
                case = Case.fromelem(raw.elem)
                outcome, problem = _outcome(case)
            except ValueError as exc:
                raise InputError(f"{path}: invalid value in a test case ({exc})") from None
        else:  # no result: a pass (maybe after attempts), the common case, read without junitparser
            case, outcome, problem = None, "passed", None
        attempts = 1 + raw.retries
        key = hash(test) if repeated else 0
        left = repeated.get(key) if repeated else None
        if left is not None:
            done, spent = earlier.pop(key, (0, 0.0))
            if left > 1:
                repeated[key] = left - 1
                earlier[key] = (done + 1, spent + duration)
                continue
            attempts, duration = attempts + done, duration + spent
        if outcome == "passed" and attempts > 1:
            outcome = "flaky"
        failure = None
        if case is not None and problem is not None and details_left > 0:
            details_left -= 1
            failure = _failure(case, test, problem, "error" if outcome == "error" else "failure")
        yield CaseOutcome(test, outcome, duration, attrs.get("file"), attempts, failure)


def _repeated_names(path: Path) -> dict[int, int]:
    """Hashes of the test names that occur more than once, with how often they occur."""
    seen: set[int] = set()
    repeated: dict[int, int] = {}
    for raw in raw_cases(path):
        key = hash(case_id(raw.attrs))
        if key in seen:
            repeated[key] = repeated.get(key, 1) + 1
        else:
            seen.add(key)
    return repeated


def _outcome(case: Case) -> tuple[Outcome, JFailure | JError | None]:
    results = case.result
    problem = next((r for r in results if isinstance(r, JFailure | JError)), None)
    if problem is not None:
        return ("error" if isinstance(problem, JError) else "failed"), problem
    if any(isinstance(r, JSkipped) for r in results):
        return "skipped", None
    return "passed", None


def _duration(raw: str | None) -> float:
    """Seconds from a `time` attribute ("1,234.5" accepted); a missing or unreadable time counts as 0."""
    if not raw:
        return 0.0
    try:
        value = float(raw.replace(",", ""))
    except ValueError:
        return 0.0
    return value if 0 <= value <= MAX_DURATION_S else 0.0  # NaN, inf and 1e999 are unreadable too


def case_id(attrs: Mapping[str, str]) -> str:
    """A pytest-style node id when the report says which file a test is in, else classname.name."""
    name = attrs.get("name") or "<unnamed>"
    classname = attrs.get("classname") or ""
    file = attrs.get("file")
    if file and file.endswith(".py"):
        return f"{_node_prefix(file, classname)}::{name}"
    return f"{classname}::{name}" if classname and classname != name else name  # jest-junit repeats the title


@functools.lru_cache(maxsize=4096)
def _node_prefix(file: str, classname: str) -> str:
    """`file::Class::Inner` of a node id; cached, as every test of a class shares it."""
    module = file[:-3].replace("\\", "/").replace("/", ".")
    inner = classname[len(module) + 1:] if classname.startswith(module + ".") else ""
    return "::".join(part for part in (file, *inner.split(".")) if part)


def _failure(case: Case, test: str, result: JFailure | JError, kind: str) -> Failure:
    text = _COLOURS.sub("", result.text or "").strip()
    message = _COLOURS.sub("", result.message or "").strip() or _first_line(text) or (result.type or kind)
    file, line = _location(case, text)
    return Failure(test=test, message=clip(message, MESSAGE_CHARS), file=file, line=line,
                   kind=kind, traceback=_trim_traceback(text))  # type: ignore[arg-type]


def _location(case: Case, text: str) -> tuple[str | None, int | None]:
    """The failing line from the traceback when it names one, else where the test is defined."""
    matches = list(_LOCATION.finditer(text))
    if matches:
        last = matches[-1]
        return last["file"].replace("\\", "/"), int(last["line"]) or None  # lines count from 1
    raw, file = case.line, case.file
    line = int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    if line is not None and file is not None and file.endswith(".py"):
        line += 1  # pytest's xunit1 counts from 0; other producers (PHPUnit) from 1
    return file, line or None  # a line 0 left (no file to say it counts from 0) names no line


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")



def _trim_traceback(text: str) -> str:
    """The end of a traceback is where the failure is; keep that part."""
    lines = text.splitlines()
    if len(lines) > TRACEBACK_LINES:
        lines = [f"… {len(lines) - TRACEBACK_LINES} lines cut …", *lines[-TRACEBACK_LINES:]]
    trimmed = "\n".join(lines)
    return clip_start(trimmed, TRACEBACK_CHARS)
