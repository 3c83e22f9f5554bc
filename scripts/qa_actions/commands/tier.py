from __future__ import annotations

import shlex
from pathlib import Path

import click

from ..manifest import Shard
from .options import (
    env_option,
    fail_on_option,
    history_option,
    project_option,
    quiet_option,
    results_option,
    verdict_exit,
)


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> Shard | None:
    if value is None:
        return None
    try:
        return Shard.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


@click.command()
@click.argument("name")
@project_option
@env_option
@results_option
@quiet_option
@fail_on_option
@click.option("--pytest-args", default="", help="More pytest arguments (shell syntax), after the tier's own.")
@click.option("--shard", callback=_shard, metavar="K/N",
              help="Run only the K-th of N parts of the tier, balanced by duration (pytest-split); writes"
                   " <results>/<NAME>-<K>of<N>/. `qa collect` merges the parts and applies the coverage gate.")
@click.option("--base", metavar="REF",
              help="For a tier with select = \"affected\": run the tests the change since REF can break"
                   " (docs/impact.md). Default on GitHub: a pull request's base commit; else a full run that"
                   " records the impact map.")
@click.option("--full-run", is_flag=True, help="Run every test even where select = \"affected\" (also QA_FULL_RUN=true,"
                                               " or the pull request's label qa:full-run).")
@history_option
def tier(name: str, project: Path, environment: str | None, results: Path | None, quiet: bool, fail_on: str | None,
         pytest_args: str, shard: Shard | None, base: str | None, full_run: bool, history_file: Path | None) -> int:
    """Run one tier NAME with pytest; writes <results>/<NAME>/junit.xml, coverage.json and tier.json.

    Exits 1 when the tier's tests fail, it cannot run, or its coverage is under its gate (the gate
    of a shard is applied by `qa collect`, over all shards); exits 2 when the environment does not
    allow the tier (production runs smoke only by default) or --shard is not K/N with 1 <= K <= N.
    """
    from ..project.interpreter import prefetch, project_python

    prefetch(project_python(None))  # most projects name no interpreter: ask it while the config loads
    from ..config import load_config
    from ..project.environment import refuse_disallowed, resolve_environment

    config = load_config(project, fail_on)
    config.select_tiers([name])
    if config.tiers[name].kind == "external":
        raise click.BadParameter(f"tier {name} is an external tier: another tool runs its tests, and `qa collect`"
                                 " reads their reports", param_hint="'NAME'")
    if shard is not None and config.tiers[name].kind == "load":
        raise click.BadParameter(f"tier {name} is a load tier, one locust run: only pytest tiers are sharded",
                                 param_hint="'--shard'")
    prefetch(project_python(config.python))  # a no-op unless `[tool.qa] python` names another one
    env = resolve_environment(config, environment)
    refuse_disallowed(env, [name])

    from ..pipeline import impact_request, run_one_tier

    run, manifest, outcome = run_one_tier(config, name, config.results_path(results), echo=not quiet, environment=env,
                                          extra_args=_split(pytest_args), shard=shard,
                                          impact=impact_request(base, full_run, history_file))
    from ..render.console import report
    from ..terminal import show

    click.echo()
    show(report(outcome))
    if shard is not None:
        click.echo(f"shard {shard.label} of {name} in {run.folder} (timings: {manifest.shard_timings or 'not used'});"
                   f" `qa collect` merges all {shard.count} shards and applies the coverage gate")
    return verdict_exit(outcome.verdict)


def _split(text: str) -> list[str]:
    from ..errors import QaError

    try:
        return shlex.split(text)
    except ValueError as exc:
        raise QaError(f"--pytest-args: {exc}") from None
