"""The GitHub Actions runner's files: step outputs (`$GITHUB_OUTPUT`), exported variables
(`$GITHUB_ENV`) and the job summary (`$GITHUB_STEP_SUMMARY`). Outside Actions they are not set and
nothing is written."""

from __future__ import annotations

import json
import os
import uuid
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from .categories import CATEGORY_ORDER
from .model import Counts, RunResult


def _append(variable: str, text: str, env: Mapping[str, str]) -> bool:
    target = env.get(variable)
    if not target:
        return False
    with Path(target).open("a", encoding="utf-8") as handle:
        handle.write(text)
    return True


def _assignments(values: Mapping[str, str]) -> str:
    """`name=value` lines; multi-line values use the runner's heredoc form with a random delimiter."""
    lines = []
    for name, value in values.items():
        if "\n" in value:
            delimiter = f"qa_{uuid.uuid4().hex}"
            lines.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            lines.append(f"{name}={value}\n")
    return "".join(lines)


def write_outputs(values: Mapping[str, str], env: Mapping[str, str] = os.environ) -> bool:
    """Set step outputs; False when not running in a GitHub Actions step."""
    return _append("GITHUB_OUTPUT", _assignments(values), env)


def export_variables(values: Mapping[str, str], env: Mapping[str, str] = os.environ) -> bool:
    """Set environment variables for the job's later steps."""
    return _append("GITHUB_ENV", _assignments(values), env)


def run_outputs(run: RunResult) -> dict[str, str]:
    """What later steps and workflows read from a gated run: the verdict, test counts summed over
    tiers, problems per category, and each tier's line coverage as a JSON object."""
    totals = sum((tier.counts for tier in run.tiers.values()), Counts())
    categories = Counter(p.category for p in run.problems)
    coverage = {name: tier.coverage.percent for name, tier in run.tiers.items()
                if tier.coverage is not None and tier.coverage.percent is not None}
    return {
        "verdict": run.verdict,
        **{name: str(value) for name, value in vars(totals).items()},
        **{category: str(categories.get(category, 0)) for category in CATEGORY_ORDER},
        "coverage": json.dumps(coverage, sort_keys=True),
    }
