"""The files detection reads: the checkout (`FileTree`), or a commit read from git on the trusted side
(project/trusted.py builds one), behind one small interface so the same rules read both."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

MAX_FILE_BYTES = 4 * 1024 * 1024  # a configuration file bigger than this is not read
MAX_WALK = 20_000  # files looked at when searching a folder for tests


class Tree(Protocol):
    """Read-only view of a project's files, by POSIX paths relative to the project."""

    def is_file(self, path: str) -> bool: ...

    def is_dir(self, path: str) -> bool: ...

    def read_text(self, path: str) -> str | None:
        """The file's text, or None when it is missing, too big or not UTF-8."""

    def children(self, path: str) -> list[str]:
        """Names of the entries of folder `path` ("" for the project), sorted; [] when not a folder."""

    def files_under(self, path: str) -> list[str]:
        """Paths of the files under folder `path`, at most MAX_WALK of them, in a stable order."""


def join(*parts: str) -> str:
    return "/".join(part.strip("/") for part in parts if part and part != ".")


@dataclass(frozen=True)
class FileTree:
    """The project's folder on disk."""

    root: Path

    def _path(self, path: str) -> Path:
        return self.root / path if path else self.root

    def is_file(self, path: str) -> bool:
        return self._path(path).is_file()

    def is_dir(self, path: str) -> bool:
        return self._path(path).is_dir()

    def read_text(self, path: str) -> str | None:
        target = self._path(path)
        try:
            if not target.is_file() or target.stat().st_size > MAX_FILE_BYTES:
                return None
            return target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def children(self, path: str) -> list[str]:
        try:
            return sorted(child.name for child in self._path(path).iterdir())
        except OSError:
            return []

    def files_under(self, path: str) -> list[str]:
        found: list[str] = []
        stack = [path]
        while stack and len(found) < MAX_WALK:
            folder = stack.pop()
            for name in self.children(folder):
                if name.startswith(".") or name == "__pycache__":
                    continue
                child = join(folder, name)
                if self._path(child).is_symlink():
                    continue  # a link may point anywhere, a cycle included
                if self.is_dir(child):
                    stack.append(child)
                else:
                    found.append(child)
        return sorted(found[:MAX_WALK])
