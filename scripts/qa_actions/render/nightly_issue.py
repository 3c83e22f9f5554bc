"""The body of the nightly run's issue: the failing tiers and the problems by category, scrubbed like
everything else qa-actions posts (scrub.py: secrets, then personal data), with the hidden marker that
finds the issue again. Names and messages go through `markdown.escape` and `markdown.code` like the
comment's: nothing from the results links, mentions or formats."""

from __future__ import annotations

import re
from collections import Counter

from ..categories import CATEGORY_ORDER
from ..layout import ERRORS_DIR
from ..model import RunResult
from ..scrub import Scrubber
from ..text import one_line
from . import format as fmt
from .markdown import code, escape

MAX_PROBLEMS = 50
MAX_TIERS = 50
MAX_MESSAGE = 300
MAX_BODY = 60_000  # GitHub refuses issue bodies over 65,536 characters


def marker(key: str) -> str:
    """The hidden first line; `key` cannot end the HTML comment (no `>`, no `--`)."""
    safe = re.sub("-{2,}", "-", re.sub(r"[^A-Za-z0-9 ._/()+#:-]", "_", key))[:100]
    return f"<!-- qa-actions:nightly:{safe} -->"


def render_issue(run: RunResult, run_url: str | None, key: str, scrubber: Scrubber) -> str:
    """The issue body: what failed, most severe first, with a link to the run. Pure.

    The model is scrubbed before rendering (messages and test names come from tests and tools); the
    last pass looks for the exact secret values only, as `qa report` does."""
    run = scrubber.model(run)
    counts = Counter(p.category for p in run.problems)
    run_label = escape(f"run {run.run.run_id}")
    link = f"[{run_label}]({run_url})" if run_url else run_label
    lines = [marker(key), f"The nightly QA {link} failed on {code(run.run.commit or 'unknown commit')}.", "",
             "Problems: " + ", ".join(f"{counts.get(c, 0)} {c}" for c in CATEGORY_ORDER), "", "## Tiers", ""]
    tiers = list(run.tiers.values())
    for tier in tiers[:MAX_TIERS]:
        c = tier.counts
        detail = (f"{c.failed + c.errors} of {c.tests} failed" if tier.status != "skipped"
                  else escape(one_line(tier.reason or "", MAX_MESSAGE)))
        lines.append(f"- **{escape(one_line(tier.name, 100))}**: {escape(tier.status)} — {detail}, "
                     f"coverage {fmt.coverage(tier.coverage)}")
    if len(tiers) > MAX_TIERS:
        lines.append(f"- … and {len(tiers) - MAX_TIERS} more tiers")
    for scan in run.scans.values():
        lines.append(f"- **{escape(one_line(scan.name, 100))}** (scan): {escape(scan.status)} — "
                     f"{len(scan.findings)} findings")
    lines += ["", "## Problems", ""]
    ordered = sorted(run.problems, key=lambda p: CATEGORY_ORDER.index(p.category))
    for problem in ordered[:MAX_PROBLEMS]:
        where = f" {code(f'{problem.file}:{problem.line}')}" if problem.file and problem.line else ""
        message = code(one_line(problem.message, MAX_MESSAGE))
        lines.append(f"- {problem.category} · **{escape(one_line(problem.source, 100))}** {code(problem.code)}{where}: "
                     f"{message}")
    if len(ordered) > MAX_PROBLEMS:
        lines.append(f"- … and {len(ordered) - MAX_PROBLEMS} more: see `{ERRORS_DIR}/` in the run's artifacts")
    lines += ["", "This issue is updated by every failing nightly run and closed by the next green one."]
    return scrubber.values("\n".join(lines))[:MAX_BODY]

