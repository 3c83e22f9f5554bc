"""Check runs: one per tier, one for the security scans, one for the coverage gates and one for the verdict.

Each has a conclusion branch protection can require (success / failure / neutral for a skipped tier),
an output (title, summary, text) within GitHub's limits, and annotations on the files: failing tests,
security findings and uncovered changed-line ranges, with paths relative to the repository root.
Pure: model in, specs out; `publish` sends them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..categories import Category
from ..evaluate.gates import collected_nothing, fails_verdict
from ..model import Problem, RunResult, ScanResult, TierResult
from ..text import clip_start, duration, one_line
from . import format as fmt
from .comment import COMMENT_LIMIT, SEVERITY_ORDER, headline, render_job_summary
from .context import COVERAGE_CHECK, SECURITY_CHECK, VERDICT_CHECK, RenderContext
from .markdown import code, code_block, escape, fit, table, utf16_size

Conclusion = Literal["success", "failure", "neutral"]
Level = Literal["notice", "warning", "failure"]

ANNOTATIONS_PER_REQUEST = 50  # GitHub's limit per create or update request
# Caps per report, so that an artifact with hundreds of tiers or thousands of failures costs a bounded
# number of API writes (one per check run, one per further 50 annotations); the rest is one line each.
MAX_TIER_CHECKS = 20  # tiers with a check run of their own; the others are in the verdict's
MAX_ANNOTATIONS = 200  # per check run; more would bury the useful ones
MAX_REPORT_ANNOTATIONS = 500  # over every check run of a report: at most 10 writes beyond the creates
MAX_FAILURE_DETAILS = 50  # failures with their traceback in a tier check run's text
TITLE_CHARS = 255
MESSAGE_CHARS = 4000
RAW_DETAILS_CHARS = 16000
SEVERITY_LEVEL: dict[str, Level] = {"high": "failure", "medium": "warning", "low": "notice"}
COVERAGE_CODES = frozenset({"coverage-gate", "coverage-missing", "changed-lines-coverage", "changed-lines-unmeasured"})
SECURITY, COVERAGE, VERDICT = SECURITY_CHECK, COVERAGE_CHECK, VERDICT_CHECK


@dataclass
class Annotation:
    path: str
    start_line: int
    end_line: int
    level: Level
    message: str
    title: str | None = None
    raw_details: str | None = None

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "start_line": self.start_line, "end_line": self.end_line,
                                "annotation_level": self.level, "message": self.message[:MESSAGE_CHARS]}
        if self.title:
            data["title"] = self.title[:TITLE_CHARS]
        if self.raw_details:
            data["raw_details"] = self.raw_details[-RAW_DETAILS_CHARS:]
        return data


@dataclass
class CheckRunSpec:
    name: str
    conclusion: Conclusion
    title: str
    summary: str
    text: str = ""
    annotations: list[Annotation] = field(default_factory=list)
    annotations_left_out: int = 0

    def output(self, annotations: list[Annotation]) -> dict[str, Any]:
        """The `output` object of a create or update request carrying `annotations`."""
        data: dict[str, Any] = {"title": self.title[:TITLE_CHARS], "summary": self.summary}
        if self.text:
            data["text"] = self.text
        if annotations:
            data["annotations"] = [a.to_api() for a in annotations]
        return data

    def batches(self) -> list[list[Annotation]]:
        """Annotations in requests of at most 50; the first batch goes with the create request."""
        items = self.annotations
        return [items[i:i + ANNOTATIONS_PER_REQUEST] for i in range(0, len(items), ANNOTATIONS_PER_REQUEST)] or [[]]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "conclusion": self.conclusion, **self.output(self.annotations),
                "annotations_left_out": self.annotations_left_out}


def render_check_runs(run: RunResult, ctx: RenderContext) -> list[CheckRunSpec]:
    """One check run per tier (the first MAX_TIER_CHECKS), the scans, the coverage gates and the verdict."""
    builder = _Checks(run, ctx)
    tiers = list(run.tiers.values())
    specs = [builder.tier(t) for t in tiers[:MAX_TIER_CHECKS]]
    if run.scans:
        specs.append(builder.security())
    coverage = builder.coverage()
    if coverage is not None:
        specs.append(coverage)
    specs.append(builder.verdict(len(tiers) - MAX_TIER_CHECKS))
    _cap_annotations(specs)
    return specs


def _cap_annotations(specs: list[CheckRunSpec]) -> None:
    """At most MAX_ANNOTATIONS per check run and MAX_REPORT_ANNOTATIONS in all: each run first gets an
    equal share (up to the 50 its create request carries), what is left goes to the runs in order; the
    rest is counted in one line of the run's summary."""
    share = min(ANNOTATIONS_PER_REQUEST, MAX_REPORT_ANNOTATIONS // max(len(specs), 1))
    kept = [min(len(spec.annotations), share) for spec in specs]
    left = MAX_REPORT_ANNOTATIONS - sum(kept)
    for i, spec in enumerate(specs):
        more = min(min(len(spec.annotations), MAX_ANNOTATIONS) - kept[i], left)
        kept[i] += more
        left -= more
    for spec, keep in zip(specs, kept, strict=True):
        spec.annotations_left_out = len(spec.annotations) - keep
        del spec.annotations[keep:]
        if spec.annotations_left_out:
            spec.summary += (f"\n\n… and {spec.annotations_left_out} more annotations, left out (at most "
                             f"{MAX_ANNOTATIONS} per check run and {MAX_REPORT_ANNOTATIONS} per report).")


def conclusion_of(problems: list[Problem], fail_on: Category, skipped: bool = False) -> Conclusion:
    if any(fails_verdict(p, fail_on) for p in problems):
        return "failure"
    return "neutral" if skipped else "success"


@dataclass
class _Checks:
    run: RunResult
    ctx: RenderContext

    def problems(self, *, source: str | None = None, codes: frozenset[str] | None = None,
                 sources: set[str] | None = None) -> list[Problem]:
        return [p for p in self.run.problems
                if (source is None or p.source == source) and (codes is None or p.code in codes)
                and (sources is None or p.source in sources)]

    def tier(self, tier: TierResult) -> CheckRunSpec:
        problems = self.problems(source=tier.name)
        conclusion = conclusion_of(problems, self.run.fail_on, skipped=tier.status == "skipped")
        c = tier.counts
        if tier.status in ("skipped", "error") or collected_nothing(tier):
            title = f"{tier.status}: {one_line(tier.reason or '', 200)}".rstrip(": ")
        else:
            title = f"{c.passed} passed, {c.failed + c.errors} failed, {c.skipped} skipped"
            if tier.coverage is not None:
                title += f" · coverage {fmt.coverage(tier.coverage)}"
            if (chosen := tier.selected_part) is not None:
                title += f" · selected {chosen.selected} of {chosen.total}"
        rows = [[str(c.tests), str(c.passed), str(c.failed), str(c.errors), str(c.skipped), str(c.flaky),
                 duration(tier.duration_s), fmt.coverage(tier.coverage)]]
        chosen = fmt.selection_line(tier.name, tier)
        summary = (table(("tests", "passed", "failed", "errors", "skipped", "flaky", "duration", "coverage"),
                         rows, "rrrrrrrl") + (f"\n\n🎯 {escape(chosen)}" if chosen else "")
                   + _problem_lines(problems, self.run.fail_on))
        annotations = []
        for failure in tier.failures:
            path = self.ctx.links.repo_path(failure.file)
            if path and failure.line:
                annotations.append(Annotation(path, failure.line, failure.line, "failure",
                                              one_line(failure.message, MESSAGE_CHARS),
                                              f"{tier.name}: {failure.test}", failure.traceback or None))
        shown = tier.failures[:MAX_FAILURE_DETAILS]
        rest = len(tier.failures) - len(shown)
        more = f"\n\n… and {rest} more failures: see the job summary." if rest else ""
        text = _fitted(lambda n: "\n\n".join(
            f"### {code(f.test)}\n\n{code_block(_tail(f.traceback or f.message, n))}" for f in shown) + more)
        return CheckRunSpec(self.ctx.check_name(tier.name), conclusion, title, summary, text, annotations)

    def security(self) -> CheckRunSpec:
        scans = self.run.scans
        problems = self.problems(sources=set(scans))
        skipped = all(s.status == "skipped" for s in scans.values())
        tally = Counter(f.severity for s in scans.values() for f in s.findings)
        title = " · ".join(f"{tally.get(s, 0)} {s}" for s in SEVERITY_ORDER) + " findings"
        summary = table(("scan", "status", *SEVERITY_ORDER), [_scan_row(s) for s in scans.values()], "llrrr")
        summary += _problem_lines(problems, self.run.fail_on)
        annotations = []
        for scan in scans.values():
            for f in scan.findings:
                path = self.ctx.links.repo_path(f.file)
                if path is None:
                    continue
                what = f"{f.package} {f.version or ''}".strip() if f.package else ""
                message = "; ".join(x for x in (what, f.message, f"fixed in {f.fix_version}" if f.fix_version else "")
                                    if x)
                ids = ", ".join(dict.fromkeys(x for x in (f.rule, f.cve, f.cwe) if x))
                annotations.append(Annotation(path, f.line or 1, f.line or 1, SEVERITY_LEVEL.get(f.severity, "warning"),
                                              message or ids, f"{f.tool or scan.name} {ids} ({f.severity})"))
        return CheckRunSpec(self.ctx.check_name(SECURITY), conclusion_of(problems, self.run.fail_on, skipped),
                            title, summary, annotations=annotations)

    def coverage(self) -> CheckRunSpec | None:
        gated = [t for t in self.run.tiers.values() if t.coverage is not None and t.coverage.gate is not None]
        changed = self.run.changed_lines
        measured = changed is not None and changed.status != "skipped"
        if not gated and not measured:
            return None
        problems = self.problems(codes=COVERAGE_CODES)
        rows = [[escape(t.name), fmt.coverage(t.coverage), "✅" if t.coverage and t.coverage.meets_gate else "❌"]
                for t in gated]
        parts = [f"{t.name} {t.coverage.percent:.2f}%" for t in gated if t.coverage and t.coverage.percent is not None]
        changed_text = fmt.changed_lines(changed)
        if changed_text:
            rows.append(["changed lines", escape(changed_text), "✅" if changed and changed.meets_gate else "❌"])
            if changed is not None and changed.percent is not None:
                parts.append(f"changed lines {changed.percent:.2f}%")
        summary = table(("coverage of", "measured", ""), rows, "llc") + _problem_lines(problems, self.run.fail_on)
        annotations = []
        for f in changed.files if changed is not None else []:
            path = self.ctx.links.repo_path(f.file)
            for r in f.uncovered if path else []:
                lines = f"Line {r.start} was" if r.start == r.end else f"Lines {r.start}-{r.end} were"
                annotations.append(Annotation(path, r.start, r.end, "warning",
                                              f"{lines} changed but no test tier runs them.", "Not covered by tests"))
        title = " · ".join(parts) or "coverage not measured"
        return CheckRunSpec(self.ctx.check_name(COVERAGE), conclusion_of(problems, self.run.fail_on), title,
                            summary, annotations=annotations)

    def verdict(self, unchecked_tiers: int = 0) -> CheckRunSpec:
        """The verdict, with the whole report; `unchecked_tiers` tiers had no check run of their own."""
        head = (f"{unchecked_tiers} more tiers have no check run of their own (at most {MAX_TIER_CHECKS}): "
                "their results count in this verdict and are in the report below.\n\n") if unchecked_tiers > 0 else ""
        summary = head + render_job_summary(self.run, self.ctx, COMMENT_LIMIT - utf16_size(head), utf16_size)
        return CheckRunSpec(self.ctx.check_name(VERDICT), "success" if self.run.verdict == "passed" else "failure",
                            one_line(headline(self.run), TITLE_CHARS), summary)


def _scan_row(scan: ScanResult) -> list[str]:
    tally = Counter(f.severity for f in scan.findings)
    status = scan.status + (f": {one_line(scan.reason, 100)}" if scan.reason else "")
    return [escape(scan.name), escape(status), *(str(tally.get(s, 0)) for s in SEVERITY_ORDER)]


def _problem_lines(problems: list[Problem], fail_on: Category) -> str:
    if not problems:
        return ""
    lines = [f"- **{p.category}**{'' if fails_verdict(p, fail_on) else ' (not blocking)'} {code(p.code)}: "
             f"{escape(one_line(p.message, 300))}" for p in problems[:100]]
    more = f"\n- …and {len(problems) - 100} more" if len(problems) > 100 else ""
    return "\n\n" + "\n".join(lines) + more


def _fitted(render: Callable[[int], str]) -> str:
    """The failure details at the longest traceback that fits a check run's text."""
    sizes = (8000, 2000, 500, 0)
    text, _ = fit(lambda level: render(sizes[level]), len(sizes), COMMENT_LIMIT, utf16_size,
                  "✂️ Cut to fit GitHub's size limit; see the job summary.")
    return text


def _tail(text: str, limit: int) -> str:
    if limit <= 0:
        return one_line(text, 200)
    return clip_start(text, limit)

