#!/usr/bin/env python3
"""Print one version's section of CHANGELOG.md: the release workflow's notes.

    python .ci/changelog.py 1.2.0           # the `## [1.2.0] - date` section, without its heading
    python .ci/changelog.py --tag v1.2.0    # also checks the tag is `v` + qa_actions.__version__

A missing or empty section, or a tag that is not the version, is one line on stderr and exit 1, so
that a release is never cut without its notes or from the wrong commit. Standard library only: it
runs before anything is installed.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHANGELOG = REPO / "CHANGELOG.md"
VERSION_FILE = REPO / "scripts" / "qa_actions" / "__init__.py"
TAG = re.compile(r"v(?P<version>\d+\.\d+\.\d+)")
HEADING = re.compile(r"## \[(?P<name>[^\]]+)\](?:\s+-\s+\S+)?\s*")
LINK_DEFINITION = re.compile(r"\[[^\]]+\]:\s+\S+\s*")


class ReleaseError(Exception):
    """What stops a release, said in one line."""


@dataclass(frozen=True)
class Section:
    """A `## [name]` section of the changelog: its body, without the heading and link definitions."""

    name: str
    body: str


def sections(text: str) -> list[Section]:
    """Every `## [name]` section in order; a section ends at the next `## ` heading."""
    found: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("## "):
            match = HEADING.fullmatch(line)
            found.append((match["name"] if match else line[3:].strip(), []))
        elif found:
            found[-1][1].append(line)
    result = []
    for name, lines in found:
        while lines and (not lines[-1].strip() or LINK_DEFINITION.fullmatch(lines[-1])):
            lines.pop()  # the link definitions at the end of the file belong to no section
        result.append(Section(name, "\n".join(lines).strip("\n")))
    return result


def section(text: str, version: str, where: str = "CHANGELOG.md") -> str:
    """The body of `version`'s section; ReleaseError when it is missing or empty."""
    for found in sections(text):
        if found.name == version:
            if not found.body.strip():
                raise ReleaseError(f"{where}: the section ## [{version}] is empty")
            return found.body
    raise ReleaseError(f"{where} has no section ## [{version}] - YYYY-MM-DD "
                       f"(move the Unreleased entries under it)")


def package_version(path: Path = VERSION_FILE) -> str:
    """`__version__` as written in the one place it is set (read, not imported: nothing is installed)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__version__" for t in node.targets):
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
    raise ReleaseError(f"{path}: no __version__ = \"X.Y.Z\"")


def version_of_tag(tag: str, version: str) -> str:
    """The version a release tag names; ReleaseError unless it is `vX.Y.Z` and equals `v` + version."""
    match = TAG.fullmatch(tag)
    if not match:
        raise ReleaseError(f"tag {tag!r} is not vX.Y.Z")
    if match["version"] != version:
        raise ReleaseError(f"tag {tag} is not v{version}, the version in scripts/qa_actions/__init__.py")
    return version


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", nargs="?", help="the version whose section to print, e.g. 1.2.0")
    parser.add_argument("--tag", help="a release tag vX.Y.Z, checked against qa_actions.__version__")
    parser.add_argument("--file", type=Path, default=CHANGELOG, help="the changelog (default: CHANGELOG.md)")
    parser.add_argument("--version-file", type=Path, default=VERSION_FILE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if (args.version is None) == (args.tag is None):
        parser.error("give a VERSION or --tag vX.Y.Z")
    try:
        version = version_of_tag(args.tag, package_version(args.version_file)) if args.tag else args.version
        print(section(args.file.read_text(encoding="utf-8"), version, args.file.name))
    except (ReleaseError, OSError) as error:
        print(f"changelog: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
