from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_OK
from .options import project_option, results_option


@click.command(name="nightly-issue")
@project_option
@results_option
@click.option("--label", default="qa-nightly", show_default=True, help="Label of the issue (created if missing).")
@click.option("--title", default=None,
              help="Title of a new issue. Default: `Nightly QA run failed`, and `: <project-dir>` for a project in "
                   "a sub-folder.")
@click.option("--key", default=None,
              help="Tells apart several nightly workflows of one repository (part of the hidden marker). Default: "
                   "`nightly`, or `nightly:<project key>` for a project in a sub-folder, so that two projects' "
                   "nightly issues never close each other.")
def nightly_issue(project: Path, results: Path | None, label: str, title: str | None, key: str | None) -> int:
    """Open or update the one issue of a failing nightly run; close it when the run is green.

    Reads results.json (after `qa gate`) and talks to GitHub with $GITHUB_TOKEN, $GITHUB_REPOSITORY
    and $GITHUB_API_URL. Without a token it says what it would do. Missing permission
    (`issues: write`) is a warning, not a failure: the run's own verdict fails the workflow.
    """
    from ..config import load_config
    from ..github_env import read_github_env, write_outputs
    from ..layout import RESULTS_JSON
    from ..model import load_results
    from ..names import ProjectNames, chosen_text
    from ..publish.issue import sync_nightly_issue
    from ..scrub import active

    config = load_config(project)
    run = load_results(config.results_path(results) / RESULTS_JSON)
    env = read_github_env(payload=False)
    names = ProjectNames.for_project(project, env.workspace or Path.cwd())
    key = chosen_text(key, "key") or names.nightly_key
    title = chosen_text(title, "title") or names.nightly_title
    if not env.token or not env.repository:
        wanted = "open or update" if run.verdict == "failed" else "close"
        click.echo(f"no GITHUB_TOKEN or GITHUB_REPOSITORY: would {wanted} the `{label}` issue (verdict {run.verdict})")
        return EXIT_OK
    outcome = sync_nightly_issue(env, run, key=key, label=label, title=title,
                                 scrubber=active())
    write_outputs({"issue-action": outcome.action, "issue-number": str(outcome.number or "")})
    click.echo(f"nightly issue: {outcome.action}" + (f" #{outcome.number}" if outcome.number else ""))
    return EXIT_OK
