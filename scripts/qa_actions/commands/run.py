from __future__ import annotations

from pathlib import Path

import click

from .options import quiet_option, results_option, verdict_exit


def _names(value: str | None) -> list[str] | None:
    return [n.strip() for n in value.split(",") if n.strip()] if value else None


@click.command()
@click.argument("project", type=click.Path(path_type=Path, file_okay=False), default=Path())
@click.option("--tiers", "-t", help="Comma-separated tiers to run.")
@click.option("--scans", "-s", help="Comma-separated security scans to run: bandit, deps.")
@results_option
@quiet_option
def run(project: Path, tiers: str | None, scans: str | None, results: Path | None, quiet: bool) -> int:
    """Run every tier and security scan of PROJECT, then collect, gate and print the table.

    Without --tiers and --scans every enabled tier and scan runs; with either, only what they name.
    """
    from ..config import load_config
    from ..errorlog import write_error_log
    from ..pipeline import collect_results, fresh_results, run_scans, run_tiers
    from ..render.console import render_table
    from ..security.runner import select_scans

    config = load_config(project)
    everything = tiers is None and scans is None
    names = config.select_tiers(_names(tiers)) if everything or tiers else []
    kinds = select_scans(config, _names(scans)) if everything or scans else []
    folder = config.results_path(results)
    fresh_results(folder)
    run_tiers(config, names, folder, echo=not quiet)
    run_scans(config, kinds, folder)
    outcome = collect_results(config, folder)
    log = write_error_log(outcome, config.errors_path)
    click.echo("\n" + render_table(outcome), nl=False)
    click.echo(f"results: {folder / 'results.json'} · problems: {log}")
    return verdict_exit(outcome.verdict)
