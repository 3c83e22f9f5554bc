"""What `qa run` (and `qa tier`, `qa scan`, `qa gate`) print at the end, as rich renderables: one table
of tiers, of load tests and of scans, the experiments, the failing tests, the problems by category
with what to do about each, and the verdict line (`verdict: FAILED  (problems: …)`, which scripts read).

Pure: the run in, renderables out; `terminal.py` prints them. Names, messages and reasons come from
the results, so each goes into a `Text` (rich never reads markup from it) cut to one line (a name
cannot add a line of its own); the command prints the whole through `github_env.untrusted`, so that
no line of it is a workflow command. Cells wrap instead of being clipped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from ..categories import CATEGORY_ORDER, fix_hint
from ..evaluate.errorlog import failure_base_lines
from ..model import Failure, LoadResult, Problem, RunResult, ScanResult, TierResult
from ..text import duration, one_line, plural
from . import format as fmt

HEADERS = ("tier", "tests", "passed", "failed", "skipped", "duration", "coverage", "status")
LOAD_HEADERS = ("load", "requests", "failed", "req/s", "p50", "p95", "p99", "thresholds")
SCAN_HEADERS = ("scan", "findings", "high", "medium", "low", "duration", "", "status")
EXPERIMENT_MARKS = {"passed": "✓", "failed": "✗", "error": "!"}
STATUS_STYLES = {"passed": "green", "failed": "bold red", "error": "bold magenta", "skipped": "yellow"}
CATEGORY_STYLES = {"critical": "bold magenta", "high": "bold red", "medium": "yellow", "low": "cyan"}
VERDICT_STYLES = {"passed": "bold green", "failed": "bold red"}
LISTED = 10  # failing tests listed per tier, problems per source and code; the rest are counted
MESSAGE_CHARS = 300  # of a failure's first line
TEST_CODES = frozenset({"test-failure", "test-error"})  # listed with the failing tests: counted in the problems


def report(run: RunResult) -> list[RenderableType]:
    """Everything the console shows about a run, in the order it is printed."""
    parts: list[RenderableType] = [tables(run)]
    changed = fmt.changed_lines(run.changed_lines)
    if changed:
        parts += [Text(""), Text(f"changed lines: {changed}")]
    selected = fmt.selection_lines(run)
    if selected:
        parts += [Text(""), *(Text(f"selection: {line}") for line in selected)]
    for section in (_experiments(run), _failing_tests(run), _problems(run)):
        if section:
            parts += [Text(""), *section]
    parts += [Text(""), verdict_text(run)]
    return parts + [Text(line) for line in failure_base_lines(run)]  # what fail-on-failures new compared with


def tables(run: RunResult) -> Table:
    """The tier, load and scan rows in one grid, each part under its own header row, so that their
    columns line up: the name left, the figures right, the last column (status, thresholds) left and
    wrapping when the line is too long."""
    rows: list[list[Text]] = []
    if run.tiers or not run.scans:
        rows += [_header(HEADERS), *(_tier_row(t) for t in run.tiers.values())]
    loads = [(t.name, t.load) for t in run.tiers.values() if t.load is not None]
    if loads:
        rows += [_header(LOAD_HEADERS), *(_load_row(name, load) for name, load in loads)]
    if run.scans:
        rows += [_header(SCAN_HEADERS), *(_scan_row(scan) for scan in run.scans.values())]
    table = Table(box=None, pad_edge=False, padding=(0, 1), show_edge=False, show_header=False)
    for index in range(len(HEADERS)):
        last = index == len(HEADERS) - 1
        table.add_column(justify="left" if index == 0 or last else "right", no_wrap=not last and index != 0,
                         overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def _header(names: tuple[str, ...]) -> list[Text]:
    return [Text(name, style="bold") for name in names]


def _tier_row(tier: TierResult) -> list[Text]:
    c = tier.counts
    coverage = fmt.coverage(tier.coverage)
    if tier.coverage is not None and not tier.coverage.meets_gate:
        coverage += " ✗"
    counts = ("—",) * 4 if tier.kind == "load" else (str(c.tests), str(c.passed), str(c.failed + c.errors),
                                                       str(c.skipped))
    notes = [one_line(tier.reason)] if tier.status != "passed" and tier.reason else []
    if tier.quarantined:
        notes.append(f"{len(tier.quarantined)} quarantined failing")
    if tier.counts.flaky:
        notes.append(f"{tier.counts.flaky} flaky")
    return [Text(one_line(tier.name)), *map(Text, counts), Text(duration(tier.duration_s)),
            Text(coverage, style="red" if coverage.endswith("✗") else ""), status_text(tier.status, notes)]


def _scan_row(scan: ScanResult) -> list[Text]:
    severities = Counter(f.severity for f in scan.findings)
    notes = [one_line(scan.reason)] if scan.reason else []
    if scan.suppressed:
        notes.append(f"{len(scan.suppressed)} {'baselined' if scan.name == 'bandit' else 'ignored'}")
    return [Text(one_line(scan.name)), *(Text(str(n)) for n in (len(scan.findings), severities["high"],
                                                                  severities["medium"], severities["low"])),
            Text(duration(scan.duration_s)), Text(""), status_text(scan.status, notes)]


def _load_row(name: str, load: LoadResult) -> list[Text]:
    total, limits = load.total, load.thresholds
    checks = []
    if limits.p95_ms is not None:
        checks.append(f"p95 ≤ {limits.p95_ms:g} ms {_mark(total.p95_ms <= limits.p95_ms)}")
    if limits.fail_ratio is not None:
        checks.append(f"failed ≤ {limits.fail_ratio:.2%} {_mark(total.fail_ratio <= limits.fail_ratio)}")
    if limits.rps_min is not None:
        checks.append(f"req/s ≥ {limits.rps_min:g} {_mark(total.rps >= limits.rps_min)}")
    cells = (one_line(name), str(total.requests), f"{total.fail_ratio:.2%}", f"{total.rps:.1f}",
             f"{total.p50_ms:g} ms", f"{total.p95_ms:g} ms", f"{total.p99_ms:g} ms", ", ".join(checks) or "none")
    return [Text(cell) for cell in cells]


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def status_text(status: str, notes: Iterable[str] = ()) -> Text:
    """`failed — why; 1 flaky`: the status in its colour, then what it hides or why (no parentheses,
    which a reason often holds itself)."""
    text = Text()
    text.append(status, style=STATUS_STYLES.get(status, ""))
    details = "; ".join(notes)
    if details:
        text.append(f" — {details}")
    return text


def _experiments(run: RunResult) -> list[Text]:
    """One line per chaostoolkit experiment, with the reason when it did not pass."""
    lines = []
    for tier in run.tiers.values():
        for experiment in tier.experiments:
            where = f"{one_line(experiment.file)}, " if experiment.file != experiment.title else ""
            line = Text()  # a style given to Text() would colour the whole line
            mark = EXPERIMENT_MARKS.get(experiment.status, "?")
            line.append(f"  {mark} ", style=STATUS_STYLES.get(experiment.status, ""))
            took = duration(experiment.duration_s)
            line.append(f"{one_line(tier.name)}: {one_line(experiment.title)} ({where}{took})")
            if experiment.reason:
                line.append(f" — {one_line(experiment.reason)}")
            lines.append(line)
    return [Text("experiments:", style="bold"), *lines] if lines else []


def _failing_tests(run: RunResult) -> list[Text]:
    """Per tier, its first LISTED failing tests: id, `file:line` and the message's first line."""
    lines = []
    for tier in run.tiers.values():
        failures = [f for f in tier.failures if f.code is None]  # experiments are listed above
        if not failures:
            continue
        lines.append(Text(f"failing tests in {one_line(tier.name)}: {len(failures)}", style="bold"))
        lines += [_failure_line(f, f.test in tier.quarantined) for f in failures[:LISTED]]
        if len(failures) > LISTED:
            lines.append(Text(f"  … and {len(failures) - LISTED} more"))
    return lines


