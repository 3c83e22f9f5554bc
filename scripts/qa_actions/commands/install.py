from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import click

from ..errors import EXIT_GATE_FAILED, EXIT_OK
from .options import project_option


@click.command()
@project_option
@click.option("--print", "print_only", is_flag=True, help="Print the detected command and why; install nothing.")
@click.option("--python-version", "python_version", is_flag=True,
              help="Print the Python version the project asks for (an empty line when it names none).")
def install(project: Path, print_only: bool, python_version: bool) -> int:
    """Install the project the way it installs itself: uv.lock, poetry.lock, pdm.lock, dependency groups,
    test extras, test requirements files, tox.ini deps, else `pip install -e .` (see docs/detection.md).

    The command runs in the project folder with the project's interpreter (`[tool.qa] python`,
    $QA_PYTHON, or python on PATH) first on PATH, so it installs into that interpreter.
    """
    from ..config.detect.install import detect_install, detect_python_version

    if python_version:
        version, why = detect_python_version(project)
        click.echo(f"python version: {version or 'none'} ({why})", err=True)
        click.echo(version or "")
        return EXIT_OK
    plan = detect_install(project)
    if print_only:
        click.echo(plan.command)
        click.echo(f"why: {plan.why}", err=True)
        return EXIT_OK
    if not plan.command:
        click.echo(f"qa install: {plan.why}", err=True)
        return EXIT_OK
    return _run(project, plan.command, plan.why)


def _run(project: Path, command: str, why: str) -> int:
    from ..config import load_config
    from ..errors import QaError
    from ..project.interpreter import project_python

    configured = project_python(load_config(project).python)
    python = shutil.which(configured)
    if python is None:
        raise QaError(f"the project's interpreter `{configured}` is not found")
    env = dict(os.environ)
    # the interpreter's own folder first: `python` (and pip, uv, poetry installed there) is the project's
    env["PATH"] = os.pathsep.join([str(Path(python).parent), env.get("PATH", "")])
    venv = Path(python).parent.parent
    if (venv / "pyvenv.cfg").is_file():  # poetry and pdm install into the active virtual environment
        env["VIRTUAL_ENV"] = str(venv)
    bash = shutil.which("bash")
    if bash is None:
        raise QaError("qa install runs its command with bash, and bash is not on PATH")
    click.echo(f"qa install: {command}\n  because: {why}\n  into: {python}", err=True)
    try:
        done = subprocess.run([bash, "-euo", "pipefail", "-c", command], cwd=project, env=env, check=False)
    except OSError as exc:
        raise QaError(f"cannot run bash: {exc}") from None
    if done.returncode != 0:
        click.echo(f"qa: error: installing the project failed (exit code {done.returncode}): {command}", err=True)
        return EXIT_GATE_FAILED
    return EXIT_OK
