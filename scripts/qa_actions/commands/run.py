from __future__ import annotations

from pathlib import Path

import click

from .options import quiet_option, results_option, verdict_exit


@click.command()
@click.argument("project", type=click.Path(path_type=Path, file_okay=False), default=Path())
@click.option("--tiers", "-t", help="Comma-separated tiers to run (default: every enabled tier).")
@results_option
@quiet_option
def run(project: Path, tiers: str | None, results: Path | None, quiet: bool) -> int:
    """Run every tier of PROJECT, then collect, gate and print the table."""
    from ..config import load_config
    from ..errorlog import write_error_log
    from ..pipeline import collect_results, fresh_results, run_tiers
    from ..render.console import render_table

    config = load_config(project)
    names = config.select_tiers([n.strip() for n in tiers.split(",") if n.strip()] if tiers else None)
    folder = config.results_path(results)
    fresh_results(folder)
    run_tiers(config, names, folder, echo=not quiet)
    outcome = collect_results(config, folder)
    log = write_error_log(outcome, config.errors_path)
    click.echo("\n" + render_table(outcome), nl=False)
    click.echo(f"results: {folder / 'results.json'} · problems: {log}")
    if config.history.record:
        from ..history.record import add_results, describe

        history = config.history.path(config.project)
        click.echo(describe(add_results(folder, history, config.history.keep_test_details), history))
    return verdict_exit(outcome.verdict)
