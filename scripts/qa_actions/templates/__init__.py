"""The caller workflows a repository copies into its .github/workflows/ (or `qa init --workflow` writes):
shipped inside the package so that an installed qa-actions has them too."""

from __future__ import annotations

from pathlib import Path

WORKFLOWS = Path(__file__).parent / "workflows"


def template_text(name: str) -> str:
    return (WORKFLOWS / name).read_text(encoding="utf-8")
