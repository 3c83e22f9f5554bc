"""Real git repositories for the tests that need history: one `git` helper, with an author set."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(project: Path, *args: str) -> str:
    """Run git in `project` (with a name and e-mail for commits) and return what it printed."""
    done = subprocess.run(["git", "-c", "user.name=qa", "-c", "user.email=qa@example.com", *args], cwd=project,
                          capture_output=True, text=True, check=True, timeout=60)
    return done.stdout.strip()


def commit_files(folder: Path, files: dict[str, str], branch: str = "main") -> Path:
    """A new repository in `folder` whose first commit on `branch` holds `files` (path -> text)."""
    for path, text in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)
    git(folder, "init", "-q", "-b", branch)
    git(folder, "add", ".")
    git(folder, "commit", "-qm", "base")
    return folder
