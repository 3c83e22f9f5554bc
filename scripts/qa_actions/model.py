"""The results model: what every step after `run` reads and writes (`results.json`).

The core keys are a contract with users' own scripts (see docs/design.md): extend, never rename.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .categories import Category
from .errors import InputError
from .fsutil import read_json
from .schema import Rules, build, same_key
from .scrub import write_text
from .tier_selection import TierSelection

SCHEMA_VERSION = 1
MAX_RESULTS_BYTES = 256 * 1024 * 1024

TierStatus = Literal["passed", "failed", "skipped", "error"]
Verdict = Literal["passed", "failed"]


@dataclass
class Counts:
    tests: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    flaky: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(dataclasses.astuple(self), dataclasses.astuple(other), strict=True)))


@dataclass
class Failure:
    """A failed or erroring test, located at the line that failed when the report says so.

    `code` names the problem when it is not a plain test failure or error (a chaos experiment's
    `steady-state-deviated`, `rollback-failed` or `experiment-error`).
    """

    test: str
    message: str
    file: str | None = None
    line: int | None = None
    kind: Literal["failure", "error"] = "failure"
    traceback: str = ""
    code: str | None = None


@dataclass
class CaseTiming:
    test: str
    duration_s: float
    file: str | None = None


@dataclass
class CoverageResult:
    """Line coverage of one tier; `percent` is None when a gated tier produced no report."""

    percent: float | None
    gate: float | None = None
    covered_lines: int = 0
    num_statements: int = 0
    report: str | None = None  # the coverage.py JSON report, relative to the results folder

    @property
    def meets_gate(self) -> bool:
        if self.gate is None:
            return True
        return self.percent is not None and round(self.percent, 2) >= self.gate


@dataclass
class Activity:
    """One probe or action of a chaostoolkit experiment, as its journal recorded it."""

    name: str
    type: str
    status: str
    tolerance_met: bool | None = None
    output: str = ""
    error: str = ""
    duration_s: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status != "succeeded" or self.tolerance_met is False


@dataclass
class ExperimentResult:
    """One chaostoolkit experiment: its verdict and what its journal says happened."""

    title: str
    file: str
    status: Literal["passed", "failed", "error"]
    journal_status: str | None = None
    deviated: bool = False
    steady_state_before: bool | None = None
    steady_state_after: bool | None = None
    before: list[Activity] = field(default_factory=list)
    after: list[Activity] = field(default_factory=list)
    method: list[Activity] = field(default_factory=list)
    rollbacks: list[Activity] = field(default_factory=list)
    duration_s: float = 0.0
    code: str | None = None
    reason: str | None = None


@dataclass
class Thresholds:
    """A load tier's limits; None means not checked."""

    p95_ms: float | None = None
    fail_ratio: float | None = None
    rps_min: float | None = None


@dataclass
class EndpointStats:
    """Locust's figures for one request name (or all of them, `Aggregated`)."""

    method: str
    name: str
    requests: int = 0
    failures: int = 0
    rps: float = 0.0
    avg_ms: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0

    @property
    def fail_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


@dataclass
class LoadError:
    method: str
    name: str
    message: str
    occurrences: int


@dataclass
class LoadResult:
    """A locust run: the totals, each request name, the most frequent errors, and the thresholds."""

    total: EndpointStats
    host: str | None = None
    users: int = 0
    spawn_rate: float = 0.0
    run_time_s: int = 0
    thresholds: Thresholds = field(default_factory=Thresholds)
    endpoints: list[EndpointStats] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)

    def misses(self) -> list[str]:
        """Each threshold the run missed, in words; empty when every threshold holds."""
        t, total, found = self.thresholds, self.total, []
        if total.requests == 0:
            return ["no requests were made, so no threshold can hold"]
        if t.p95_ms is not None and total.p95_ms > t.p95_ms:
            found.append(f"p95 response time {total.p95_ms:g} ms is over the {t.p95_ms:g} ms threshold")
        if t.fail_ratio is not None and total.fail_ratio > t.fail_ratio:
            found.append(f"{total.failures} of {total.requests} requests failed ({total.fail_ratio:.2%}),"
                         f" over the {t.fail_ratio:.2%} threshold")
        if t.rps_min is not None and total.rps < t.rps_min:
            found.append(f"throughput {total.rps:.1f} requests/s is under the {t.rps_min:g} requests/s threshold")
        return found


@dataclass
class TierResult:
    name: str
    status: TierStatus
    counts: Counts = field(default_factory=Counts)
    duration_s: float = 0.0
    coverage: CoverageResult | None = None
    failures: list[Failure] = field(default_factory=list)
    slowest: list[CaseTiming] = field(default_factory=list)
    reason: str | None = None
    error_code: str | None = None
    shards: int = 1
    environment: str | None = None
    flaky: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    preexisting: list[str] = field(default_factory=list)  # failing tests that also fail on the base run
    kind: str = "pytest"
    experiments: list[ExperimentResult] = field(default_factory=list)
    load: LoadResult | None = None
    shard_durations: dict[str, float] = field(default_factory=dict)  # `K/N` -> seconds, for a sharded tier
    selection: TierSelection | None = None  # what test-impact selection ran (docs/impact.md)

    @property
    def selected_part(self) -> TierSelection | None:
        """The selection, when it ran part of the tier's tests (not a full run)."""
        return self.selection if self.selection is not None and self.selection.mode == "selected" else None


