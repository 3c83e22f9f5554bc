from __future__ import annotations

from pathlib import Path

import click

from .options import project_option, quiet_option, results_option, verdict_exit


@click.command()
@click.argument("name")
@project_option
@results_option
@quiet_option
def tier(name: str, project: Path, results: Path | None, quiet: bool) -> int:
    """Run one tier NAME with pytest; writes <results>/<NAME>/junit.xml, coverage.json and tier.json.

    Exits 1 when the tier's tests fail, it cannot run, or its coverage is under its gate.
    """
    from ..collect import merge_tier, read_part
    from ..config import load_config
    from ..evaluate import evaluate
    from ..model import RunResult
    from ..pipeline import results_dir
    from ..render.console import render_table
    from ..runinfo import current_run
    from ..tier_runner import TierRun, run_tier

    config = load_config(project)
    config.select_tiers([name])
    folder = results_dir(config, results)
    run_tier(TierRun(config, name, folder, echo=not quiet))
    tier_result = merge_tier(name, [read_part(folder / name)], folder)
    outcome = RunResult(run=current_run(config.project), tiers={name: tier_result})
    evaluate(outcome, config.categories, config.fail_on, config.quarantine())
    click.echo("\n" + render_table(outcome), nl=False)
    return verdict_exit(outcome.verdict)
