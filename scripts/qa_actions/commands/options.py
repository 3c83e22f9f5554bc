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
quiet_option = click.option(
    "--quiet", "-q", is_flag=True, help="Do not echo tool output (it is still in each output.log).")
tiers_option = click.option("--tiers", "-t", help="Comma-separated tiers (default: every enabled tier).")
fail_on_option = click.option(
    "--fail-on", type=click.Choice(["critical", "high", "medium", "low"]), envvar="QA_FAIL_ON",
    help="The least severe problem category that fails the verdict (default: `fail-on` in [tool.qa]; "
         "env QA_FAIL_ON).")


def names_list(text: str | None) -> list[str]:
    """`unit, smoke` -> ["unit", "smoke"]."""
    return [name.strip() for name in (text or "").split(",") if name.strip()]


def verdict_exit(verdict: str) -> int:
    return EXIT_GATE_FAILED if verdict == "failed" else EXIT_OK
