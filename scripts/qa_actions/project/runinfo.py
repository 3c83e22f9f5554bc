"""Where a run happened: GitHub Actions' environment when present, the local git checkout otherwise."""

from __future__ import annotations

import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

from ..github_env import GitHubEnv, read_github_env
from ..model import RunInfo


def current_run(project: Path, env: GitHubEnv | None = None) -> RunInfo:
    now = datetime.now(UTC)
    env = env or read_github_env(payload=False)
    run_id = f"{env.run_id}.{env.run_attempt or '1'}" if env.run_id else None
    return RunInfo(
        run_id=run_id or f"local-{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}",
        time=now.isoformat(timespec="seconds"),
        commit=env.sha or _git(project, "rev-parse", "HEAD"),
        branch=env.head_ref or env.ref_name or _git(project, "branch", "--show-current"),
        event=env.event.name,
        repository=env.repository,
        project_path=_project_path(project, env.workspace),
    )


def _project_path(project: Path, workspace: Path | None) -> str | None:
    """The project folder relative to the repository root, so reports can link files in sub-folder projects."""
    prefix = _git(project, "rev-parse", "--show-prefix")
    if prefix is not None:
        return prefix.rstrip("/")
    if workspace:
        try:
            relative = project.resolve().relative_to(workspace.resolve()).as_posix()
        except ValueError:
            return None
        return "" if relative == "." else relative
    inside = _git(project, "rev-parse", "--is-inside-work-tree")
    return "" if inside == "true" else None


def _git(project: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def path_in_repository(project: Path) -> str:
    """The project folder relative to its repository's root ("" at the root).

    SARIF and annotations need paths from the repository root, while tools report them from the
    project, which may be a sub-folder (a monorepo, or examples/sample-project here).
    """
    root = _git(project, "rev-parse", "--show-toplevel") or read_github_env(payload=False).workspace
    if not root:
        return ""
    try:
        inside = project.resolve().relative_to(Path(root).resolve())
    except ValueError:
        return ""
    return "" if inside == Path() else inside.as_posix()
