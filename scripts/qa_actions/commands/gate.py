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
    from ..pipeline import errors_dir, gate_results, results_dir
    from ..render.console import render_table

    config = load_config(project)
    outcome = gate_results(config, results_dir(config, results))
    click.echo(render_table(outcome), nl=False)
    click.echo(f"problems: {errors_dir(config)}")
    return verdict_exit(outcome.verdict)
