"""Install qa-actions into its own virtual environment, once per job.

docs/design.md: qa runs from its own environment, never the project's. The actions run this file as a
plain script before `qa` exists, so it uses the standard library only. It reuses the environment
when an earlier step of the job (or of another job on a self-hosted runner) already made it:

    python scripts/qa_actions/bootstrap.py [--project-python PATH]

Exports `QA` (the qa executable) and, when given, `QA_PYTHON` (the project's interpreter) to
`$GITHUB_ENV`, and the step output `qa`. The setup action runs it before the project's Python exists
(qa chooses that Python's version from the project's files), then again with `--project-python`.
`QA_ACTIONS_VENV` names an environment to use instead of one under `$RUNNER_TEMP` (for runners that
bake it into their image).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

MIN_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parents[2]


class BootstrapError(Exception):
    """Installing qa-actions failed; reported as one line and exit code 2."""


def venv_path(root: Path, env: Mapping[str, str]) -> Path:
    """`$QA_ACTIONS_VENV`, else one environment per qa-actions checkout under the job's temp folder."""
    if env.get("QA_ACTIONS_VENV"):
        return Path(env["QA_ACTIONS_VENV"])
    digest = hashlib.sha256(str(root).encode()).hexdigest()[:12]
    return Path(env.get("RUNNER_TEMP") or tempfile.gettempdir()) / f"qa-actions-{digest}"


def executable(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / (name + (".exe" if os.name == "nt" else ""))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Parallel jobs on one runner sharing `QA_ACTIONS_VENV` must not build it twice at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            import fcntl
        except ImportError:  # Windows runners run one job at a time
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _works(qa: Path) -> bool:
    if not qa.is_file():
        return False
    done = subprocess.run([str(qa), "--version"], capture_output=True, text=True, check=False)
    return done.returncode == 0


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, check=False)
    if done.returncode != 0:
        raise BootstrapError(f"{what} failed with exit code {done.returncode}: {' '.join(command)}")


def ensure_installed(root: Path, venv: Path, python: str) -> Path:
    """The qa executable in `venv`, creating the environment from `root` with `python` if needed."""
    qa = executable(venv, "qa")
    with _locked(venv.with_name(venv.name + ".lock")):
        if _works(qa):
            return qa
        print(f"qa-actions: creating its environment in {venv}", file=sys.stderr)
        _run([python, "-m", "venv", "--clear", str(venv)], "creating the virtual environment")
        _run([str(executable(venv, "python")), "-m", "pip", "install", "--disable-pip-version-check",
              "--no-input", str(root)], "installing qa-actions")
        if not _works(qa):
            raise BootstrapError(f"{qa} does not run after installing qa-actions from {root}")
    return qa


def _append(env: Mapping[str, str], variable: str, lines: list[str]) -> None:
    target = env.get(variable)
    if target:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.writelines(line + "\n" for line in lines)


def main(argv: list[str] | None = None, env: Mapping[str, str] = os.environ) -> int:
    parser = argparse.ArgumentParser(description="Install qa-actions into its own environment.")
    parser.add_argument("--project-python", help="the project's interpreter, exported as QA_PYTHON")
    args = parser.parse_args(argv)
    try:
        if sys.version_info < MIN_PYTHON:
            raise BootstrapError(
                f"qa-actions needs Python {'.'.join(map(str, MIN_PYTHON))} or newer to run, and {sys.executable} is"
                f" {sys.version.split()[0]}: run the qa-actions setup action first in this job")
        qa = ensure_installed(ROOT, venv_path(ROOT, env), sys.executable)
    except (BootstrapError, OSError) as exc:
        print(f"::error title=qa-actions setup::{exc}", file=sys.stderr)
        return 2
    exported = [f"QA={qa}"] + ([f"QA_PYTHON={args.project_python}"] if args.project_python else [])
    _append(env, "GITHUB_ENV", exported)
    _append(env, "GITHUB_OUTPUT", [f"qa={qa}"])
    print(f"qa-actions: {qa}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