def _failure_line(failure: Failure, quarantined: bool) -> Text:
    line = Text()
    line.append("  ✗ " if failure.kind == "failure" else "  ! ", style="red")
    line.append(one_line(failure.test), style="bold")
    if failure.file:
        line.append(f"  {one_line(failure.file)}" + (f":{failure.line}" if failure.line else ""), style="cyan")
    message = failure.message.strip().splitlines()[0] if failure.message.strip() else ""
    if failure.kind == "error":
        message = f"error: {message}" if message else "error"
    if message:
        line.append(f"  {one_line(message, MESSAGE_CHARS)}")
    if quarantined:
        line.append(" — quarantined: does not fail the gate", style="dim")
    return line


def _problems(run: RunResult) -> list[Text]:
    """The problems by category, grouped by where they come from and their code, with a hint each."""
    if not run.problems:
        return []
    lines = [Text("problems:", style="bold")]
    for category in CATEGORY_ORDER:
        found = [p for p in run.problems if p.category == category]
        if not found:
            continue
        lines.append(Text(f"  {category}: {plural(len(found), 'problem')}", style=CATEGORY_STYLES[category]))
        groups: dict[tuple[str, str], list[Problem]] = {}
        for problem in found:
            groups.setdefault((problem.source, problem.code), []).append(problem)
        for (source, code), problems in groups.items():
            lines += _problem_group(source, code, problems)
    return lines


def _problem_group(source: str, code: str, problems: list[Problem]) -> list[Text]:
    head = Text(f"    {one_line(source)} ")
    head.append(code, style="bold")
    blocking = "" if any(p.blocking for p in problems) else " — does not fail the verdict"
    if code in TEST_CODES:
        what = plural(len(problems), "failing test") if code == "test-failure" else \
            f"{plural(len(problems), 'test')} in error"
        head.append(f": {what}, listed above{blocking}")
        lines = [head]
    elif len(problems) == 1:
        head.append(f": {_problem_message(problems[0])}{blocking}")
        lines = [head]
    else:
        head.append(f": {len(problems)}{blocking}")
        lines = [head, *(Text(f"      {_problem_message(p)}") for p in problems[:LISTED])]
        if len(problems) > LISTED:
            lines.append(Text(f"      … and {len(problems) - LISTED} more"))
    hint = fix_hint(code, one_line(source))
    if hint:
        lines.append(Text(f"      fix: {hint}", style="dim"))
    return lines


def _problem_message(problem: Problem) -> str:
    where = f" — {problem.file}" + (f":{problem.line}" if problem.line else "") if problem.file else ""
    return one_line(problem.message + where)


def verdict_text(run: RunResult) -> Text:
    """`verdict: FAILED  (problems: 0 critical, 3 high, 1 medium, 0 low)` in one style, so that the
    line reads the same with colour as without."""
    return Text(render_verdict(run), style=VERDICT_STYLES.get(run.verdict, ""))


def render_verdict(run: RunResult) -> str:
    counts = Counter(p.category for p in run.problems)
    tally = ", ".join(f"{counts.get(c, 0)} {c}" for c in CATEGORY_ORDER)
    return f"verdict: {run.verdict.upper()}  (problems: {tally})"
