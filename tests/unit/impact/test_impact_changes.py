"""The change from git: each file with its source at the merge base and at the head, renames followed."""

from __future__ import annotations

from pathlib import Path

from git_repo import commit_files, git

from qa_actions.impact.changes import changes_since
from qa_actions.impact.select import FileChange

LONG = "".join(f"def f{n}():\n    return {n}\n\n\n" for n in range(20))




def test_added_modified_deleted_and_renamed_files(tmp_path: Path) -> None:
    files = {"pkg/a.py": "A = 1\n", "pkg/gone.py": "G = 1\n", "pkg/old name.py": LONG}
    commit_files(tmp_path, files)
    git(tmp_path, "checkout", "-qb", "change")
    (tmp_path / "pkg/a.py").write_text("A = 2\n")
    (tmp_path / "pkg/gone.py").unlink()
    (tmp_path / "pkg/new.py").write_text("N = 1\n")
    git(tmp_path, "mv", "pkg/old name.py", "pkg/new name.py")
    (tmp_path / "pkg/new name.py").write_text(LONG + "X = 1\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "change")
    (tmp_path / "pkg/wip.py").write_text("W = 1\n")  # untracked: only a working-tree change sees it

    _, committed = changes_since(tmp_path, "main", "HEAD")
    assert sorted(committed, key=lambda c: c.path) == [
        FileChange("pkg/a.py", "A = 1\n", "A = 2\n"),
        FileChange("pkg/gone.py", "G = 1\n", None),
        FileChange("pkg/new name.py", LONG, LONG + "X = 1\n", old_path="pkg/old name.py"),
        FileChange("pkg/new.py", None, "N = 1\n"),
    ]
    _, working = changes_since(tmp_path, "main")
    assert {c.path for c in working} == {c.path for c in committed} | {"pkg/wip.py"}
