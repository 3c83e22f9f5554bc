from __future__ import annotations

from pathlib import Path

import click

from .options import fail_on_option, project_option, results_option, verdict_exit


@click.command()
@project_option
@results_option
@fail_on_option
@click.option("--coverage-only", is_flag=True,
              help="Exit 1 only for missed coverage gates (other problems are still logged).")
def gate(project: Path, results: Path | None, fail_on: str | None, coverage_only: bool) -> int:
    """Apply the gates to results.json, write .errors/, exit 1 when a gate fails.

    In a GitHub Actions step it also sets the outputs of `qa report` (docs/publishing.md): `verdict`
    (with --coverage-only, that of the coverage gates), the test counts, `problems-<category>`,
    `coverage` (a JSON object of each tier's line coverage) and `coverage-<tier>`.
    """
    from ..config import load_config
    from ..evaluate.gates import coverage_verdict
    from ..github_env import untrusted, write_outputs
    from ..pipeline import gate_results
    from ..render.console import render_table
    from ..render.outputs import render_outputs

    config = load_config(project, fail_on)
    outcome = gate_results(config, config.results_path(results))
    verdict = coverage_verdict(outcome, config.fail_on) if coverage_only else outcome.verdict
    write_outputs({**render_outputs(outcome), "verdict": verdict})
    # names and messages come from the results: printed so that none of them is a workflow command
    click.echo(untrusted(render_table(outcome) + f"problems: {config.errors_path}\n"), nl=False)
    return verdict_exit(verdict)
