"""The trusted side of a gate: the base branch's configuration and tree, read from git.

In a pull request's report job the checkout is the pull request's head, whose `pyproject.toml` the
pull request controls; the base commit's copy is what the gates come from. `git show` reads it as
data: nothing of the pull request runs.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..config import QaConfig
from ..config.detect.tree import MAX_FILE_BYTES, MAX_WALK
from ..config.load import parse_config
from ..errors import ConfigError
from ..fsutil import parse_toml
from ..scrub import add_secret_names

GIT_TIMEOUT_S = 60
MAX_CONFIG_BYTES = 4 * 1024 * 1024
MAX_TREE_ENTRIES = 500_000  # files of a commit listed for detection; a bigger tree is read in part


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


@dataclass
class GitTree:
    """The project's folder at commit `ref`, for detection (config/detect/tree.py): listed once with
    `git ls-tree`, files read with `git show`. Nothing of the commit runs."""

    project: Path
    ref: str
    files: frozenset[str] = field(init=False)
    folders: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        listing = _git(self.project, "ls-tree", "-r", "--name-only", "-z", f"{self.ref}:./") or ""
        self.files = frozenset(path for path in listing.split("\0")[:MAX_TREE_ENTRIES] if path)
        self.folders = frozenset(path.rsplit("/", 1)[0] if "/" in path else "" for path in self.files) | {
            "/".join(path.split("/")[:depth]) for path in self.files for depth in range(1, path.count("/"))}

    def is_file(self, path: str) -> bool:
        return path in self.files

    def is_dir(self, path: str) -> bool:
        return path in self.folders

    def read_text(self, path: str) -> str | None:
        if path not in self.files:
            return None
        text = _git(self.project, "show", f"{self.ref}:./{path}")
        return text if text is not None and len(text) <= MAX_FILE_BYTES else None

    def children(self, path: str) -> list[str]:
        prefix = f"{path}/" if path else ""
        return sorted({entry[len(prefix):].split("/", 1)[0] for entry in self.files if entry.startswith(prefix)})

    def files_under(self, path: str) -> list[str]:
        prefix = f"{path}/" if path else ""
        return sorted(entry for entry in self.files if entry.startswith(prefix))[:MAX_WALK]


def trusted_side(project: Path, ref: str, fail_on: str | None = None,
                 fail_on_failures: str | None = None) -> TrustedSide:
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
    config = parse_config(table, project, source, GitTree(project, ref))
    add_secret_names(config.secret_names)
    if fail_on is not None:
        config.fail_on = fail_on  # type: ignore[assignment]
    if fail_on_failures is not None:  # the workflow's choice, like fail-on: not the pull request's configuration
        config.fail_on_failures = fail_on_failures  # type: ignore[assignment]
    return TrustedSide(config, ref)


def _git(project: Path, *args: str) -> str | None:
    """git's output, or None when it says no (or is not there)."""
    try:
        done = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=GIT_TIMEOUT_S, check=False)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
