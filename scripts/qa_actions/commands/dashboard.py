from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_OK
from .options import history_option, project_option, results_option


@click.command()
@project_option
@results_option
@history_option
@click.option("--out", "-o", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder for index.html. Default: dashboard/ in the results folder, where `qa report` links to it.")
@click.option("--base-branch", help="Branch whose runs make the headline and the tier statistics."
                                    " Default: `base-branch` from [tool.qa.history], main.")
@click.option("--window", type=click.IntRange(min=2), help="Runs the statistics and flaky tests look at."
                                                            " Default: `window` from [tool.qa.history], 50.")
def dashboard(project: Path, results: Path | None, history_file: Path | None, out: Path | None,
              base_branch: str | None, window: int | None) -> int:
    """Write the dashboard of the history: one self-contained index.html (no network needed to view it),
    and its status and coverage badges in badges/ beside it (SVG, and JSON for a shields.io endpoint).

    In a GitHub Actions step it also sets the output `dashboard`, the folder holding index.html.
    """
    from ..config import load_config
    from ..dashboard.build import write_dashboard
    from ..github_env import write_outputs
    from ..layout import default_dashboard_dir

    config = load_config(project)
    settings = config.history
    folder = out if out is not None else default_dashboard_dir(config.results_path(results))
    page, model = write_dashboard(settings.path(config.project, history_file), folder,
                                  base_branch or settings.base_branch, window or settings.window)
    write_outputs({"dashboard": str(folder)})
    verdict = model.latest.verdict if model.latest else "no runs"
    from ..github_env import untrusted
    from ..text import plural

    runs = plural(model.runs, "run")
    click.echo(untrusted(f"dashboard: {page} ({runs}, {model.base_branch}: {verdict})\n"), nl=False)
    return EXIT_OK
