"""What a dependency audit reads: the project's requirement files, or its installed environment.

Without configured files, `requirements*.txt` at the top level and `requirements/*.txt` are used;
without those, the packages installed in the project's interpreter (written as pinned
requirements to `environment.txt`, so both tools audit exactly the same list).
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import QaError
from ..fsutil import read_toml
from ..layout import ENVIRONMENT_TXT
from ..project.interpreter import project_python
from ..scrub import write_text
from .context import ScanRun
from .tools import ScanFailure

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_LIST_DISTRIBUTIONS = (
    "import json, importlib.metadata as m;"
    "print(json.dumps(sorted({(d.metadata['Name'], d.version) for d in m.distributions() if d.metadata['Name']})))"
)


@dataclass
class DepsInput:
    files: list[Path]  # absolute paths handed to the tool
    shown: list[str]  # the same, as reported (relative to the project)
    environment: bool = False


def canonical(name: str) -> str:
    """PEP 503 normalised package name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def gather(run: ScanRun) -> DepsInput:
    settings = run.settings
    if settings.requirements:
        files = [run.project_path(f) for f in settings.requirements]
        missing = [f for f, path in zip(settings.requirements, files, strict=True) if not path.is_file()]
        if missing:
            raise ScanFailure(f"requirements file {missing[0]!r} (from [tool.qa.security] requirements) "
                              f"does not exist in {run.project}")
        return DepsInput(files, list(settings.requirements))
    if not settings.audit_environment:
        found = sorted(run.project.glob("requirements*.txt")) + sorted(run.project.glob("requirements/*.txt"))
        if found:
            return DepsInput(found, [p.relative_to(run.project).as_posix() for p in found])
    listing = run.folder / ENVIRONMENT_TXT
    write_text(listing, "".join(f"{name}=={version}\n" for name, version in _installed(run)))
    return DepsInput([listing], ["installed environment"], environment=True)


def _installed(run: ScanRun) -> list[tuple[str, str]]:
    """The project interpreter's distributions, without the project itself."""
    python = project_python(run.config.python)
    try:
        done = subprocess.run([python, "-c", _LIST_DISTRIBUTIONS], capture_output=True, text=True, timeout=120,
                              check=False)
        pairs = json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ScanFailure(f"cannot list the packages installed for `{python}`: {exc}", "missing-tool") from None
    except (IndexError, json.JSONDecodeError):
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ScanFailure(f"cannot list the packages installed for `{python}`: {detail}", "missing-tool") from None
    own = _project_name(run.project)
    return [(name, version) for name, version in pairs if canonical(name) != own]


def _project_name(project: Path) -> str | None:
    try:
        name = read_toml(project / "pyproject.toml")["project"]["name"]
    except (OSError, QaError, KeyError, TypeError):
        return None
    return canonical(name) if isinstance(name, str) else None


def locate(inputs: DepsInput, package: str, project: Path, reported: str | None = None) -> tuple[str | None,
                                                                                                int | None]:
    """Where `package` is pinned: (file relative to the project, line), for annotations and SARIF.

    The file the tool reported is searched first, then every input. Packages of the installed
    environment point at the project's pyproject.toml, when it has one.
    """
    if inputs.environment:
        return ("pyproject.toml", None) if (project / "pyproject.toml").is_file() else (None, None)
    candidates = list(zip(inputs.files, inputs.shown, strict=True))
    if reported:
        candidates.insert(0, (project / reported, reported))
    wanted = canonical(package)
    for path, shown in candidates:
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for number, line in enumerate(lines, 1):
            match = _NAME.match(line.split("#", 1)[0])
            if match and canonical(match.group(1)) == wanted:
                return shown, number
    return reported or inputs.shown[0], None
