from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_OK
from .options import baseline_option, check_prefix_option, comment_key_option, project_option, results_option


@click.command()
@project_option
@results_option
@baseline_option
@comment_key_option
@check_prefix_option
def report(project: Path, results: Path | None, baseline: Path | None, comment_key: str | None,
           check_prefix: str | None) -> int:
    """Render results.json for people: comment.md, job-summary.md, outputs.txt and check-runs.json.

    On GitHub Actions the summary also goes to $GITHUB_STEP_SUMMARY and the outputs to $GITHUB_OUTPUT.
    Everything written is scrubbed of secrets and personal data. Posts nothing (see `qa publish`).
    """
    from ..github_env import untrusted
    from ..publish.report import prepare_report, write_report
    from ..render.comment import headline

    prepared = prepare_report(project, results, baseline, comment_key, check_prefix)
    paths = write_report(prepared.report, prepared.results, prepared.env)
    lines = [headline(prepared.report.run), *(f"wrote {path}" for path in paths)]
    click.echo(untrusted("\n".join(lines)))
    return EXIT_OK
