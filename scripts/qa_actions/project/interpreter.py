"""The project's own Python: which one it is, its version, and which test plugins it has.

Tests run under the project's interpreter, not ours (docs/design.md: two environments, never mixed),
so before a tier runs we ask that interpreter what it can do, once per process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass

from ..errors import QaError

PROBED_MODULES = ("pytest", "pytest_cov", "pytest_timeout", "xdist", "pytest_split", "pytest_rerunfailures",
                  "qa_actions", "pytest_asyncio", "pytest_mock", "hypothesis")

# one tab-separated line: executable, version, the probed modules it has (json would add 10 ms of imports)
_PROBE = (
    "import sys, importlib.util as u;"
    f"print(sys.executable, '.'.join(map(str, sys.version_info[:3])),"
    f" *[m for m in {list(PROBED_MODULES)!r} if u.find_spec(m)], sep='\\t')"
)

# what to tell the user to install for each module we need
PIP_NAMES = {"pytest_cov": "pytest-cov", "pytest_timeout": "pytest-timeout", "xdist": "pytest-xdist",
             "pytest_split": "pytest-split", "pytest_rerunfailures": "pytest-rerunfailures"}


class MissingTool(QaError):
    """The interpreter or a plugin a tier needs is not there; reported as a `missing-tool` problem."""


@dataclass(frozen=True)
class Interpreter:
    executable: str
    version: tuple[int, int, int]
    modules: frozenset[str]

    def require(self, *modules: str) -> None:
        missing = [m for m in modules if m not in self.modules]
        if missing:
            names = " ".join(PIP_NAMES.get(m, m) for m in missing)
            raise MissingTool(f"{self.executable} lacks {names}: install it there (pip install {names})"
                              " or point `[tool.qa] python` at an interpreter that has it")

    @property
    def supports_sysmon(self) -> bool:
        """coverage.py's fast `sys.monitoring` core exists from Python 3.12."""
        return self.version >= (3, 12)

    @property
    def sysmon_branch(self) -> bool:
        """Branch coverage under sysmon needs Python 3.14; before that coverage.py falls back to its tracer."""
        return self.version >= (3, 14)


def project_python(configured: str | None) -> str:
    """`[tool.qa] python`, else `$QA_PYTHON`, else `python` on PATH (the project's environment in CI
    and in an activated venv), else ours."""
    if configured:
        return configured
    if os.environ.get("QA_PYTHON"):
        return os.environ["QA_PYTHON"]
    for name in ("python", "python3"):
        found = shutil.which(name)
        if found:
            return found
    return sys.executable


class _Probe(threading.Thread):
    """Asks an interpreter about itself in the background, so the answer is ready when a tier needs it."""

    def __init__(self, python: str) -> None:
        super().__init__(daemon=True)
        self.python = python
        self.outcome: Interpreter | MissingTool | None = None
        self.start()

    def run(self) -> None:
        try:
            self.outcome = _ask(self.python)
        except MissingTool as exc:
            self.outcome = exc


_probes: dict[str, _Probe] = {}


def prefetch(python: str) -> None:
    """Start probing `python` now; `probe` collects the answer later."""
    if python not in _probes:
        _probes[python] = _Probe(python)


def probe(python: str) -> Interpreter:
    prefetch(python)
    task = _probes[python]
    task.join()
    if isinstance(task.outcome, MissingTool):
        raise task.outcome
    assert task.outcome is not None
    return task.outcome


def installed_versions(python: str, names: list[str]) -> dict[str, str]:
    """The installed version of each distribution in `names` that `python` has (by importlib.metadata),
    so that what is already there is not handed to pip, which may spend seconds asking an index."""
    script = ("import sys, importlib.metadata as m\n"
              "for n in sys.argv[1:]:\n"
              "    try: print(n, m.version(n), sep='\\t')\n"
              "    except m.PackageNotFoundError: pass\n")
    command = shutil.which(python) or python
    try:
        done = subprocess.run([command, "-c", script, *names], capture_output=True, text=True, timeout=60,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    found = (line.split("\t") for line in done.stdout.splitlines())
    return {fields[0]: fields[1] for fields in found if len(fields) == 2}


def _ask(python: str) -> Interpreter:
    command = shutil.which(python) or python
    try:
        done = subprocess.run([command, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MissingTool(f"cannot start the test interpreter `{python}`: {exc}") from None
    lines = done.stdout.strip().splitlines()  # a sitecustomize may print before us: ours is the last line
    fields = lines[-1].split("\t") if lines else []
    try:
        version = tuple(int(part) for part in fields[1].split("."))
    except (IndexError, ValueError):
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise MissingTool(f"`{python}` is not a working Python 3 interpreter: {detail}") from None
    return Interpreter(fields[0], version, frozenset(fields[2:]))
