from __future__ import annotations

from pathlib import Path

import click

from ..errors import QaError
from .options import (
    base_option,
    env_option,
    fail_on_failures_option,
    fail_on_option,
    quiet_option,
    results_option,
    selection,
    tiers_option,
    verdict_exit,
)


@click.command()
@click.argument("project", type=click.Path(path_type=Path, file_okay=False), default=Path())
@tiers_option
@click.option("--scans", "-s", help="Scans to run, comma- or space-separated: bandit, deps (or the name of its tool,"
                                    " safety or pip-audit), test-data; `all` for every enabled scan, `none` for none.")
@env_option
@results_option
@base_option
@quiet_option
@fail_on_option
@fail_on_failures_option
def run(project: Path, tiers: str | None, scans: str | None, environment: str | None, results: Path | None,
        base: str | None, quiet: bool, fail_on: str | None, fail_on_failures: str | None) -> int:
    """Run every tier and scan of PROJECT, then collect, gate and print the table.

    Without --tiers and --scans every enabled tier and scan runs. --tiers alone runs those tiers
    and no scan; --scans alone runs those scans and every enabled tier (`--scans none`: the tiers
    without scans); both: what each names. Each takes names separated by commas or spaces, `all`
    (every enabled one) or `none`. When that selects nothing at all (`--tiers none --scans none`,
    or every tier and scan disabled), qa says so and exits 2. Tiers named with --tiers that the
    environment does not allow are refused (exit 2); otherwise those tiers are reported as skipped.
    """
    from ..config import load_config
    from ..layout import RESULTS_JSON
    from ..pipeline import record_history, run_everything
    from ..project.environment import refuse_disallowed, resolve_environment
    from ..render.console import report
    from ..security.runner import select_scans
    from ..terminal import show

    config = load_config(project, fail_on, fail_on_failures)  # type: ignore[arg-type]
    env = resolve_environment(config, environment)
    # --tiers alone: no scans; --scans alone: every enabled tier too (the tiers are the run, scans add to it)
    tier_names = selection(tiers)
    scan_names = selection(scans) if scans is not None else (None if tiers is None else [])
    names = [] if tier_names == [] else config.select_tiers(tier_names)
    if tier_names:
        refuse_disallowed(env, names)
    kinds = [] if scan_names == [] else select_scans(config, scan_names)
    if not names and not kinds:
        raise QaError(_nothing_to_run(config.source, tiers, scans))
    folder = config.results_path(results)
    outcome, log = run_everything(config, names, kinds, folder, env, echo=not quiet, base=base)
    click.echo()
    show(report(outcome))
    click.echo(f"results: {folder / RESULTS_JSON} · problems: {log}")
    if config.history.record:
        click.echo(record_history(config, folder))
    return verdict_exit(outcome.verdict)


def _nothing_to_run(source: Path, tiers: str | None, scans: str | None) -> str:
    """Why a run would test nothing, and how to select something."""
    how = "name tiers with --tiers (unit,smoke or all) or scans with --scans (bandit,deps or all)"
    if tiers is None and scans is None:
        return f"nothing to run: every tier and scan is disabled in {source}; enable one there, or {how}"
    return f"nothing to run: --tiers {tiers or 'not given'} and --scans {scans or 'not given'} select no " \
           f"enabled tier and no scan; {how}"
