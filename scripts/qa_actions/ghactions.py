"""The GitHub Actions runner's files: step outputs (`$GITHUB_OUTPUT`) and exported variables
(`$GITHUB_ENV`). Outside Actions they are not set and nothing is written. What a run's outputs
are is rendered by `render.outputs`, for `qa gate`, `qa report` and `qa publish` alike."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .render.outputs import github_output_text


def _append(variable: str, values: Mapping[str, str], env: Mapping[str, str]) -> bool:
    target = env.get(variable)
    if not target:
        return False
    with Path(target).open("a", encoding="utf-8") as handle:
        handle.write(github_output_text(values))
    return True


def write_outputs(values: Mapping[str, str], env: Mapping[str, str] = os.environ) -> bool:
    """Set step outputs; False when not running in a GitHub Actions step."""
    return _append("GITHUB_OUTPUT", values, env)


def export_variables(values: Mapping[str, str], env: Mapping[str, str] = os.environ) -> bool:
    """Set environment variables for the job's later steps."""
    return _append("GITHUB_ENV", values, env)
