"""How the project installs itself, and which Python it asks for, read from its files alone.

The setup action runs the command detected here instead of always `pip install -e .`, so a project
locked with uv, poetry or pdm, or declaring its test dependencies in a group, an extra, a
requirements file or tox.ini, gets them without a line of configuration. Nothing of the project runs:
pyproject.toml is read with `read_toml` (its limits and refusals), setup.cfg and tox.ini with
configparser, and a value of the wrong type is one `ConfigError` naming the key.

The command is a bash command line run in the project folder with the project's interpreter first on
PATH, so `python` in it is that interpreter; every tool installs *into* that interpreter's
environment, never a `.venv` of its own, because qa runs the tests there.
"""

from __future__ import annotations

import configparser
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import ConfigError
from ...fsutil import check_size, read_toml

# the names under which projects keep what their tests need, in the order they are listed
TEST_NAMES = ("test", "tests", "testing", "dev")
# the Python minors qa-actions' setup supports, oldest first
SUPPORTED_MINORS = tuple(f"3.{minor}" for minor in range(9, 15))
MAX_TEXT_BYTES = 1024 * 1024  # setup.cfg, tox.ini, .python-version
# pip learnt `--group` (PEP 735 dependency groups) in 25.1: the command makes sure of it first
PIP_WITH_GROUPS = "pip>=25.1"
PIP = "python -m pip install --disable-pip-version-check --no-input"
REQUIREMENT_FILES = (
    "requirements-test.txt", "requirements-tests.txt", "requirements_test.txt", "requirements_tests.txt",
    "requirements-testing.txt", "test-requirements.txt", "tests-requirements.txt", "requirements-dev.txt",
    "requirements_dev.txt", "dev-requirements.txt", "requirements/test.txt", "requirements/tests.txt",
    "requirements/testing.txt", "requirements/dev.txt",
)
BASE_REQUIREMENT_FILES = ("requirements.txt", "requirements/base.txt", "requirements/main.txt")
# a tox deps line we can pass to pip as it is: a requirement, or `-r`/`-c` a file in the project
_TOX_FILE_REF = re.compile(r"^(-r|-c)\s*(\S+)$")
_TOX_REQUIREMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._, -]+\])?\s*([<>=!~]=?[^;{}]*)?(;[^{}]*)?$")


@dataclass(frozen=True)
class InstallPlan:
    """`command`: the bash command line that installs the project ("" = nothing to install);
    `why`: in words, what was found that chose it; `tool`: uv, poetry, pdm or pip (None: nothing)."""

    command: str
    why: str
    tool: str | None = None


class _Project:
    """The project's packaging files, read once; every accessor checks the type it returns."""

    def __init__(self, root: Path) -> None:
        self.root = root
        path = root / "pyproject.toml"
        self.pyproject: dict[str, Any] = read_toml(path) if path.is_file() else {}
        self.setup_cfg = self.ini("setup.cfg")

    def ini(self, name: str) -> configparser.ConfigParser | None:
        path = self.root / name
        if not path.is_file():
            return None
        parser = configparser.ConfigParser(interpolation=None)
        try:
            check_size(path, MAX_TEXT_BYTES)
            parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
        except (configparser.Error, UnicodeDecodeError, ValueError) as exc:
            raise ConfigError(f"{path}: cannot be read as an INI file: {str(exc).splitlines()[0]}") from None
        except OSError as exc:
            raise ConfigError(f"{path}: {exc}") from None
        return parser

    def table(self, *keys: str) -> dict[str, Any]:
        """pyproject's table at `keys` ({} when absent); anything else there is a ConfigError."""
        value: Any = self.pyproject
        for depth, key in enumerate(keys):
            value = value.get(key, {})
            if not isinstance(value, dict):
                raise ConfigError(f"pyproject.toml: `{'.'.join(keys[:depth + 1])}` must be a table")
        return value

    def names(self, *keys: str) -> list[str]:
        """The keys of a table at `keys` that are among TEST_NAMES, in TEST_NAMES' order."""
        present = self.table(*keys)
        return [name for name in TEST_NAMES if name in present]

    def extras(self) -> list[str]:
        found = self.names("project", "optional-dependencies")
        if self.setup_cfg is not None and self.setup_cfg.has_section("options.extras_require"):
            found += [n for n in TEST_NAMES if self.setup_cfg.has_option("options.extras_require", n)]
        return list(dict.fromkeys(found))

    @property
    def installable(self) -> str | None:
        """What makes the project a package pip can install (in words), else None."""
        if "project" in self.pyproject or "build-system" in self.pyproject:
            self.table("project")
            self.table("build-system")
            return "pyproject.toml has a [project] or [build-system] table"
        for name in ("setup.py", "setup.cfg"):
            if (self.root / name).is_file():
                return f"it has {name}"
        return None


