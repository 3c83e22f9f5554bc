"""The body of the nightly run's issue: the failing tiers and the problems by category, scrubbed like
everything else qa-actions posts (scrub.py: secrets, then personal data), with the hidden marker that
finds the issue again."""

from __future__ import annotations

from collections import Counter

from ..categories import CATEGORY_ORDER
from ..layout import ERRORS_DIR
from ..model import RunResult
from ..scrub import Scrubber
from ..text import one_line
from . import format as fmt

MAX_PROBLEMS = 50
MAX_MESSAGE = 300
MAX_BODY = 60_000  # GitHub refuses issue bodies over 65,536 characters


def marker(key: str) -> str:
    return f"<!-- qa-actions:nightly:{key} -->"


def render_issue(run: RunResult, run_url: str | None, key: str, scrubber: Scrubber) -> str:
    """The issue body: what failed, most severe first, with a link to the run. Pure.

    The model is scrubbed before rendering (messages and test names come from tests and tools); the
    last pass looks for the exact secret values only, as `qa report` does."""
    run = scrubber.model(run)
    counts = Counter(p.category for p in run.problems)
    link = f"[run {run.run.run_id}]({run_url})" if run_url else f"run {run.run.run_id}"
    lines = [marker(key), f"The nightly QA {link} failed on `{run.run.commit or 'unknown commit'}`.", "",
             "Problems: " + ", ".join(f"{counts.get(c, 0)} {c}" for c in CATEGORY_ORDER), "", "## Tiers", ""]
    for tier in run.tiers.values():
        c = tier.counts
        detail = f"{c.failed + c.errors} of {c.tests} failed" if tier.status != "skipped" else (tier.reason or "")
        lines.append(f"- **{tier.name}**: {tier.status} — {detail}, coverage {fmt.coverage(tier.coverage)}")
    for scan in run.scans.values():
        lines.append(f"- **{scan.name}** (scan): {scan.status} — {len(scan.findings)} findings")
    lines += ["", "## Problems", ""]
    ordered = sorted(run.problems, key=lambda p: CATEGORY_ORDER.index(p.category))
    for problem in ordered[:MAX_PROBLEMS]:
        where = f" `{problem.file}:{problem.line}`" if problem.file and problem.line else ""
        message = one_line(problem.message, MAX_MESSAGE)
        lines.append(f"- {problem.category} · **{problem.source}** `{problem.code}`{where}: {message}")
    if len(ordered) > MAX_PROBLEMS:
        lines.append(f"- … and {len(ordered) - MAX_PROBLEMS} more: see `{ERRORS_DIR}/` in the run's artifacts")
    lines += ["", "This issue is updated by every failing nightly run and closed by the next green one."]
    return scrubber.values("\n".join(lines))[:MAX_BODY]

