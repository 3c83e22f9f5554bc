"""The project's own pytest configuration, found where pytest finds it, so qa adds to it and never
replaces it: `testpaths`, the declared `markers` (tiers may be markers) and `addopts` (an `-m` there is
combined with a tier's, not overridden by it).

pytest reads the first of pytest.ini, .pytest.ini, pyproject.toml (`[tool.pytest.ini_options]`, or the
native `[tool.pytest]` table of pytest 9), tox.ini (`[pytest]`) and setup.cfg (`[tool:pytest]`) that
holds its section; so does this."""

from __future__ import annotations

import configparser
import shlex
import tomllib
from dataclasses import dataclass, field
from typing import Any

from .tree import Tree

DEFAULT_PYTHON_FILES = ("test_*.py", "*_test.py")  # pytest's default python_files
INI_FILES = (("pytest.ini", "pytest"), (".pytest.ini", "pytest"), ("pyproject.toml", None), ("tox.ini", "pytest"),
             ("setup.cfg", "tool:pytest"))


@dataclass
class PytestConfig:
    """What qa reads of the project's pytest configuration."""

    file: str | None = None  # None: the project has none
    testpaths: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)  # declared marker names, in their order
    addopts: list[str] = field(default_factory=list)
    python_files: list[str] = field(default_factory=lambda: list(DEFAULT_PYTHON_FILES))

    def marker_expression(self) -> str | None:
        """The `-m` expression of `addopts`, if it has one (the last wins, as in pytest)."""
        found = None
        for index, arg in enumerate(self.addopts):
            if arg == "-m" and index + 1 < len(self.addopts):
                found = self.addopts[index + 1]
            elif arg.startswith("-m") and len(arg) > 2:
                found = arg[2:].removeprefix("=")
        return found


def read_pytest_config(tree: Tree) -> PytestConfig:
    """The project's pytest configuration; an unreadable file counts as none (pytest itself will say why)."""
    for name, section in INI_FILES:
        text = tree.read_text(name)
        if text is None:
            continue
        options = _toml_options(text) if section is None else _ini_options(text, section)
        if options is None:
            continue
        return PytestConfig(name, _words(options.get("testpaths")), _marker_names(options.get("markers")),
                            _args(options.get("addopts")),
                            _words(options.get("python_files")) or list(DEFAULT_PYTHON_FILES))
    return PytestConfig()


def _toml_options(text: str) -> dict[str, Any] | None:
    try:
        tool = tomllib.loads(text).get("tool", {})
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None
    pytest = tool.get("pytest") if isinstance(tool, dict) else None
    if not isinstance(pytest, dict):
        return None
    legacy = pytest.get("ini_options")
    return legacy if isinstance(legacy, dict) else pytest


def _ini_options(text: str, section: str) -> dict[str, Any] | None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    return dict(parser[section]) if parser.has_section(section) else None


def _words(value: Any) -> list[str]:
    """A list option: a TOML list, or an ini value split on whitespace (as pytest's `args` type)."""
    if isinstance(value, list):
        return [str(item) for item in value if isinstance(item, str | int | float)]
    return value.split() if isinstance(value, str) else []


def _args(value: Any) -> list[str]:
    """`addopts`: a TOML list, or one string split like a shell (pytest's own rule)."""
    if isinstance(value, list):
        return [str(item) for item in value if isinstance(item, str)]
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError:
            return value.split()
    return []


def _marker_names(value: Any) -> list[str]:
    """`markers = ["integration: slow tests", "slow(reason)"]` -> ["integration", "slow"]."""
    lines = value if isinstance(value, list) else value.splitlines() if isinstance(value, str) else []
    names = []
    for line in lines:
        if isinstance(line, str) and line.strip():
            name = line.split(":", 1)[0].split("(", 1)[0].strip()
            if name and name not in names:
                names.append(name)
    return names