def _quoted(words: list[str]) -> str:
    return " ".join(shlex.quote(word) for word in words)


def _ensure_tool(tool: str) -> str:
    """Installs `tool` into the project's interpreter only when it is not on PATH already."""
    return f"{{ command -v {tool} >/dev/null 2>&1 || {PIP} {tool}; }}"


def _editable(project: _Project, extras: list[str] | None = None) -> list[str]:
    if not project.installable:
        return []
    return ["-e", f".[{','.join(extras)}]" if extras else "."]


def _uv(project: _Project) -> InstallPlan:
    groups = project.names("dependency-groups")
    extras = project.names("project", "optional-dependencies")
    flags = [f"--group {g}" for g in groups] + [f"--extra {e}" for e in extras]
    # UV_PROJECT_ENVIRONMENT at the interpreter's own prefix: uv installs there instead of making
    # .venv; --inexact keeps what is already there (the setup's pip, qa's plugins)
    command = (f"{_ensure_tool('uv')} && UV_PROJECT_ENVIRONMENT=\"$(python -c 'import sys; print(sys.prefix)')\""
               f" uv sync --locked --inexact {' '.join(flags)}".rstrip())
    chosen = ", ".join([*(f"group {g}" for g in groups), *(f"extra {e}" for e in extras)]) or "no test group"
    return InstallPlan(command, f"uv.lock: uv sync into the project's interpreter ({chosen})", "uv")


def _poetry(project: _Project) -> InstallPlan:
    groups = project.names("tool", "poetry", "group")
    extras = project.names("tool", "poetry", "extras") or project.names("project", "optional-dependencies")
    words = ["poetry", "install", "--no-interaction"]
    words += [f"--with={','.join(groups)}"] if groups else []
    words += [f"--extras={' '.join(extras)}"] if extras else []
    chosen = ", ".join([*(f"group {g}" for g in groups), *(f"extra {e}" for e in extras)]) or "no test group"
    # without a virtual environment of its own, poetry installs into the python on PATH
    command = f"{_ensure_tool('poetry')} && POETRY_VIRTUALENVS_CREATE=false {_quoted(words)}"
    return InstallPlan(command, f"poetry.lock: poetry install into the project's interpreter ({chosen})", "poetry")


def _pdm(project: _Project) -> InstallPlan:
    tables = [("project", "optional-dependencies"), ("dependency-groups",), ("tool", "pdm", "dev-dependencies")]
    groups = list(dict.fromkeys(name for keys in tables for name in project.names(*keys)))
    selected = [word for g in groups for word in ("-G", g)]
    # pdm installs only into a virtual environment or __pypackages__: its export of the lock goes to pip
    export = _quoted(["pdm", "export", "--without-hashes", *selected])
    install = _quoted([*_editable(project), "-r", "/dev/stdin"])
    chosen = ", ".join(f"group {g}" for g in groups) or "no test group"
    return InstallPlan(f"{_ensure_tool('pdm')} && {export} | {PIP} {install}",
                       f"pdm.lock: the locked versions (pdm export, {chosen}) installed with pip", "pdm")


def _tox_deps(project: _Project) -> tuple[list[str], list[str]]:
    """pip arguments from tox.ini's [testenv] `extras` and `deps`, and the deps lines left out (with why)."""
    tox = project.ini("tox.ini")
    if tox is None or not tox.has_option("testenv", "deps"):
        return [], []
    extras = [e.strip() for e in re.split(r"[,\s]+", tox.get("testenv", "extras", fallback="")) if e.strip()]
    arguments: list[str] = _editable(project, [e for e in extras if re.fullmatch(r"[A-Za-z0-9._-]+", e)])
    skipped: list[str] = []
    for raw in tox.get("testenv", "deps").splitlines():
        line = raw.split(" #", 1)[0].strip().replace("{toxinidir}/", "").replace("{toxinidir}", ".")
        if not line or line.startswith("#"):
            continue
        reference = _TOX_FILE_REF.match(line)
        if reference:
            if (project.root / reference.group(2)).is_file():
                arguments += [reference.group(1), reference.group(2)]
            else:
                skipped.append(f"`{raw.strip()}` (no such file)")
        elif _TOX_REQUIREMENT.match(line):
            arguments.append(line)
        else:
            skipped.append(f"`{raw.strip()}` (a factor, substitution or option qa does not expand)")
    return arguments, skipped


