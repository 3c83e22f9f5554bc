from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import EXIT_OK
from .options import env_option, project_option, selection, tiers_option


@click.command()
@project_option
@tiers_option
@click.option("--all", "every", is_flag=True, help="Every configured tier, disabled ones too (nightly runs).")
@click.option("--shards", help="Shards per tier, e.g. `unit=4,integration=2`; other tiers run as one job.")
@env_option
def plan(project: Path, tiers: str | None, every: bool, shards: str | None, environment: str | None) -> int:
    """Print the job matrix of a workflow run as JSON: one entry per tier, or per shard of a tier.

    Tiers the environment does not allow (production: smoke only) are left out, or refused (exit 2)
    when --tiers names them. In a GitHub Actions step it also sets the outputs `matrix` (for
    `strategy.matrix`) and `tiers`.
    """
    from ..config import load_config
    from ..github_env import write_outputs
    from ..project.environment import refuse_disallowed, resolve_environment
    from ..tiers.plan import build_matrix, matrix_json, parse_shards

    config = load_config(project)
    env = resolve_environment(config, environment)
    chosen = selection(tiers)
    if chosen is None:  # not given, or `all`
        names = list(config.tiers) if every else config.enabled_tiers()
    else:
        names = config.select_tiers(chosen) if chosen else []
    if chosen:
        refuse_disallowed(env, names)
    names = [name for name in names if env.allows(name)]
    entries = build_matrix(config, names, parse_shards(shards))
    matrix = json.dumps(matrix_json(entries))
    write_outputs({"matrix": matrix, "tiers": ",".join(names)})
    click.echo(matrix)
    return EXIT_OK
