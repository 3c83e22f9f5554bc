from __future__ import annotations

from pathlib import Path

import click

from .options import base_option, env_option, quiet_option, results_option, verdict_exit


def _names(value: str | None) -> list[str] | None:
    return [n.strip() for n in value.split(",") if n.strip()] if value else None


@click.command()
@click.argument("project", type=click.Path(path_type=Path, file_okay=False), default=Path())
@click.option("--tiers", "-t", help="Comma-separated tiers to run.")
@click.option("--scans", "-s", help="Comma-separated scans to run: bandit, deps, test-data.")
@env_option
@results_option
@base_option
@quiet_option
def run(project: Path, tiers: str | None, scans: str | None, environment: str | None, results: Path | None,
        base: str | None, quiet: bool) -> int:
    """Run every tier and scan of PROJECT, then collect, gate and print the table.

    Without --tiers and --scans every enabled tier and scan runs; with either, only what they name.
    Tiers named with --tiers that the environment does not allow are refused (exit 2); without
    --tiers, those tiers are reported as skipped.
    """
    from ..config import load_config
    from ..environments import refuse_disallowed, resolve_environment
    from ..errorlog import write_error_log
    from ..pipeline import collect_results, fresh_results, run_scans, run_tiers
    from ..progress import say
    from ..render.console import render_table
    from ..security.runner import select_scans

    config = load_config(project)
    env = resolve_environment(config, environment)
    everything = tiers is None and scans is None
    names = config.select_tiers(_names(tiers)) if everything or tiers else []
    if tiers:
        refuse_disallowed(env, names)
    kinds = select_scans(config, _names(scans)) if everything or scans else []
    folder = config.results_path(results)
    fresh_results(folder)
    say(f"■ environment {env.name}: data {env.data_dir}{' (read-only)' if env.read_only else ''}")
    run_tiers(config, names, folder, echo=not quiet, environment=env)
    run_scans(config, kinds, folder)
    outcome = collect_results(config, folder, base)
    log = write_error_log(outcome, config.errors_path)
    click.echo("\n" + render_table(outcome), nl=False)
    click.echo(f"results: {folder / 'results.json'} · problems: {log}")
    if config.history.record:
        from ..history.record import add_results, describe

        history = config.history.path(config.project)
        click.echo(describe(add_results(folder, history, config.history.keep_test_details), history))
    return verdict_exit(outcome.verdict)
