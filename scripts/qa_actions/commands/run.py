from __future__ import annotations

from pathlib import Path

import click

from .options import (
    base_option,
    env_option,
    fail_on_option,
    names_list,
    quiet_option,
    results_option,
    tiers_option,
    verdict_exit,
)


@click.command()
@click.argument("project", type=click.Path(path_type=Path, file_okay=False), default=Path())
@tiers_option
@click.option("--scans", "-s", help="Comma-separated scans to run: bandit, deps, test-data; `all` for every enabled"
                                    " scan, `none` for none.")
@env_option
@results_option
@base_option
@quiet_option
@fail_on_option
def run(project: Path, tiers: str | None, scans: str | None, environment: str | None, results: Path | None,
        base: str | None, quiet: bool, fail_on: str | None) -> int:
    """Run every tier and scan of PROJECT, then collect, gate and print the table.

    Without --tiers and --scans every enabled tier and scan runs; with either, only what they name.
    `all` names every enabled tier (or scan), `none` none: `--tiers all --scans none` runs the tiers
    alone. Tiers named with --tiers that the environment does not allow are refused (exit 2);
    otherwise those tiers are reported as skipped.
    """
    from ..config import load_config
    from ..layout import RESULTS_JSON
    from ..pipeline import record_history, run_everything
    from ..project.environment import refuse_disallowed, resolve_environment
    from ..render.console import render_table
    from ..security.runner import select_scans

    config = load_config(project, fail_on)
    env = resolve_environment(config, environment)
    everything = tiers is None and scans is None
    tier_names, scan_names = _chosen(tiers, everything), _chosen(scans, everything)
    names = [] if tier_names == [] else config.select_tiers(tier_names)
    if tier_names:
        refuse_disallowed(env, names)
    kinds = [] if scan_names == [] else select_scans(config, scan_names)
    folder = config.results_path(results)
    outcome, log = run_everything(config, names, kinds, folder, env, echo=not quiet, base=base)
    click.echo("\n" + render_table(outcome), nl=False)
    click.echo(f"results: {folder / RESULTS_JSON} · problems: {log}")
    if config.history.record:
        click.echo(record_history(config, folder))
    return verdict_exit(outcome.verdict)


def _chosen(text: str | None, everything: bool) -> list[str] | None:
    """What --tiers or --scans selects: None for every enabled one, else the names ([] for none)."""
    if text is None:
        return None if everything else []
    if text.strip() in ("all", "none"):
        return None if text.strip() == "all" else []
    return names_list(text)
