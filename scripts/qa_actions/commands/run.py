from __future__ import annotations

from pathlib import Path

import click

from .options import fail_on_option, names_list, quiet_option, results_option, tiers_option, verdict_exit


@click.command()
@click.argument("project", type=click.Path(path_type=Path, file_okay=False), default=Path())
@tiers_option
@results_option
@quiet_option
@fail_on_option
def run(project: Path, tiers: str | None, results: Path | None, quiet: bool, fail_on: str | None) -> int:
    """Run every tier of PROJECT, then collect, gate and print the table."""
    from ..config import load_config
    from ..errorlog import write_error_log
    from ..pipeline import collect_results, fresh_results, run_tiers
    from ..render.console import render_table

    config = load_config(project, fail_on)
    names = config.select_tiers(names_list(tiers) or None)
    folder = config.results_path(results)
    fresh_results(folder)
    run_tiers(config, names, folder, echo=not quiet)
    outcome = collect_results(config, folder)
    log = write_error_log(outcome, config.errors_path)
    click.echo("\n" + render_table(outcome), nl=False)
    click.echo(f"results: {folder / 'results.json'} · problems: {log}")
    return verdict_exit(outcome.verdict)
