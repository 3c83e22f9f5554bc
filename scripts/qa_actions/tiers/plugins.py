"""What the project's interpreter needs so that qa can drive its tiers: pytest and the plugins
the tiers' settings use, at the versions qa-actions itself is tested with, and the plugins the tests
visibly use (`used_plugins`) when the project does not provide them itself."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..config import QaConfig

DISTRIBUTION = "qa-actions"
MAX_TEST_FILE_BYTES = 1024 * 1024  # a larger "test" file is data, not a test module: skipped
MAX_TEST_FILES = 5000  # per call; a suite larger than this has declared its plugins long ago
DECLARATION_FILES = ("pyproject.toml", "setup.cfg", "tox.ini", "requirements*.txt", "requirements/*.txt")


def _own_floors() -> dict[str, str]:
    """`name -> requirement` from qa-actions' own dependencies, so versions are declared once."""
    try:
        declared = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return {}
    floors = {}
    for requirement in declared:
        if ";" in requirement:  # extras of our own, not runtime
            continue
        name = re.split(r"[<>=!~\[ ]", requirement, maxsplit=1)[0]
        floors[name.lower()] = requirement
    return floors


def required_plugins(config: QaConfig, tiers: list[str]) -> list[str]:
    """Requirements (pip syntax) for running `tiers` of the project, most basic first."""
    names = ["pytest"]
    for name in tiers:
        tier = config.tiers[name]
        if tier.coverage_gate is not None:
            names.append("pytest-cov")
        if tier.test_timeout is not None:
            names.append("pytest-timeout")
        if tier.reruns:
            names.append("pytest-rerunfailures")
        if tier.workers != 1:
            names.append("pytest-xdist")
        if tier.kind == "pytest":
            names.append("pytest-split")  # any pytest tier may run as shards (`qa tier --shard`); inert otherwise
    floors = _own_floors()
    return [floors.get(name, name) for name in dict.fromkeys(names)]


@dataclass(frozen=True)
class UsedPlugin:
    """A plugin the tests use without the project providing it: its requirement, and why it is needed."""

    requirement: str
    why: str


@dataclass(frozen=True)
class _Sign:
    """What in a test file shows that `distribution` (importable as `module`) is needed."""

    distribution: str
    module: str
    pattern: re.Pattern[str]
    shows: str
    unless: re.Pattern[str] | None = None  # the same text also names something that serves it


# Read as text with regular expressions, not parsed with `ast`: a test file is scanned in about a
# tenth of the time and a file that does not parse (a Python 2 leftover, a syntax the project's newer
# interpreter knows) still counts. A false sign costs one small install; a missed one, failing tests.
_SIGNS = (
    _Sign("pytest-asyncio", "pytest_asyncio",
          re.compile(r"\bmark\.asyncio\b|^[ \t]*async[ \t]+def[ \t]+test", re.MULTILINE),
          "`async def test…` or the `asyncio` marker",
          unless=re.compile(r"\bmark\.(anyio|trio)\b|\bpytest_trio\b|\banyio_backend\b")),
    _Sign("pytest-mock", "pytest_mock",
          re.compile(r"\bdef[ \t]+\w+[ \t]*\([^)]*\b(?:class_|module_|package_|session_)?mocker\b"),
          "the `mocker` fixture"),
    _Sign("hypothesis", "hypothesis",
          re.compile(r"^[ \t]*@(?:hypothesis\.)?given\b", re.MULTILINE), "`@given` from hypothesis"),
)


def _test_files(project: Path, paths: list[str]) -> Iterator[Path]:
    """Test modules and conftest.py files under `paths`, hidden folders and caches left out."""
    for entry in paths:
        root = project / entry
        if root.is_file():
            yield root
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__pycache__")))
            for name in sorted(files):
                if name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py")
                                             or name == "conftest.py"):
                    yield Path(folder, name)


def _declared(project: Path, distribution: str) -> str | None:
    """The packaging file that names `distribution` as a requirement, if any."""
    spelled = r"[-_.]".join(map(re.escape, re.split(r"[-_.]", distribution)))
    requirement = re.compile(rf"(?:^|[\"'])[ \t]*{spelled}(?=[ \t]*(?:[\[<>=!~;,\"']|$))",
                             re.IGNORECASE | re.MULTILINE)
    for pattern in DECLARATION_FILES:
        for path in sorted(project.glob(pattern)):
            try:
                if path.stat().st_size <= MAX_TEST_FILE_BYTES and requirement.search(
                        path.read_text(encoding="utf-8", errors="replace")):
                    return path.relative_to(project).as_posix()
            except OSError:
                continue
    return None


def used_plugins(config: QaConfig, tiers: list[str], has_modules: frozenset[str]) -> tuple[list[UsedPlugin], list[str]]:
    """Plugins the tests of `tiers` visibly use, that neither the project's declared dependencies nor
    its interpreter (`has_modules`, importable there) provide; and one line for each one already provided."""
    paths = [p for name in tiers if config.tiers[name].kind == "pytest" for p in config.tiers[name].paths]
    found: dict[str, str] = {}  # distribution -> the first file showing it
    pending = list(_SIGNS)
    for count, path in enumerate(_test_files(config.project, list(dict.fromkeys(paths)))):
        if count >= MAX_TEST_FILES or not pending:
            break
        try:
            if path.stat().st_size > MAX_TEST_FILE_BYTES:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for sign in list(pending):
            if sign.pattern.search(text) and not (sign.unless and sign.unless.search(text)):
                found[sign.distribution] = path.relative_to(config.project).as_posix()
                pending.remove(sign)
    floors = _own_floors()
    needed: list[UsedPlugin] = []
    provided: list[str] = []
    for sign in _SIGNS:
        if sign.distribution not in found:
            continue
        shown = f"{found[sign.distribution]} uses {sign.shows}"
        declared = _declared(config.project, sign.distribution)
        if declared:
            provided.append(f"{sign.distribution}: {shown}; the project declares it in {declared}")
        elif sign.module in has_modules:
            provided.append(f"{sign.distribution}: {shown}; the project's interpreter has it")
        else:
            needed.append(UsedPlugin(floors.get(sign.distribution, sign.distribution), shown))
    return needed, provided


def plugin_requirements(config: QaConfig, tiers: list[str], has_modules: frozenset[str]) -> tuple[list[str], list[str]]:
    """Everything `qa plugins` installs for `tiers`: what their settings need, then what their tests
    visibly use; and one line of why for each plugin the tests use (added, or already provided)."""
    used, provided = used_plugins(config, tiers, has_modules)
    notes = [f"not adding {line}" for line in provided] + [f"adding {p.requirement}: {p.why}" for p in used]
    return required_plugins(config, tiers) + [plugin.requirement for plugin in used], notes
