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
    Also the plugins the tests visibly use (`async def test` or the asyncio marker: pytest-asyncio;
    the `mocker` fixture: pytest-mock; `@given`: hypothesis) unless the project declares them or its
    interpreter has them; why each is added (or not) goes to stderr.
    """
    from ..config import load_config
    from ..errors import QaError
    from ..project.interpreter import MissingTool, probe, project_python
    from ..tiers.plugins import plugin_requirements

    config = load_config(project)
    chosen = selection(tiers)
    names = config.planned_tiers() if chosen is None else config.select_tiers(chosen) if chosen else []
    python = project_python(config.python)
    try:
        has_modules = probe(python).modules
    except MissingTool:  # no interpreter yet: what the tests use is needed
        has_modules = frozenset()
    requirements, notes = plugin_requirements(config, names, has_modules)
    for note in notes:
        click.echo(f"qa plugins: {note}", err=True)
    if not install:
        click.echo("\n".join(requirements))
        return EXIT_OK
    requirements = _not_satisfied(python, requirements)
    if not requirements:
        click.echo(f"{python} already has every plugin the tiers need", err=True)
        return EXIT_OK
    command = [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", *requirements]
    click.echo(f"installing into {python}: {' '.join(requirements)}", err=True)
    try:
        done = subprocess.run(command, cwd=project, check=False)
    except OSError as exc:
        raise QaError(f"cannot run {python}: {exc}") from None
    if done.returncode != 0:
        raise QaError(f"installing {' '.join(requirements)} into {python} failed (pip exit code {done.returncode})")
    return EXIT_OK


def _not_satisfied(python: str, requirements: list[str]) -> list[str]:
    """The requirements `python` does not already meet by name and version (extras and URLs: pip decides)."""
    from packaging.requirements import InvalidRequirement, Requirement

    from ..project.interpreter import installed_versions

    parsed = {}
    for line in requirements:
        try:
            parsed[line] = Requirement(line)
        except InvalidRequirement:  # not a plain requirement (a URL, an option): pip decides
            parsed[line] = None
    versions = installed_versions(python, [r.name for r in parsed.values() if r is not None])
    return [line for line, req in parsed.items()
            if req is None or req.extras or req.url or req.name not in versions
            or not req.specifier.contains(versions[req.name], prereleases=True)]
