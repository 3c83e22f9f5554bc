from __future__ import annotations

import json
from pathlib import Path

import click

from ..config import QaConfig
from ..errors import EXIT_OK
from .options import env_option, project_option, selection, tiers_option


@click.command()
@project_option
@tiers_option
@click.option("--all", "every", is_flag=True,
              help="Every configured tier, disabled ones too (nightly runs); not the seed tiers the project has"
                   " no tests for.")
@click.option("--shards", help="Shards per tier, e.g. `unit=4,integration=2`; other tiers run as one job.")
@env_option
@click.option("--explain", is_flag=True,
              help="Say in words what was detected and why: tiers and their paths, source, pytest configuration,"
                   " interpreter, install command, plugins, and what test-impact selection would run. Prints no"
                   " matrix.")
@click.option("--base", metavar="REF", help="With --explain: the change a tier with select = \"affected\" is"
                                              " compared with (default on a pull request: its base commit).")
def plan(project: Path, tiers: str | None, every: bool, shards: str | None, environment: str | None,
         explain: bool, base: str | None) -> int:
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
    if explain:
        click.echo(_explanation(config, tiers), nl=False)
        from ..github_env import untrusted

        click.echo(untrusted(_selection_text(config, tiers, base)), nl=False)  # test names come from the project
        return EXIT_OK
    env = resolve_environment(config, environment)
    chosen = selection(tiers)
    if chosen is None:  # not given, or `all`
        names = config.planned_tiers() if every else config.enabled_tiers()
    else:
        names = config.select_tiers(chosen) if chosen else []
    if chosen:
        refuse_disallowed(env, names)
    names = [name for name in config.runnable(names) if env.allows(name)]  # `qa collect` reads external tiers
    entries = build_matrix(config, names, parse_shards(shards))
    matrix = json.dumps(matrix_json(entries))
    write_outputs({"matrix": matrix, "tiers": ",".join(names)})
    click.echo(matrix)
    return EXIT_OK


def _named_tiers(config: QaConfig, tiers: str | None) -> list[str]:
    """The tiers --tiers names for --explain (every enabled one when it names none)."""
    chosen = selection(tiers)
    return config.enabled_tiers() if chosen is None else config.select_tiers(chosen) if chosen else []


def _explanation(config: QaConfig, tiers: str | None) -> str:
    from ..config.detect.install import detect_install, detect_python_version
    from ..errors import QaError
    from ..fsutil import read_toml
    from ..project.interpreter import probe, project_python
    from ..render.explain import ProjectFacts, explain_text
    from ..tiers.plugins import plugin_requirements

    python = project_python(config.python)
    modules: frozenset[str] = frozenset()
    try:
        found = probe(python)
        interpreter, modules = f"Python {'.'.join(map(str, found.version))} at {found.executable}", found.modules
    except QaError as exc:
        interpreter = f"{python}: {exc}"
    names = _named_tiers(config, tiers)
    document = read_toml(config.source) if config.source.is_file() else {}
    configured = isinstance(document.get("tool"), dict) and "qa" in document["tool"]
    plan = detect_install(config.project)
    version, version_why = detect_python_version(config.project)
    return explain_text(config, ProjectFacts(interpreter, configured, (plan.command, plan.why),
                                             plugin_requirements(config, names, modules)[0],
                                             f"{version or 'any (the setup takes 3.12)'} ({version_why})"))


def _selection_text(config: QaConfig, tiers: str | None, base: str | None) -> str:
    """What each tier with `select = "affected"` would run for the change, and why (docs/impact.md)."""
    from ..impact.tier import plan_impact
    from ..pipeline import impact_request
    from ..project.interpreter import probe, project_python

    selecting = [name for name in _named_tiers(config, tiers) if config.tiers[name].select == "affected"]
    if not selecting:
        return ""
    import sys

    from ..errors import QaError

    request = impact_request(base)
    try:
        version = probe(project_python(config.python)).version
    except QaError:
        version = sys.version_info  # the interpreter's problem is in the explanation above
    lines = ["test-impact selection:"]
    for name in selecting:
        if request.base is None:
            lines.append(f"  {name}: no base to compare with (--base REF): a full run that records the impact map")
            continue
        made = plan_impact(config, name, base=request.base, full_run=request.full_run,
                           python=f"{version[0]}.{version[1]}")
        if made is None:
            continue
        lines.append(f"  {name}: {made.record.explanation}")
        lines += [f"    {test}" for test in (made.targets or [])[:LISTED]]
        if made.targets and len(made.targets) > LISTED:
            lines.append(f"    … and {len(made.targets) - LISTED} more")
    return "\n".join(lines) + "\n"


LISTED = 20  # selected tests and files --explain names
