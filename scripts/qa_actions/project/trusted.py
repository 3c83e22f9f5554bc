"""The trusted side of a gate: the base branch's configuration and tree, read from git.

In a pull request's report job the checkout is the pull request's head, whose `pyproject.toml` the
pull request controls; the base commit's copy is what the gates come from. `git show` reads it as
data: nothing of the pull request runs.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..config import QaConfig
from ..config.load import parse_config
from ..errors import ConfigError
from ..fsutil import parse_toml
from ..scrub import add_secret_names

GIT_TIMEOUT_S = 60
MAX_CONFIG_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class TrustedSide:
    """A configuration the gates come from, and the tree it belongs to (`ref` None: the checkout)."""

    config: QaConfig
    ref: str | None = None

    def has_tests(self, tier: str) -> bool:
        """Whether the trusted tree holds any of the tier's paths (so a run that found none skipped it)."""
        paths = self.config.tiers[tier].paths if tier in self.config.tiers else []
        if self.ref is None:
            return any((self.config.project / path).exists() for path in paths)
        return any(_git(self.config.project, "cat-file", "-e", f"{self.ref}:./{path}") is not None for path in paths)


def trusted_side(project: Path, ref: str, fail_on: str | None = None) -> TrustedSide:
    """The configuration of commit `ref` of the project's repository (the checkout's own is
    `TrustedSide(config)`)."""
    if ref.startswith("-") or _git(project, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is None:
        raise ConfigError(f"--gates-from {ref[:40]}: not a commit of the repository at {project}"
                          " (fetch it: actions/checkout with fetch-depth: 0)")
    source = Path(f"{ref[:12]}:pyproject.toml")
    text = _git(project, "show", f"{ref}:./pyproject.toml")
    table = {}
    if text is not None:
        if len(text) > MAX_CONFIG_BYTES:
            raise ConfigError(f"{source}: over {MAX_CONFIG_BYTES:,} bytes")
        tool = parse_toml(text, source).get("tool", {})
        table = tool.get("qa", {}) if isinstance(tool, dict) else {}
    config = parse_config(table, project, source)
    add_secret_names(config.secret_names)
    if fail_on is not None:
        config.fail_on = fail_on  # type: ignore[assignment]
    return TrustedSide(config, ref)


def _git(project: Path, *args: str) -> str | None:
    """git's output, or None when it says no (or is not there)."""
    try:
        done = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=GIT_TIMEOUT_S, check=False)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
