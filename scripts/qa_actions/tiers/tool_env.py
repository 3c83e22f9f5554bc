"""Tools that qa runs from its own environment for a project: chaostoolkit, locust, a load target.

They run under qa's interpreter (so their versions and output formats are the ones qa parses), with
the project's code importable the way pytest makes it importable (`src/` and the project root on
`PYTHONPATH`), and with the project's interpreter in `QA_PYTHON` for anything that needs the
project's own dependencies.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..extras import missing_extra
from ..project.environment import tier_environ
from ..project.interpreter import MissingTool


def import_roots(project: Path) -> list[str]:
    """Where the project's modules are found: `src/` when it exists, then the project root."""
    roots = [project / "src"] if (project / "src").is_dir() else []
    return [str(p.resolve()) for p in [*roots, project]]


def tool_environment(project: Path, tier: str, folder: Path, python: str,
                     extra: Mapping[str, str] | None = None, pass_env: Iterable[str] = ()) -> dict[str, str]:
    """The tool's variables: the job's without qa-actions' secrets (`tier_environ`), ours, plus `extra`
    (the active environment's `QA_ENV`, `QA_BASE_URL`, …)."""
    existing = os.environ.get("PYTHONPATH")
    path = os.pathsep.join([*import_roots(project), *([existing] if existing else [])])
    return {**tier_environ(pass_env), **(extra or {}), "PYTHONPATH": path, "QA_TIER": tier,
            "QA_RESULTS_DIR": str(folder.resolve()), "QA_PYTHON": python}


def python_module_command(module: str, needed_by: str) -> list[str]:
    """`python -m module` under qa's interpreter, or a `missing-tool` problem naming the extra to install."""
    missing = missing_extra(module, needed_by)
    if missing:
        raise MissingTool(missing)
    return [sys.executable, "-m", module]
