from __future__ import annotations

import subprocess
from pathlib import Path

import click

from ..errors import EXIT_OK
from .options import project_option, selection, tiers_option


@click.command()
@project_option
@tiers_option
@click.option("--install", is_flag=True, help="Install them into the project's interpreter with pip.")
def plugins(project: Path, tiers: str | None, install: bool) -> int:
    """Print the pytest plugins the project's tiers need (one requirement a line), or install them.

    They belong in the project's interpreter (`[tool.qa] python`, $QA_PYTHON, or python on PATH),
    not in qa's own environment. Default: what every configured tier needs, disabled ones included.
    """
    from ..config import load_config
    from ..errors import QaError
    from ..project.interpreter import project_python
    from ..tiers.plugins import required_plugins

    config = load_config(project)
    chosen = selection(tiers)
    names = list(config.tiers) if chosen is None else config.select_tiers(chosen) if chosen else []
    requirements = required_plugins(config, names)
    if not install:
        click.echo("\n".join(requirements))
        return EXIT_OK
    python = project_python(config.python)
    command = [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", *requirements]
    click.echo(f"installing into {python}: {' '.join(requirements)}", err=True)
    try:
        done = subprocess.run(command, cwd=project, check=False)
    except OSError as exc:
        raise QaError(f"cannot run {python}: {exc}") from None
    if done.returncode != 0:
        raise QaError(f"installing {' '.join(requirements)} into {python} failed (pip exit code {done.returncode})")
    return EXIT_OK
