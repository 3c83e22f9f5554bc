from __future__ import annotations

from pathlib import Path

import click

from .options import base_option, quiet_option, results_option, verdict_exit


@click.command()
@click.argument("project", type=click.Path(path_type=Path, file_okay=False), default=Path())
@click.option("--tiers", "-t", help="Comma-separated tiers to run (default: every enabled tier).")
@results_option
@base_option
@quiet_option
def run(project: Path, tiers: str | None, results: Path | None, base: str | None, quiet: bool) -> int:
    """Run every tier of PROJECT, then collect, gate and print the table."""
    from ..config import load_config
    from ..errorlog import write_error_log
    from ..pipeline import collect_results, errors_dir, fresh_results, results_dir, run_tiers
    from ..render.console import render_table

    config = load_config(project)
    names = config.select_tiers([n.strip() for n in tiers.split(",") if n.strip()] if tiers else None)
    folder = results_dir(config, results)
    fresh_results(folder)
    run_tiers(config, names, folder, echo=not quiet)
    outcome = collect_results(config, folder, base)
    log = write_error_log(outcome, errors_dir(config))
    click.echo("\n" + render_table(outcome), nl=False)
    click.echo(f"results: {folder / 'results.json'} · problems: {log}")
    return verdict_exit(outcome.verdict)
