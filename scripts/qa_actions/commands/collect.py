from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_OK
from .options import base_option, project_option, results_option


@click.command()
@project_option
@results_option
@base_option
@click.option("--junit-files", "junit_files", multiple=True, metavar="[TIER=]GLOB",
              help="JUnit XML reports of another test runner (jest, go test, Maven, mocha…), counted as tier TIER"
                   " (default `external`); relative to the current folder, repeatable, one glob a line. Adds to the"
                   " `junit-files` of an external tier of [tool.qa].")
@click.option("--coverage-files", "coverage_files", multiple=True, metavar="[TIER=]GLOB",
              help="Cobertura XML or LCOV coverage of that tier (a gate: `coverage` of the tier in [tool.qa]).")
def collect(project: Path, results: Path | None, base: str | None, junit_files: tuple[str, ...],
            coverage_files: tuple[str, ...]) -> int:
    """Turn the raw reports under the results folder into results.json (merges matrix jobs' folders), with
    the external tiers' JUnit and coverage reports."""
    from ..config import load_config
    from ..layout import RESULTS_JSON
    from ..pipeline import collect_results, external_reports

    config = load_config(project)
    folder = config.results_path(results)
    outcome = collect_results(config, folder, base, external_reports(config, None, junit_files, coverage_files))
    click.echo(f"collected {len(outcome.tiers)} tiers and {len(outcome.scans)} scans into {folder / RESULTS_JSON}"
               f" (verdict: {outcome.verdict})")
    return EXIT_OK
