"""The report in Markdown: the sticky pull-request comment and the job summary. Pure: model in, text out.

The comment answers "can I merge, and if not why" at a glance: the verdict, the tiers with their
changes against the base branch, the failing tests (new ones apart from those already failing on the
base branch), each scan's real state and the links to the rest. The job summary holds what the
comment leaves out: every failure with its traceback, the slowest tests, the shards' durations, the
accepted findings and the changed files' uncovered lines one by one.

Each is rendered at the most detailed level that fits GitHub's limit (tracebacks first to go, then
long lists), and cut at a line boundary with a pointer to the full report only when even the
shortest form does not fit.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .. import __version__
from ..categories import CATEGORY_ORDER
from ..evaluate.errorlog import failure_base_lines
from ..evaluate.gates import collected_nothing, fails_verdict
from ..model import ChangedFile, Failure, Finding, Problem, RunResult, ScanResult, TierResult
from ..text import clip_start, duration, one_line
from . import format as fmt
from .context import COVERAGE_CHECK, MARKER_PREFIX, SECURITY_CHECK, VERDICT_CHECK, RenderContext
from .markdown import code, code_block, details, escape, fit, link, table, utf8_size, utf16_size

T = TypeVar("T")

COMMENT_LIMIT = 65_535  # characters, GitHub's limit for a comment body and a check-run summary
SUMMARY_LIMIT = 1_000_000  # bytes; GitHub shows up to 1 MiB of job summary per step
STATUS_ICON = {"passed": "✅", "failed": "❌", "skipped": "⏭️", "error": "💥"}
CATEGORY_ICON = {"critical": "🔴", "high": "🟠", "medium": "🟡", "low": "⚪"}
SEVERITY_ORDER = ("high", "medium", "low")
HEADLINE_REASONS = 5
MAX_TIER_ROWS = 50  # tiers in the table; the rest are counted in one line (a hostile artifact may hold hundreds)
EVERYTHING = "`results.json` in the results folder (the workflow run's artifacts)"  # what the summary leaves out
MAX_SLOWEST = 20  # tests in the job summary's slowest list, over every tier
MAX_SHARD_CELLS = 64  # shards listed per tier
MAX_UNCOVERED_LINES = 200  # uncovered changed lines listed one by one per file in the job summary
# problems the comment shows in their own section; the rest are listed under "Other problems"
SHOWN_IN_SECTIONS = frozenset({"test-failure", "test-error", "finding-high", "finding-medium", "finding-low",
                               "vulnerable-dependency", "coverage-gate", "changed-lines-coverage",
                               "changed-lines-unmeasured", "flaky-test", "scan-error"})
_PHRASES: dict[str, tuple[str, str] | str] = {
    "test-failure": ("failing test", "failing tests"),
    "test-error": ("test error", "test errors"),
    "flaky-test": ("flaky test", "flaky tests"),
    "finding-high": ("high finding", "high findings"),
    "finding-medium": ("medium finding", "medium findings"),
    "finding-low": ("low finding", "low findings"),
    "vulnerable-dependency": ("vulnerable dependency", "vulnerable dependencies"),
    "coverage-gate": "coverage under the gate",
    "coverage-missing": "no coverage report",
    "changed-lines-coverage": "coverage under the gate",
    "changed-lines-unmeasured": "not measured",
    "tier-error": "could not run",
    "scan-error": "could not run",
    "tier-timeout": "timed out",
    "missing-tool": "a tool is missing",
}


@dataclass(frozen=True)
class Detail:
    """How much a rendering shows; the levels below go from everything to the bare tables."""

    tracebacks: int  # characters of traceback per failure (0: none)
    items: int  # entries listed per section
    visible: int  # entries shown before the rest collapse into <details>
    message: int  # characters of a message in a table cell


COMMENT_LEVELS = (Detail(3000, 100, 10, 300), Detail(0, 100, 10, 200), Detail(0, 30, 10, 150),
                  Detail(0, 10, 5, 100), Detail(0, 0, 0, 80))
SUMMARY_LEVELS = (Detail(8000, 1000, 25, 1000), *COMMENT_LEVELS)


def render_comment(run: RunResult, ctx: RenderContext, limit: int = COMMENT_LIMIT) -> str:
    """The sticky PR comment: hidden marker and digest, then the report; never over `limit` characters."""
    head = f"{ctx.marker}\n<!-- {MARKER_PREFIX}-digest:{results_digest(run)} -->\n"
    bound = _limit(limit, utf16_size)
    text, _ = fit(lambda level: head + _Report(run, ctx, COMMENT_LEVELS[level], level > 0, bound=bound).render(),
                  len(COMMENT_LEVELS), limit, utf16_size, f"{_cut(bound)} The whole report is in {ctx.full_report}.")
    return text


def render_job_summary(run: RunResult, ctx: RenderContext, limit: int = SUMMARY_LIMIT,
                       size: Callable[[str], int] = utf8_size) -> str:
    """The job summary, after any publishing notes: the overview again, then the detail the comment leaves
    out (every failure with its traceback, the slowest tests, the shards, accepted findings, each uncovered
    changed line)."""
    head = "".join(f"> {note}\n>\n" for note in ctx.notes).removesuffix(">\n") + ("\n" if ctx.notes else "")
    bound = _limit(limit, size)
    text, _ = fit(lambda level: head + _Report(run, ctx, SUMMARY_LEVELS[level], level > 0, True, bound).render(),
                  len(SUMMARY_LEVELS), limit, size, f"{_cut(bound)} Everything is in {EVERYTHING}.")
    return text


def results_digest(run: RunResult) -> str:
    """A fingerprint of what the results say (not when or where): `comment-mode = changes` compares it."""
    changed = run.changed_lines
    essence = {
        "verdict": run.verdict,
        "tiers": {n: [t.status, t.counts.passed, t.counts.failed, t.counts.errors, t.counts.skipped,
                      t.coverage.percent if t.coverage else None, [(f.test, f.message) for f in t.failures]]
                  for n, t in run.tiers.items()},
        "scans": {n: [s.status, [(f.rule, f.severity, f.file, f.line, f.package) for f in s.findings]]
                  for n, s in run.scans.items()},
        "changed": None if changed is None else [changed.status, changed.percent,
                                                 [(f.file, [(r.start, r.end) for r in f.uncovered])
                                                  for f in changed.files]],
        "problems": [(p.source, p.code, p.category) for p in run.problems],
        "selection": {n: t.selection.explanation for n, t in run.tiers.items() if t.selection is not None},
    }
    return hashlib.sha256(json.dumps(essence, sort_keys=True, default=str).encode()).hexdigest()[:16]


def headline(run: RunResult) -> str:
    """One line: the verdict and why."""
    blocking = [p for p in run.problems if fails_verdict(p, run.fail_on)]
    if run.verdict == "failed":
        reasons = problem_reasons(blocking)
        more = f"; and {len(reasons) - HEADLINE_REASONS} more" if len(reasons) > HEADLINE_REASONS else ""
        return "❌ QA failed: " + "; ".join(reasons[:HEADLINE_REASONS]) + more
    ran = [t for t in run.tiers.values() if t.status in ("passed", "failed")]
    tests = sum(t.counts.tests for t in ran)
    text = f"✅ QA passed: {tests} tests in {len(ran)} {'tier' if len(ran) == 1 else 'tiers'}"
    if run.scans:
        text += f", {len(run.scans)} {'scan' if len(run.scans) == 1 else 'scans'}"
    return text


def problem_reasons(problems: Sequence[Problem]) -> list[str]:
    """`unit: 2 failing tests`, one entry per source and code, in order of first appearance."""
    counts = Counter((p.source, p.code) for p in problems)
    return [f"{source.replace('-', ' ')}: {_phrase(code_, n)}" for (source, code_), n in counts.items()]


def _phrase(code_: str, count: int) -> str:
    phrase = _PHRASES.get(code_)
    if isinstance(phrase, tuple):
        return f"{count} {phrase[0] if count == 1 else phrase[1]}"
    if phrase is None:
        phrase = code_.replace("-", " ")
    return phrase if count == 1 else f"{phrase} ({count} times)"


def _limit(limit: int, size: Callable[[str], int]) -> str:
    """`65,535 characters` (a comment, a check run) or `1,000,000 bytes` (a job summary)."""
    return f"{limit:,} bytes" if size is utf8_size else f"{limit:,} characters"


def _cut(bound: str) -> str:
    return f"✂️ **Cut to fit GitHub's limit of {bound}.**"


@dataclass
class _Report:
    run: RunResult
    ctx: RenderContext
    detail: Detail
    shortened: bool
    summary: bool = False  # the job summary: the detail the comment leaves out, instead of the overview's lists
    bound: str = f"{COMMENT_LIMIT:,} characters"  # the limit, for the notes that say something was left out

    def render(self) -> str:
        project = f"{code(self.ctx.project)}: " if self.ctx.project else ""  # two projects' comments on one PR
        sections = [f"### {project}{escape(headline(self.run))}", self.links(), self.tier_table(), self.selection(),
                    self.failures(),
                    self.flaky(), self.security(), self.changed_lines(), self.other_problems()]
        if self.summary:
            sections += [self.slowest(), self.shards()]
        if self.shortened:
            where = f"everything is in {EVERYTHING}" if self.summary else f"see {self.ctx.full_report}"
            sections.append(f"📎 Some details were left out to fit GitHub's limit of {self.bound}: {where}.")
        sections.append(self.footer())
        return "\n\n".join(s for s in sections if s) + "\n"

    # --- test-impact selection ------------------------------------------------------------------------
    def selection(self) -> str:
        """What each selecting tier ran and why (docs/impact.md): a reader must see that tests were left out."""
        lines = fmt.selection_lines(self.run)
        return "\n".join(f"🎯 {escape(line)}  " for line in lines).rstrip() if lines else ""

    # --- links -------------------------------------------------------------------------------------
    def links(self) -> str:
        """Where the rest is: the job summary (the workflow run's page), the check runs, the dashboard."""
        ctx, parts = self.ctx, []
        if ctx.links.run_url and not self.summary:
            parts.append(link("📋 job summary", ctx.links.run_url))
        checks = [link(escape(name), ctx.check_link(name)) for name in (VERDICT_CHECK, SECURITY_CHECK, COVERAGE_CHECK)
                  if ctx.check_link(name)]
        if checks:
            parts.append("✔️ check runs: " + ", ".join(checks))
        if ctx.links.dashboard_url:
            parts.append(link("📊 dashboard", ctx.links.dashboard_url))
        return " · ".join(parts)

    # --- tiers -------------------------------------------------------------------------------------
    def tier_table(self) -> str:
        if not self.run.tiers:
            return "No test tier ran."
        tiers = list(self.run.tiers.values())
        rows = [self._tier_row(t) for t in tiers[:MAX_TIER_ROWS]]
        text = table(("tier", "passed", "failed", "skipped", "flaky", "duration", "coverage", "status"), rows,
                     "lrrrrrll")
        if len(tiers) > MAX_TIER_ROWS:
            failing = sum(t.status in ("failed", "error") for t in tiers[MAX_TIER_ROWS:])
            text += (f"\n\n…and {len(tiers) - MAX_TIER_ROWS} more tiers ({failing} failed or could not run): "
                     f"see {self.ctx.full_report}.")
        if self.ctx.baseline:
            text += f"\n\n<sub>Changes (▲▼) are against {code(self.ctx.baseline.label)}.</sub>"
        return text

    def _tier_row(self, tier: TierResult) -> list[str]:
        c = tier.counts
        status = f"{STATUS_ICON.get(tier.status, '')} {tier.status}"
        if tier.reason and tier.status != "passed":
            status += f": {escape(one_line(tier.reason, 80))}"
        name = link(f"**{escape(tier.name)}**", self.ctx.check_link(tier.name))
        if collected_nothing(tier):
            return [name, "—", "—", "—", "—", "—", "—", status]
        failed = c.failed + c.errors
        return [name, str(c.passed), f"**{failed}**" if failed else "0", str(c.skipped), str(c.flaky),
                self._duration(tier), self._coverage(tier), status]

    def _duration(self, tier: TierResult) -> str:
        text = duration(tier.duration_s)
        base = self.ctx.baseline.duration_s.get(tier.name) if self.ctx.baseline else None
        if base is not None and abs(tier.duration_s - base) >= 0.1:
            sign = "+" if tier.duration_s > base else "-"
            text += f" ({sign}{duration(abs(tier.duration_s - base))})"
        return text

    def _coverage(self, tier: TierResult) -> str:
        coverage = tier.coverage
        if coverage is None or coverage.percent is None:
            return fmt.coverage(coverage)
        text = f"{coverage.percent:.2f}%"
        base = self.ctx.baseline.coverage.get(tier.name) if self.ctx.baseline else None
        if base is not None:
            text += " " + delta(coverage.percent - base)
        if coverage.gate is not None:
            text += f" · gate {coverage.gate:g}%"
        return text if coverage.meets_gate else text + " ❌"

    # --- failing tests -----------------------------------------------------------------------------
    def failures(self) -> str:
        failed = [(t.name, f) for t in self.run.tiers.values() for f in t.failures]
        total = sum(t.counts.failed + t.counts.errors for t in self.run.tiers.values())
        if not total:
            return self._fixed()
        new = self._new_failures(failed)
        heading = f"#### Failing tests ({total})"
        if new is not None and self.ctx.baseline:
            label = code(self.ctx.baseline.label)
            heading += f": {len(new)} new, {len(failed) - len(new)} already failing on {label}"
            failed.sort(key=lambda item: (item[0], item[1].test) not in new)  # the new ones first
        parts = [heading, *(escape(line) for line in failure_base_lines(self.run)[:1])]  # fail-on-failures new
        if failed:
            render = self._failure_blocks if self.summary else self._failures_table
            parts.append(self._listing(failed, render, "failing tests"))
        if total > len(failed):
            parts.append(f"{total - len(failed)} more failed without details in the reports.")
        if self.detail.tracebacks and failed and not self.summary:
            shown = failed[: self.detail.visible]
            blocks = [f"**{escape(tier)}** {code(f.test)}\n\n{code_block(self._traceback(f))}" for tier, f in shown]
            parts.append(details(f"Tracebacks ({len(shown)})", "\n\n".join(blocks)))
        parts.append(self._fixed())
        return "\n\n".join(p for p in parts if p)

    def _new_failures(self, failed: list[tuple[str, Failure]]) -> set[tuple[str, str]] | None:
        """The failing tests that did not fail on the base branch; None when that is not known."""
        known = self.ctx.baseline.new_failures if self.ctx.baseline else None
        return None if known is None else {(tier, f.test) for tier, f in failed if (tier, f.test) in known}

    def _fixed(self) -> str:
        baseline = self.ctx.baseline
        fixed = baseline.fixed_failures if baseline else None
        if not baseline or not fixed:
            return ""
        shown = fixed[: max(self.detail.items, 1)]
        lines = [f"- {escape(tier)}: {code(test)}" for tier, test in shown]
        if len(fixed) > len(shown):
            lines.append(f"- …and {len(fixed) - len(shown)} more")
        return details(f"✅ Fixed since <code>{html.escape(baseline.label)}</code> ({len(fixed)})", "\n".join(lines))

    def _mark(self, tier: str, failure: Failure, new: set[tuple[str, str]] | None) -> str:
        """🆕 for a new failure, `(already failing)` for one the base branch has too (`(pre-existing)` when
        fail-on-failures new did not let it fail the gate), `(quarantined)`…"""
        marks = "🆕 " if new is not None and (tier, failure.test) in new else ""
        marks += code(failure.test)
        marks += " (error)" if failure.kind == "error" else ""
        result = self.run.tiers.get(tier)
        if result is not None and failure.test in result.preexisting:  # fail-on-failures new let it through
            marks += " (pre-existing)"
        elif new is not None and (tier, failure.test) not in new:
            marks += " (already failing)"
        return marks + (" (quarantined)" if result is not None and failure.test in result.quarantined else "")

    def _failures_table(self, failed: list[tuple[str, Failure]]) -> str:
        new = self._new_failures(failed)
        rows = [[escape(tier), self._mark(tier, f, new), self._where(f.file, f.line),
                 code(one_line(f.message, self.detail.message))] for tier, f in failed]
        return table(("tier", "test", "where", "message"), rows)

    def _failure_blocks(self, failed: list[tuple[str, Failure]]) -> str:
        """The job summary's failures: each with where it failed, its message and the end of its traceback."""
        new = self._new_failures(failed)
        blocks = []
        for tier, f in failed:
            block = f"- **{escape(tier)}** {self._mark(tier, f, new)} at {self._where(f.file, f.line)}"
            block += f"\n\n  {code(one_line(f.message, self.detail.message))}" if f.message else ""
            if self.detail.tracebacks and f.traceback and f.traceback.strip() != f.message.strip():
                block += "\n\n" + _indent(code_block(self._traceback(f)))
            blocks.append(block)
        return "\n\n".join(blocks)

    def flaky(self) -> str:
        flaky = [(t.name, test) for t in self.run.tiers.values() for test in t.flaky]
        if not flaky:
            return ""
        return (f"#### Flaky tests ({len(flaky)})\n\nFailed, then passed on a rerun:\n\n"
                + self._listing(flaky, lambda rows: "\n".join(f"- {escape(t)}: {code(n)}" for t, n in rows),
                                "flaky tests"))

    def _traceback(self, failure: Failure) -> str:
        text = failure.traceback or failure.message
        limit = self.detail.tracebacks
        return clip_start(text, limit)

    # --- security ----------------------------------------------------------------------------------
    def security(self) -> str:
        scans = self.run.scans
        if not scans:
            return ""
        findings = [(name, f) for name, scan in scans.items() for f in scan.findings]
        findings.sort(key=lambda item: SEVERITY_ORDER.index(item[1].severity)
                      if item[1].severity in SEVERITY_ORDER else len(SEVERITY_ORDER))
        tally = Counter(f.severity for _, f in findings)
        failed = [s for s in scans.values() if s.status == "error"]
        title = [" · ".join(f"{tally.get(s, 0)} {s}" for s in SEVERITY_ORDER)] if findings else []
        if failed:
            title.append(f"💥 {len(failed)} {'scan' if len(failed) == 1 else 'scans'} could not run")
        if not title:
            title = ["no open findings"]
        heading = link("Security", self.ctx.check_link(SECURITY_CHECK))
        parts = [f"#### {heading}: " + " · ".join(title), self._scan_table(list(scans.values()))]
        if findings:
            parts.append(self._listing(findings, self._findings_table, "findings"))
        accepted = [(name, f) for name, scan in scans.items() for f in scan.suppressed]
        if accepted and self.summary:
            parts.append(details(f"Baselined and accepted findings ({len(accepted)})",
                                 self._listing(accepted, self._accepted_table, "accepted findings")))
        return "\n\n".join(parts)

    def _scan_table(self, scans: list[ScanResult]) -> str:
        """Each scan's real state: a scan that could not run is an error, never `no findings`."""
        rows = []
        for scan in scans:
            expired = sum(f.ignore_expired is not None for f in scan.findings)
            baselined = sum(f.baselined for f in scan.suppressed)
            counts = [str(len(scan.findings)), str(baselined), str(len(scan.suppressed) - baselined), str(expired)]
            if scan.status == "error":
                state = f"💥 **could not run**: {escape(one_line(scan.reason or 'no reason given', 200))}"
                counts = ["—"] * 4
            elif scan.status == "skipped":
                state = "⏭️ skipped" + (f": {escape(one_line(scan.reason, 200))}" if scan.reason else "")
                counts = ["—"] * 4
            else:
                state = f"{STATUS_ICON.get(scan.status, '')} {scan.status}"
            rows.append([f"**{escape(scan.name)}**", state, *counts])
        return table(("scan", "state", "open", "baselined", "accepted", "expired ignores"), rows, "llrrrr")

    def _findings_table(self, findings: list[tuple[str, Finding]]) -> str:
        rows = []
        for scan, f in findings:
            where = self._where(f.file, f.line) if f.file else "—"
            what = escape(one_line(f.message, self.detail.message)) if f.message else ""
            if f.package:
                package = code(f"{f.package} {f.version or ''}".strip())
                fix = f", fixed in {code(f.fix_version)}" if f.fix_version else ""
                what = f"{package}{fix}: {what}" if what else f"{package}{fix}"
            if f.ignore_expired:
                what = f"⌛ ignore expired {code(f.ignore_expired)}: {what}"
            ids = ", ".join(code(x) for x in dict.fromkeys((f.rule, f.cve, f.cwe)) if x)
            rows.append([f"{CATEGORY_ICON.get(f.severity, '')} {f.severity}", f"**{escape(f.tool or scan)}** {ids}",
                         what, where])
        return table(("severity", "finding", "details", "where"), rows)

    def _accepted_table(self, findings: list[tuple[str, Finding]]) -> str:
        rows = [[f.severity, f"**{escape(f.tool or scan)}** {code(f.rule)}",
                 self._where(f.file, f.line) if f.file else "—",
                 ("baselined" if f.baselined else "accepted") + ": "
                 + escape(one_line(f.suppression or "", self.detail.message))] for scan, f in findings]
        return table(("severity", "finding", "where", "why"), rows)

    # --- changed lines -----------------------------------------------------------------------------
    def changed_lines(self) -> str:
        changed = self.run.changed_lines
        if changed is None or changed.status == "skipped":
            return ""
        if changed.status == "unavailable":
            return f"#### Changed lines: not measured\n\n⚠️ {escape(changed.reason or 'unknown reason')}"
        if changed.percent is None:
            return "#### Changed lines\n\nNo changed line is a statement that coverage measures."
        mark = "✅" if changed.meets_gate else "❌"
        gate = f" (gate {changed.gate:g}%)" if changed.gate is not None else ""
        heading = link("Changed lines", self.ctx.check_link(COVERAGE_CHECK))
        text = (f"#### {heading}: {changed.percent:.2f}% covered{gate} {mark}\n\n"
                f"{changed.covered} of {changed.statements} changed statements are run by the tests.")
        if self.summary:
            return text + "\n\n" + self._listing(changed.files, self._changed_files_table, "files")
        missed = [f for f in changed.files if f.uncovered]
        if missed:
            ranges = sum(len(f.uncovered) for f in missed)
            text += f" Not covered, in {ranges} {'range' if ranges == 1 else 'ranges'}:\n\n"
            text += self._listing(missed, self._uncovered_table, "files")
        return text

    def _uncovered_table(self, files: list[ChangedFile]) -> str:
        links = self.ctx.links
        rows = []
        for f in files:
            spans = [link(f"{r.start}-{r.end}" if r.end != r.start else str(r.start),
                          links.blob(f.file, r.start, r.end)) for r in f.uncovered[:50]]
            more = f" … {len(f.uncovered) - 50} more" if len(f.uncovered) > 50 else ""
            rows.append([link(code(f.file), links.blob(f.file)), ", ".join(spans) + more,
                         f"{f.covered}/{f.statements}"])
        return table(("file", "lines not covered", "covered"), rows, "llr")

    def _changed_files_table(self, files: list[ChangedFile]) -> str:
        """The job summary's changed files: each one's coverage, then every uncovered changed line."""
        links = self.ctx.links
        rows = [[link(code(f.file), links.blob(f.file)), f"{f.covered}/{f.statements}",
                 f"{f.covered / f.statements * 100:.1f}%" if f.statements else "—"] for f in files]
        text = table(("changed file", "changed statements run", "covered"), rows, "lrr")
        lines = []
        for f in files:
            spans = [range(r.start, min(r.end, r.start + 10_000) + 1) for r in f.uncovered]  # a hostile range is huge
            numbers = [n for span in spans for n in span if not f.source or str(n) in f.source]
            for number in numbers[:MAX_UNCOVERED_LINES]:
                source = f.source.get(str(number))
                shown = code(one_line(source, 160)) if source is not None else ""
                lines.append(f"- {link(code(f'{f.file}:{number}'), links.blob(f.file, number))} {shown}".rstrip())
            if len(numbers) > MAX_UNCOVERED_LINES:
                lines.append(f"- …and {len(numbers) - MAX_UNCOVERED_LINES} more lines of {code(f.file)}")
        if lines:
            text += "\n\nNot run by any tier, line by line:\n\n" + "\n".join(lines)
        return text

    # --- timings (job summary) ---------------------------------------------------------------------
    def slowest(self) -> str:
        timings = [(t.name, c) for t in self.run.tiers.values() for c in t.slowest]
        if not timings:
            return ""
        timings.sort(key=lambda item: -item[1].duration_s)
        rows = [[escape(tier), code(c.test), _seconds(c.duration_s)] for tier, c in timings[:MAX_SLOWEST]]
        return "#### Slowest tests\n\n" + table(("tier", "test", "duration"), rows, "llr")

    def shards(self) -> str:
        sharded = [t for t in self.run.tiers.values() if t.shard_durations]
        if not sharded:
            return ""
        rows = []
        for tier in sharded[:MAX_TIER_ROWS]:
            spans = sorted(tier.shard_durations.items(), key=lambda item: _shard_order(item[0]))
            cells = ", ".join(f"{escape(label)}: {duration(seconds)}" for label, seconds in spans[:MAX_SHARD_CELLS])
            more = f" … {len(spans) - MAX_SHARD_CELLS} more" if len(spans) > MAX_SHARD_CELLS else ""
            values = [seconds for _, seconds in spans]
            rows.append([f"**{escape(tier.name)}**", cells + more, duration(max(values)),
                         duration(max(values) - min(values))])
        return "#### Shards\n\n" + table(("tier", "each shard", "slowest", "spread"), rows, "llrr")

    # --- the rest ----------------------------------------------------------------------------------
    def other_problems(self) -> str:
        problems = [p for p in self.run.problems if p.code not in SHOWN_IN_SECTIONS]
        if not problems:
            return ""
        problems.sort(key=lambda p: CATEGORY_ORDER.index(p.category))
        return f"#### Other problems ({len(problems)})\n\n" + self._listing(problems, self._problem_list, "problems")

    def _problem_list(self, problems: list[Problem]) -> str:
        lines = []
        for p in problems:
            where = f" ({self._where(p.file, p.line)})" if p.file else ""
            blocking = "" if fails_verdict(p, self.run.fail_on) else " (not blocking)"
            lines.append(f"- {CATEGORY_ICON[p.category]} {p.category}{blocking} · **{escape(p.source)}** "
                         f"{code(p.code)}: {escape(one_line(p.message, self.detail.message * 2))}{where}")
        return "\n".join(lines)

    def footer(self) -> str:
        links, run = self.ctx.links, self.run
        parts = []
        sha = links.commit or run.run.commit
        if sha:
            known = links.server_url and links.repository
            url = f"{links.server_url}/{links.repository}/commit/{sha}" if known else None
            parts.append("commit " + link(code(sha[:7]), url))
        if links.run_url:
            parts.append(link("workflow run", links.run_url))
        if links.dashboard_url:
            parts.append(link("📊 dashboard", links.dashboard_url))
        parts.append(f"fails on: {run.fail_on} and above")
        parts.append(f"qa-actions {__version__}")
        return "<sub>" + " · ".join(parts) + "</sub>"

    # --- helpers -----------------------------------------------------------------------------------
    def _where(self, file: str | None, line: int | None) -> str:
        if not file:
            return "—"
        label = f"{file}:{line}" if line else file
        return link(code(label), self.ctx.links.blob(file, line))

    def _listing(self, entries: list[T], render: Callable[[list[T]], str], noun: str) -> str:
        """The first entries visible, more collapsed, the rest counted with a pointer to the full report."""
        shown = entries[: self.detail.items]
        visible, hidden = shown[: self.detail.visible], shown[self.detail.visible:]
        parts = []
        if visible:
            parts.append(render(visible))
        if hidden:
            parts.append(details(f"{len(hidden)} more {noun}", render(hidden)))
        rest = len(entries) - len(shown)
        if rest:
            where = f"see {EVERYTHING}" if self.summary else f"see {self.ctx.full_report}"
            parts.append(f"…and {rest} more {noun}: {where}.")
        return "\n\n".join(parts)


def _seconds(seconds: float) -> str:
    """A test's time to the millisecond (`12ms`, `4.25s`); a tier's durations are coarser."""
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    return f"{seconds:.2f}s" if seconds < 60 else duration(seconds)


def _indent(text: str) -> str:
    """`text` as the continuation of a list item (a fenced block inside it)."""
    return "\n".join(f"  {line}" if line else line for line in text.splitlines())


def _shard_order(label: str) -> tuple[int, str]:
    index = label.partition("/")[0]
    return (int(index), label) if index.isdigit() and len(index) < 6 else (1 << 30, label)


def delta(change: float) -> str:
    """`▲ +0.12` / `▼ -1.20` / `±0.00` percentage points."""
    if abs(change) < 0.005:
        return "(±0.00)"
    return f"(▲ +{change:.2f})" if change > 0 else f"(▼ -{-change:.2f})"
