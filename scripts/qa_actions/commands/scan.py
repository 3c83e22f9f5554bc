from __future__ import annotations

from pathlib import Path

import click

from ..config.security import SCAN_KINDS
from ..errors import EXIT_OK, QaError
from .options import project_option, results_option, selection, verdict_exit


@click.command()
@project_option
@results_option
@click.option("--only", metavar="SCANS",
              help=f"The scans to run, comma- or space-separated: {', '.join(SCAN_KINDS)} (bandit: the code; deps,"
                   " or the name of its tool, safety or pip-audit: the dependencies; test-data); `all` for every"
                   " enabled scan (the default), `none` for none.")
@click.option("--update-baseline", is_flag=True,
              help="Accept bandit's current findings: write them to the baseline file (default .bandit-baseline.json).")
def scan(project: Path, results: Path | None, only: str | None, update_baseline: bool) -> int:
    """Run the security scans: bandit over the code, safety or pip-audit over the dependencies.

    Writes <results>/security/<scan>/ (the tool's report, output.log, scan.json) and
    <results>/security.sarif. Exits 1 when a finding or a scan that could not run is at or
    above `fail-on`.
    """
    from ..config import load_config
    from ..layout import SECURITY_DIR
    from ..pipeline import scan_project
    from ..render.console import report
    from ..security.baseline import DEFAULT_BASELINE
    from ..security.runner import select_scans
    from ..terminal import show

    config = load_config(project)
    chosen = selection(only)
    kinds = [] if chosen == [] else select_scans(config, chosen)
    if update_baseline and "bandit" not in kinds:
        raise QaError("--update-baseline needs the bandit scan (it is off in [tool.qa.security])")
    if not kinds:
        click.echo("no security scans to run: " + ("--only none" if chosen == [] else
                                                   "[tool.qa.security] turns them all off"))
        return EXIT_OK
    folder = config.results_path(results)
    outcome, sarif = scan_project(config, kinds, folder, update_baseline=update_baseline)
    click.echo()
    show(report(outcome))
    if update_baseline and outcome.scans["bandit"].status != "error":
        click.echo(f"baseline written: {config.project / (config.security.baseline or DEFAULT_BASELINE)}")
    click.echo(f"reports: {folder / SECURITY_DIR} · SARIF: {sarif}")
    return verdict_exit(outcome.verdict)
