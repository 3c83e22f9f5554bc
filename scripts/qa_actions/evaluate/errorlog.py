"""The `.errors/` log: every problem of the latest run as JSON lines, plus a readable summary."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ..categories import CATEGORY_ORDER
from ..layout import ERRORS_JSONL, SUMMARY_MD
from ..model import RunResult
from ..scrub import write_text


def write_error_log(run: RunResult, folder: Path) -> Path:
    """Replace `folder/errors.jsonl` and `summary.md` with this run's problems, most severe first."""
    problems = sorted(run.problems, key=lambda p: CATEGORY_ORDER.index(p.category))
    lines = [
        json.dumps({"time": run.run.time, "category": p.category, "source": p.source, "code": p.code,
                    "message": p.message, "file": p.file, "line": p.line, "run_id": run.run.run_id,
                    "blocking": p.blocking})
        for p in problems
    ]
    write_text(folder / ERRORS_JSONL, "".join(line + "\n" for line in lines))
    write_text(folder / SUMMARY_MD, render_summary(run))
    return folder / ERRORS_JSONL


def render_summary(run: RunResult) -> str:
    counts = Counter(p.category for p in run.problems)
    out = [f"# QA problems — run {run.run.run_id}", "",
           f"Verdict: **{run.verdict}** · " + " · ".join(f"{c}: {counts.get(c, 0)}" for c in CATEGORY_ORDER), ""]
    notes = failure_base_lines(run)
    if notes:
        out += [*notes, ""]
    if not run.problems:
        out.append("No problems.")
    for category in CATEGORY_ORDER:
        selected = [p for p in run.problems if p.category == category]
        if not selected:
            continue
        out += [f"## {category} ({len(selected)})", ""]
        for p in selected:
            where = f" — `{p.file}:{p.line}`" if p.file and p.line else (f" — `{p.file}`" if p.file else "")
            out.append(f"- **{p.source}** `{p.code}`: {_one_line(p.message)}{where}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def failure_base_lines(run: RunResult) -> list[str]:
    """What `fail-on-failures = "new"` compared with, how many failures it let through as pre-existing,
    and the tests fixed since; with nothing to compare with, that every failure failed, as `any`."""
    base = run.failure_base
    if run.fail_on_failures != "new" or base is None:
        return []
    if base.run_id is None:
        return [f"fail-on-failures new: {base.note}, so every failure fails the gate (as `any`)"]
    commit = f", commit {base.commit[:7]}" if base.commit else ""
    held = sum(len(t.preexisting) for t in run.tiers.values())
    lines = [f"fail-on-failures new: compared with `{base.branch}` (run {base.run_id}{commit}): "
             f"{held} pre-existing {'failure does' if held == 1 else 'failures do'} not fail the gate"]
    if base.fixed:
        shown = ", ".join(base.fixed[:10]) + (f" and {len(base.fixed) - 10} more" if len(base.fixed) > 10 else "")
        lines.append(f"fixed: {shown}")
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split())
