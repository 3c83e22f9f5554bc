"""What coverage measures and bandit scans when `source` is not configured: what detection found
(config/detect/source.py: coverage settings, packaging metadata, else the layout)."""

from __future__ import annotations

from pathlib import Path

from ..config import QaConfig, TierConfig


def coverage_sources(config: QaConfig, tier: TierConfig) -> list[str]:
    """What --cov is given: folders as they are, a single-file module by its name (coverage measures a
    `source` that is not a folder as an importable module, and `calc.py` is not one)."""
    return [Path(entry).stem if entry.endswith(".py") else entry
            for entry in tier.source or config.detection.source]


def code_folders(config: QaConfig) -> list[str]:
    """The detected source that exists as files (a bare module name coverage imports is not a path)."""
    return [path for path in config.detection.source if (config.project / path).exists()]
