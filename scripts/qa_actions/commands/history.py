from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from ..errors import EXIT_OK
from .options import history_option, project_option, results_option


@click.group()
def history() -> None:
    """Record runs in the history file (SQLite) that the dashboard and the PR comment's deltas read."""


@history.command()
@project_option
@results_option
@history_option
def add(project: Path, results: Path | None, history_file: Path | None) -> int:
    """Append the run in the results folder (results.json and the tiers' JUnit reports) to the history.

    A run already in the history (same run id) is replaced. The file is created when missing and
    migrated (after a backup copy) when an older qa-actions wrote it. In a GitHub Actions step it
    also sets the output `history`, the file's path (for a later step that keeps it).
    """
    from ..config import load_config
    from ..github_env import untrusted, write_outputs
    from ..pipeline import record_history

    config = load_config(project)
    target = config.history.path(config.project, history_file)
    said = record_history(config, config.results_path(results), target)
    write_outputs({"history": str(target)})
    click.echo(untrusted(said + "\n"), nl=False)  # the branch and run id come from results
    return EXIT_OK


@history.command()
@project_option
@history_option
def info(project: Path, history_file: Path | None) -> int:
    """Show what the history holds: format version, runs, branches and time span."""
    from ..config import load_config
    from ..history.store import open_history

    config = load_config(project)
    target = config.history.path(config.project, history_file)
    with open_history(target) as store:
        summary = store.summary()
    click.echo(f"history: {target} (format {summary.format})")
    click.echo(f"runs: {summary.runs} ({summary.runs_with_tests} with per-test outcomes), tests: {summary.tests}")
    from ..github_env import untrusted

    branches = ", ".join(b or "(none)" for b in summary.branches) or "none"
    click.echo(untrusted(f"branches: {branches}\n"), nl=False)
    if summary.first is not None and summary.last is not None:
        click.echo(f"from {_when(summary.first)} to {_when(summary.last)}")
    return EXIT_OK


def _when(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")
