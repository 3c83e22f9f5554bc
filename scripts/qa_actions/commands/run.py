from __future__ import annotations

from pathlib import Path

import click

from .options import env_option, quiet_option, results_option, verdict_exit


@click.command()
@click.argument("project", type=click.Path(path_type=Path, file_okay=False), default=Path())
@click.option("--tiers", "-t", help="Comma-separated tiers to run (default: every enabled tier).")
@env_option
@results_option
@quiet_option
def run(project: Path, tiers: str | None, environment: str | None, results: Path | None, quiet: bool) -> int:
    """Run every tier of PROJECT and the test-data check, then collect, gate and print the table.

    Tiers named with --tiers that the environment does not allow are refused (exit 2); without
    --tiers, those tiers are reported as skipped.
    """
    from ..config import load_config
    from ..data.check import check_test_data
    from ..environments import refuse_disallowed, resolve_environment
    from ..errorlog import write_error_log
    from ..pipeline import collect_results, fresh_results, run_tiers
    from ..progress import say
    from ..render.console import render_table

    config = load_config(project)
    env = resolve_environment(config, environment)
    names = config.select_tiers([n.strip() for n in tiers.split(",") if n.strip()] if tiers else None)
    if tiers:
        refuse_disallowed(env, names)
    folder = config.results_path(results)
    fresh_results(folder)
    say(f"■ environment {env.name}: data {env.data_dir}{' (read-only)' if env.read_only else ''}")
    run_tiers(config, names, folder, echo=not quiet, environment=env)
    if config.data.check:
        check_test_data(config, folder)
    outcome = collect_results(config, folder)
    log = write_error_log(outcome, config.errors_path)
    click.echo("\n" + render_table(outcome), nl=False)
    click.echo(f"results: {folder / 'results.json'} · problems: {log}")
    return verdict_exit(outcome.verdict)
