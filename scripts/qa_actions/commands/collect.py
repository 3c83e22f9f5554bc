from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_OK
from .options import base_option, project_option, results_option


@click.command()
@project_option
@results_option
@base_option
def collect(project: Path, results: Path | None, base: str | None) -> int:
    """Turn the raw reports under the results folder into results.json (merges matrix jobs' folders)."""
    from ..config import load_config
    from ..layout import RESULTS_JSON
    from ..pipeline import collect_results

    config = load_config(project)
    folder = config.results_path(results)
    outcome = collect_results(config, folder, base)
    click.echo(f"collected {len(outcome.tiers)} tiers and {len(outcome.scans)} scans into {folder / RESULTS_JSON}"
               f" (verdict: {outcome.verdict})")
    return EXIT_OK
