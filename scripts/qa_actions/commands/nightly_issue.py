from __future__ import annotations

import os
from pathlib import Path

import click

from ..errors import EXIT_OK
from .options import project_option, results_option


@click.command(name="nightly-issue")
@project_option
@results_option
@click.option("--label", default="qa-nightly", show_default=True, help="Label of the issue (created if missing).")
@click.option("--title", default="Nightly QA run failed", show_default=True, help="Title of a new issue.")
@click.option("--key", default="nightly", show_default=True,
              help="Tells apart several nightly workflows of one repository (part of the hidden marker).")
def nightly_issue(project: Path, results: Path | None, label: str, title: str, key: str) -> int:
    """Open or update the one issue of a failing nightly run; close it when the run is green.

    Reads results.json (after `qa gate`) and talks to GitHub with $GITHUB_TOKEN, $GITHUB_REPOSITORY
    and $GITHUB_API_URL. Without a token it says what it would do. Missing permission
    (`issues: write`) is a warning, not a failure: the run's own verdict fails the workflow.
    """
    from ..config import load_config
    from ..errors import QaError
    from ..ghactions import write_outputs
    from ..model import load_results
    from ..nightly_issue import IssueOutcome, sync_issue
    from ..scrub import Scrubber

    config = load_config(project)
    run = load_results(config.results_path(results) / "results.json")
    env = os.environ
    token, repository = env.get("GITHUB_TOKEN"), env.get("GITHUB_REPOSITORY")
    if not token or not repository:
        wanted = "open or update" if run.verdict == "failed" else "close"
        click.echo(f"no GITHUB_TOKEN or GITHUB_REPOSITORY: would {wanted} the `{label}` issue (verdict {run.verdict})")
        return EXIT_OK
    run_url = (f"{env.get('GITHUB_SERVER_URL', 'https://github.com')}/{repository}/actions/runs/{env['GITHUB_RUN_ID']}"
               if env.get("GITHUB_RUN_ID") else None)

    from github import Auth, Github, GithubException
    from requests.exceptions import RequestException

    client = Github(base_url=env.get("GITHUB_API_URL") or "https://api.github.com", auth=Auth.Token(token),
                    lazy=True)
    try:
        outcome = sync_issue(client.get_repo(repository), run, key=key, label=label, title=title,
                             run_url=run_url, scrubber=Scrubber.from_environ(env))
    except GithubException as exc:
        if exc.status in (403, 404):
            click.echo(f"::warning title=qa nightly-issue::GitHub refused ({exc.status}): give the job "
                       "`permissions: issues: write` to open and close the nightly issue")
            outcome = IssueOutcome("none")
        else:
            raise QaError(f"GitHub API error {exc.status} while syncing the nightly issue: {exc.data}") from None
    except RequestException as exc:
        raise QaError(f"cannot reach the GitHub API: {exc}") from None
    finally:
        client.close()
    write_outputs({"issue-action": outcome.action, "issue-number": str(outcome.number or "")})
    click.echo(f"nightly issue: {outcome.action}" + (f" #{outcome.number}" if outcome.number else ""))
    return EXIT_OK
