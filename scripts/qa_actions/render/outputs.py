"""Step outputs: the verdict, counts and coverage, for later steps and workflows.

One set for every command that sets outputs (`qa gate`, `qa report`, `qa publish`), so an action's
outputs mean the same whichever step they come from; `qa report` and `qa publish` add what was posted
(`published_outputs`)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping

from ..categories import CATEGORY_ORDER
from ..model import Counts, RunResult

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")


def output_name(text: str) -> str:
    """A tier's name as part of an output name: `github_env.output_text` refuses anything else, and
    names from a hostile artifact may be long."""
    return _UNSAFE_NAME.sub("-", text)[:64]


def render_outputs(run: RunResult) -> dict[str, str]:
    """`verdict`, total counts, problems per category, findings, `coverage` (a JSON object of each
    measured tier's percent, for workflow outputs, which cannot have a name per tier),
    `coverage-<tier>`, `tiers` (each tier's status, counts and coverage as one JSON object, for the
    same reason), `tier-<tier>-<count>` and `tier-<tier>-status`, `changed-lines-coverage`, and `json`."""
    total = sum((t.counts for t in run.tiers.values()), Counts())
    categories = Counter(p.category for p in run.problems)
    outputs = {"verdict": run.verdict, **{k: str(v) for k, v in vars(total).items()},
               "problems": str(len(run.problems)),
               **{f"problems-{c}": str(categories.get(c, 0)) for c in CATEGORY_ORDER},
               "findings": str(sum(len(s.findings) for s in run.scans.values())),
               "coverage": json.dumps({n: t.coverage.percent for n, t in run.tiers.items()
                                       if t.coverage is not None and t.coverage.percent is not None}, sort_keys=True)}
    tiers = {n: {"status": t.status, **vars(t.counts),
                 "coverage": t.coverage.percent if t.coverage else None} for n, t in run.tiers.items()}
    outputs["tiers"] = json.dumps(tiers, separators=(",", ":"))
    for name, tier in run.tiers.items():
        coverage = tier.coverage.percent if tier.coverage else None
        safe = output_name(name)
        outputs[f"coverage-{safe}"] = "" if coverage is None else f"{coverage:.2f}"
        outputs[f"tier-{safe}-status"] = tier.status
        outputs.update({f"tier-{safe}-{count}": str(value) for count, value in vars(tier.counts).items()})
    changed = run.changed_lines
    outputs["changed-lines-coverage"] = "" if changed is None or changed.percent is None else f"{changed.percent:.2f}"
    outputs["json"] = json.dumps({
        "verdict": run.verdict,
        "tiers": {n: {"status": t.status, **vars(t.counts), "duration_s": t.duration_s,
                      "coverage": t.coverage.percent if t.coverage else None} for n, t in run.tiers.items()},
        "scans": {n: {"status": s.status, "findings": len(s.findings)} for n, s in run.scans.items()},
        "changed_lines_coverage": None if changed is None else changed.percent,
    }, separators=(",", ":"))
    return outputs


def published_outputs(comment_url: str | None = None, check_runs: Mapping[str, str] | None = None) -> dict[str, str]:
    """`comment-url` (the sticky comment, empty when none was posted or found) and `check-runs` (a JSON
    object of each created check run's name and page), from what `qa publish` was answered."""
    return {"comment-url": comment_url or "", "check-runs": json.dumps(dict(check_runs or {}), sort_keys=True)}