@dataclass
class Finding:
    """One security finding, from a code scanner or a dependency audit."""

    tool: str
    rule: str
    severity: Literal["high", "medium", "low"]
    message: str = ""
    confidence: str | None = None
    file: str | None = None
    line: int | None = None
    cwe: str | None = None
    cve: str | None = None
    package: str | None = None
    version: str | None = None
    fix_version: str | None = None
    fingerprint: str | None = None
    code: str | None = None  # the problem code, when not the one its severity implies
    url: str | None = None
    suppression: str | None = None
    ignore_expired: str | None = None  # the date an ignore rule for it expired (the finding is open again)

    @property
    def baselined(self) -> bool:
        """Suppressed by a baseline (accepted as it was), not by an ignore rule with a reason."""
        return bool(self.suppression) and "baseline" in (self.suppression or "").split(":", 1)[0]

    @property
    def summary(self) -> str:
        """One line saying what is wrong and, for a dependency, which version fixes it."""
        if not self.package:
            return f"{self.rule}: {self.message}"
        ident = self.rule if self.cve in (None, self.rule) else f"{self.rule} ({self.cve})"
        text = f"{self.package} {self.version or '(unpinned)'}: {ident}: {self.message}"
        return text + (f" (fixed in {self.fix_version})" if self.fix_version else "")


@dataclass
class ScanResult:
    """One security scan. `findings` are the open ones (they make problems); `suppressed` were
    accepted by a baseline or an ignore rule, each saying why in `Finding.suppression`."""

    name: str
    status: TierStatus
    findings: list[Finding] = field(default_factory=list)
    reason: str | None = None
    duration_s: float = 0.0
    error_code: str | None = None
    suppressed: list[Finding] = field(default_factory=list)
    tool_version: str | None = None
    targets: list[str] = field(default_factory=list)


@dataclass
class Problem:
    """Anything wrong with a run, categorised; one line of `.errors/errors.jsonl`."""

    category: Category
    source: str
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    blocking: bool = True


@dataclass
class RunInfo:
    """Where and when the run happened (filled from the GitHub environment when present)."""

    run_id: str
    time: str
    commit: str | None = None
    branch: str | None = None
    event: str | None = None
    repository: str | None = None
    project_path: str | None = None  # the project folder relative to the repository root ("" at the root)


@dataclass
class LineRange:
    start: int
    end: int


@dataclass
class ChangedFile:
    """One changed file as coverage sees it; `file` is relative to the project, like every path here."""

    file: str
    statements: int
    covered: int
    uncovered: list[LineRange] = field(default_factory=list)
    source: dict[str, str] = field(default_factory=dict)  # line number -> text, of the uncovered changed lines


@dataclass
class ChangedLinesResult:
    """Coverage of the statements a change added or modified, by every tier together.

    `measured`: `percent` is set (None when no changed line is a measured statement);
    `skipped`: nothing to compare with; `unavailable`: it should have been measured but could not be.
    """

    status: Literal["measured", "skipped", "unavailable"]
    gate: float | None = None
    percent: float | None = None
    statements: int = 0
    covered: int = 0
    base: str | None = None
    head: str | None = None
    files: list[ChangedFile] = field(default_factory=list)
    reason: str | None = None

    @property
    def meets_gate(self) -> bool:
        if self.status != "measured" or self.gate is None or self.percent is None:
            return True
        return round(self.percent, 2) >= self.gate


@dataclass
class FailureBase:
    """What `fail-on-failures = "new"` compared the failures with: the base branch's latest run in the
    history the gate job owns. `run_id` None: there was none to compare with (`note` says why), so every
    failure failed the gate, as with `any`. `fixed`: "tier: test" failing in that run, passing in this one."""

    branch: str
    run_id: str | None = None
    commit: str | None = None
    note: str | None = None
    fixed: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    run: RunInfo
    tiers: dict[str, TierResult] = field(default_factory=dict)
    scans: dict[str, ScanResult] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    verdict: Verdict = "passed"
    schema_version: int = SCHEMA_VERSION
    changed_lines: ChangedLinesResult | None = None
    fail_on: Category = "medium"  # the threshold the verdict was computed with
    fail_on_failures: Literal["any", "new"] = "any"  # `new`: failures of the base run do not fail the verdict
    failure_base: FailureBase | None = None  # what `new` compared with (None with `any`)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        return {"schema_version": data.pop("schema_version"), **data}


def save_results(result: RunResult, path: Path) -> None:
    write_text(path, json.dumps(result.to_dict(), indent=2) + "\n")


def load_results(path: Path) -> RunResult:
    """Read a results.json, rejecting other schema versions and malformed content by name."""
    if not path.is_file():
        raise InputError(f"{path} not found: run `qa collect` (or `qa run`) first")
    data = read_json(path, MAX_RESULTS_BYTES)
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise InputError(f"{path}: schema_version {version!r} is not supported (expected {SCHEMA_VERSION})")
    return build(RunResult, data, "results", Rules(path, key=same_key, strict=False, error=InputError))
