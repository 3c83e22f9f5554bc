"""What a renderer needs besides the results: where files link to, the marker, the base branch's numbers."""

from __future__ import annotations

import dataclasses
import posixpath
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath

from ..layout import JOB_SUMMARY_MD, RESULTS_DIR
from ..model import RunResult

MARKER_PREFIX = "qa-actions"
# the check runs beside the tiers' (`qa / security`, …): render/checks.py creates them, the comment links them
SECURITY_CHECK, COVERAGE_CHECK, VERDICT_CHECK = "security", "coverage", "verdict"


@dataclass(frozen=True)
class Baseline:
    """The base branch's run, for deltas: coverage and duration per tier, and which failures are new.

    It comes from the base branch's results.json (`--baseline`) or from the history. `new_failures`
    and `fixed_failures` hold (tier, test id) pairs; None when they are not known.
    """

    coverage: dict[str, float] = field(default_factory=dict)
    duration_s: dict[str, float] = field(default_factory=dict)
    label: str = "base"
    new_failures: frozenset[tuple[str, str]] | None = None
    fixed_failures: tuple[tuple[str, str], ...] | None = None

    @classmethod
    def from_results(cls, run: RunResult, label: str | None = None) -> Baseline:
        coverage = {name: tier.coverage.percent for name, tier in run.tiers.items()
                     if tier.coverage is not None and tier.coverage.percent is not None}
        durations = {name: tier.duration_s for name, tier in run.tiers.items() if tier.status in ("passed", "failed")}
        return cls(coverage, durations, label or run.run.branch or "base")

    def with_failures_of(self, base: RunResult, current: RunResult) -> Baseline:
        """New and fixed failures, comparing the failing tests of both runs."""
        before = {(tier.name, f.test) for tier in base.tiers.values() for f in tier.failures}
        now = {(tier.name, f.test) for tier in current.tiers.values() for f in tier.failures}
        return dataclasses.replace(self, new_failures=frozenset(now - before),
                                   fixed_failures=tuple(sorted(before - now)))


@dataclass(frozen=True)
class Links:
    """How a file of the project becomes a path in the repository and a link to it at the commit."""

    server_url: str | None = None
    repository: str | None = None
    commit: str | None = None
    run_url: str | None = None
    dashboard_url: str | None = None
    project_path: str = ""  # the project folder relative to the repository root
    workspace: str | None = None  # the checkout's absolute path, to make absolute file names relative

    def repo_path(self, file: str | None) -> str | None:
        """`file` (relative to the project, or absolute inside the checkout) relative to the repository root."""
        if not file:
            return None
        name = file.replace("\\", "/")
        if PurePosixPath(name).is_absolute() or PureWindowsPath(file).is_absolute():
            root = (self.workspace or "").replace("\\", "/").rstrip("/")
            if not root or not name.startswith(root + "/"):
                return None
            return posixpath.normpath(name[len(root) + 1:])
        joined = posixpath.normpath(posixpath.join(self.project_path or ".", name))
        return None if joined == "." or joined.startswith("../") else joined

    def blob(self, file: str | None, start: int | None = None, end: int | None = None) -> str | None:
        """A link to `file` (lines `start`-`end`) at the commit, when the repository and commit are known."""
        path = self.repo_path(file)
        if path is None or not (self.server_url and self.repository and self.commit):
            return None
        url = f"{self.server_url}/{self.repository}/blob/{self.commit}/{path}"
        if start:
            url += f"#L{start}" + (f"-L{end}" if end and end != start else "")
        return url


@dataclass(frozen=True)
class RenderContext:
    links: Links = field(default_factory=Links)
    marker_key: str = "local:local"
    check_prefix: str = "qa"
    project: str = ""  # the project's folder in the repository when it is not the root, for headings
    baseline: Baseline | None = None
    full_report: str = f"`{RESULTS_DIR}/{JOB_SUMMARY_MD}`"  # Markdown: where the untruncated report is
    notes: tuple[str, ...] = ()  # Markdown lines for the job summary (what publishing could not do)
    check_links: dict[str, str] = field(default_factory=dict)  # check-run name -> its page, once published

    @property
    def marker(self) -> str:
        return f"<!-- {MARKER_PREFIX}:{self.marker_key} -->"

    def check_name(self, part: str) -> str:
        return f"{self.check_prefix} / {part}"

    def check_link(self, part: str) -> str | None:
        """The page of check run `part` (`unit`, `security`, `verdict`) when it was published."""
        return self.check_links.get(self.check_name(part))
