from __future__ import annotations

from pathlib import Path

import click

from .options import (
    base_option,
    fail_on_failures_option,
    fail_on_option,
    history_option,
    project_option,
    results_option,
    selection,
    verdict_exit,
)


@click.command()
@project_option
@results_option
@fail_on_option
@fail_on_failures_option
@history_option
@click.option("--coverage-only", is_flag=True,
              help="Exit 1 only for missed coverage gates (other problems are still logged); a gated tier "
                   "without coverage data, or no coverage data at all, is a missed gate (`coverage-missing`).")
@click.option("--gates-from", metavar="REF", envvar="QA_GATES_FROM", default=None,
              help="The commit whose [tool.qa] the gates are compared with and, when protected, taken from. "
                   "Default on a pull request: its base commit; else the checkout's own configuration.")
@click.option("--protect-gates/--no-protect-gates", "protect", default=None, envvar="QA_PROTECT_GATES",
              help="Take every gate from the trusted configuration (--gates-from), whatever the results and the "
                   "checkout say. Default: on for reports of workflow_run events and pull requests from forks.")
@click.option("--tiers", "-t", "tiers", default=None,
              help="The tiers the workflow runs, comma- or space-separated, which must all be in the results "
                   "(default or `all`: every enabled tier of the configuration).")
@base_option
@click.option("--head", metavar="REF", default=None,
              help="The commit whose change the changed-lines gate measures when it is not the checkout. Default "
                   "for a workflow_run event: the triggering run's head commit.")
def gate(project: Path, results: Path | None, fail_on: str | None, fail_on_failures: str | None,
         history_file: Path | None, coverage_only: bool, gates_from: str | None, protect: bool | None,
         tiers: str | None, base: str | None, head: str | None) -> int:
    """Apply the gates to results.json, write .errors/, exit 1 when a gate fails.

    The gates come from the configuration, not from the results: every tier it runs must be in them
    (else the critical problem `tier-missing`), its coverage gates apply, and each gate a pull request
    lowers against --gates-from is named (`gate-lowered`). In a GitHub Actions step it also sets the
    outputs of `qa report` (docs/publishing.md): `verdict` (with --coverage-only, that of the coverage
    gates), the test counts, `problems-<category>`, `coverage` and `coverage-<tier>`.
    """
    from ..config import load_config
    from ..evaluate.gates import coverage_verdict
    from ..github_env import read_github_env, untrusted, write_outputs
    from ..pipeline import GateSettings, gate_results
    from ..project.trusted import trusted_side
    from ..render.console import report
    from ..render.outputs import render_outputs
    from ..terminal import show

    config = load_config(project, fail_on, fail_on_failures)  # type: ignore[arg-type]
    event = read_github_env().event
    reported_elsewhere = event.name == "workflow_run"  # a fork's results, reported by the base repository
    if protect is None:
        protect = reported_elsewhere or event.from_fork or bool(event.pull and event.pull.from_fork)
    if gates_from is None and event.pull is not None and not reported_elsewhere:
        gates_from = event.base_sha  # the checkout is the pull request's head: the base commit is trusted
    trusted = trusted_side(project, gates_from, fail_on, fail_on_failures) if gates_from else None
    if protect or base:
        base = base or event.base_sha or ("HEAD" if reported_elsewhere else None)
        head = head or (event.head_sha if reported_elsewhere else None)
    compare = protect or trusted is not None or event.pull is not None  # a pull request's results
    settings = GateSettings(trusted, protect, selection(tiers), base, head, compare, coverage_only, history_file)
    outcome = gate_results(config, config.results_path(results), settings)
    verdict = coverage_verdict(outcome, outcome.fail_on) if coverage_only else outcome.verdict
    write_outputs({**render_outputs(outcome), "verdict": verdict})
    # names and messages come from the results: printed so that none of them is a workflow command
    show(report(outcome))
    click.echo(untrusted(f"problems: {config.errors_path}\n"), nl=False)
    return verdict_exit(verdict)
