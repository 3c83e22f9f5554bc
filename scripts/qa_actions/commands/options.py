"""Options shared by several sub-commands, so each is spelled and documented once."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_GATE_FAILED, EXIT_OK

project_option = click.option(
    "--project", "-p", type=click.Path(path_type=Path, file_okay=False), default=Path(), show_default=True,
    help="The project directory (holds pyproject.toml).")
results_option = click.option(
    "--results", "-r", type=click.Path(path_type=Path, file_okay=False), default=None,
    help="Results folder. Default: `results-dir` from [tool.qa], qa-results/ in the project.")
env_option = click.option(
    "--env", "-e", "environment", default=None, metavar="NAME",
    help="Environment to test against: development, staging, production or one of [tool.qa.environments]"
         " (default: `environment` in [tool.qa], else development). Selects tests/data/NAME.")
quiet_option = click.option(
    "--quiet", "-q", is_flag=True, help="Do not echo tool output (it is still in each output.log).")


def verdict_exit(verdict: str) -> int:
    return EXIT_GATE_FAILED if verdict == "failed" else EXIT_OK