def detect_install(project: Path) -> InstallPlan:
    """The first of: uv.lock, poetry.lock, pdm.lock, PEP 735 dependency groups, test extras, test
    requirements files, tox.ini's [testenv] deps; else `pip install -e .` when the project is a
    package; else nothing (a folder of scripts and tests installs nothing)."""
    found = _Project(project)
    if (project / "uv.lock").is_file():
        return _uv(found)
    if (project / "poetry.lock").is_file():
        return _poetry(found)
    if (project / "pdm.lock").is_file():
        return _pdm(found)
    groups = found.names("dependency-groups")
    if groups:
        words = _editable(found) + [word for g in groups for word in ("--group", g)]
        return InstallPlan(f"{PIP} {shlex.quote(PIP_WITH_GROUPS)} && {PIP} {_quoted(words)}",
                           f"pyproject.toml [dependency-groups] {', '.join(groups)} (pip {PIP_WITH_GROUPS[5:]}"
                           " installs groups; the command upgrades an older pip first)", "pip")
    extras = found.extras()
    if extras and found.installable:
        return InstallPlan(f"{PIP} {_quoted(_editable(found, extras))}",
                           f"optional dependencies (extras) {', '.join(extras)} of the package", "pip")
    files = [name for name in REQUIREMENT_FILES if (project / name).is_file()]
    if files:
        files = [name for name in BASE_REQUIREMENT_FILES if (project / name).is_file()][:1] + files
        words = _editable(found) + [word for name in files for word in ("-r", name)]
        return InstallPlan(f"{PIP} {_quoted(words)}", f"requirements files for the tests: {', '.join(files)}",
                           "pip")
    deps, skipped = _tox_deps(found)
    if deps:
        left_out = f"; left out: {', '.join(skipped)}" if skipped else ""
        return InstallPlan(f"{PIP} {_quoted(deps)}", f"tox.ini [testenv] deps{left_out}", "pip")
    base = [name for name in BASE_REQUIREMENT_FILES if (project / name).is_file()][:1]
    if base:
        return InstallPlan(f"{PIP} {_quoted([*_editable(found), '-r', base[0]])}",
                           f"{base[0]} (no test requirements found elsewhere)", "pip")
    why = found.installable
    if why:
        return InstallPlan(f"{PIP} -e .", f"the project is a package ({why}) with no test dependencies declared",
                           "pip")
    return InstallPlan("", "nothing to install: no lock file, requirements, tox.ini, pyproject [project] or setup.py")


def _read_line(path: Path) -> str:
    try:
        check_size(path, MAX_TEXT_BYTES)
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    return next((line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()), "")


def _lowest_allowed(specifier_text: str, where: str) -> tuple[str | None, str]:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        allowed = SpecifierSet(specifier_text)
    except InvalidSpecifier:
        raise ConfigError(f"{where} `{specifier_text}` is not a version specifier (PEP 440)") from None
    supported = f"{SUPPORTED_MINORS[0]} to {SUPPORTED_MINORS[-1]}"
    for minor in SUPPORTED_MINORS:
        # any patch release of the minor counts (`>=3.11.4` allows 3.11)
        if any(allowed.contains(f"{minor}.{patch}", prereleases=True) for patch in range(0, 30)):
            return minor, f"the lowest of {supported} that {where} `{specifier_text}` allows"
    return None, f"{where} `{specifier_text}` allows none of {supported}: the setup's default"


def detect_python_version(project: Path) -> tuple[str | None, str]:
    """`.python-version`'s first line, else the lowest supported minor that `requires-python` (pyproject,
    or setup.cfg's `python_requires`) allows, else None: the setup keeps its default."""
    pinned = project / ".python-version"
    if pinned.is_file():
        version = _read_line(pinned)
        if version:
            if not re.fullmatch(r"[A-Za-z0-9.+\-_]{1,40}", version):
                raise ConfigError(f"{pinned}: `{version[:40]}` is not a Python version")
            return version, f".python-version asks for {version}"
    found = _Project(project)
    requires = found.table("project").get("requires-python")
    if requires is not None:
        if not isinstance(requires, str):
            raise ConfigError("pyproject.toml: `project.requires-python` must be a string")
        return _lowest_allowed(requires, "requires-python")
    cfg = found.setup_cfg
    if cfg is not None and cfg.has_option("options", "python_requires"):
        return _lowest_allowed(cfg.get("options", "python_requires").strip(), "setup.cfg python_requires")
    return None, "no .python-version or requires-python: the setup's default"
