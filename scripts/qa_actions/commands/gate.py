from __future__ import annotations

from pathlib import Path

import click

from .options import project_option, results_option, verdict_exit


@click.command()
@project_option
@results_option
def gate(project: Path, results: Path | None) -> int:
    """Apply the gates to results.json, write .errors/, exit 1 when a gate fails."""
    from ..config import load_config
    from ..pipeline import gate_results
    from ..render.console import render_table

    config = load_config(project)
    outcome = gate_results(config, config.results_path(results))
    click.echo(render_table(outcome), nl=False)
    click.echo(f"problems: {config.errors_path}")
    return verdict_exit(outcome.verdict)
