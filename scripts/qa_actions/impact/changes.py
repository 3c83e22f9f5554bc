"""The change a selection looks at, from git: every changed file with its source at the base and now."""

from __future__ import annotations

from pathlib import Path

from ..collect.changed_lines import Git
from .select import FileChange


def changes_since(project: Path, base: str, head: str | None = None) -> tuple[str, list[FileChange]]:
    """The merge base of `base` and `head` (default: the working tree against HEAD's merge base),
    and the files changed since it. Raises collect.changed_lines.GitUnavailable."""
    git = Git(project)
    since = git.merge_base(base, head or "HEAD")
    changes = []
    for status, path, old_path in git.name_status(since, head):
        before = git.show(since, old_path or path) if status != "A" else None
        if status == "D":
            after = None
        elif head is not None:
            after = git.show(head, path)
        else:
            after = _read(project / path)
        changes.append(FileChange(path, before, after, old_path if status == "R" else None))
    if head is None:  # a working tree: its new files count before they are added
        changes += [FileChange(path, None, _read(project / path)) for path in git.untracked()]
    return since, changes


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
