"""What coverage measures when `source` is not configured: the project's own packages, tests excluded."""

from __future__ import annotations

from pathlib import Path

NOT_SOURCE = frozenset({"tests", "test", "docs", "examples", "bench", "benchmarks", "build", "dist"})


def detect_packages(project: Path) -> list[str]:
    """Package folders (relative paths) under `src/` or at the top level, in a stable order."""
    for base in (project / "src", project):
        if not base.is_dir():
            continue
        found = sorted(
            child.relative_to(project).as_posix()
            for child in base.iterdir()
            if child.is_dir() and (child / "__init__.py").is_file() and child.name not in NOT_SOURCE
            and not child.name.startswith(".")
        )
        if found:
            return found
    return []


def coverage_sources(project: Path, configured: list[str]) -> list[str]:
    return list(configured) or detect_packages(project)
