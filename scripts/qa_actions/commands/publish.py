from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from ..config.report import COMMENT_MODES, CommentMode
from ..errors import EXIT_OK
from .options import baseline_option, check_prefix_option, comment_key_option, project_option, results_option

if TYPE_CHECKING:
    from ..publish.report import Prepared


@click.command()
@project_option
@results_option
@click.option("--comment-mode", type=click.Choice(COMMENT_MODES), envvar="QA_COMMENT_MODE", default=None,
              help="When to post or update the PR comment. Default: `comment-mode` in [tool.qa.report], else always.")
@baseline_option
@comment_key_option
@check_prefix_option
def publish(project: Path, results: Path | None, comment_mode: str | None, baseline: Path | None,
            comment_key: str | None, check_prefix: str | None) -> int:
    """Publish the report on GitHub: the sticky PR comment and one check run per tier, scan and gate.

    Includes everything `qa report` writes. Reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH and
    GITHUB_API_URL. Without a token it explains what it would post and writes the comment to comment.md.
    Missing permissions (fork pull requests, read-only tokens) are reported, not failed on: exit 0.
    """
    from ..github_env import untrusted
    from ..layout import COMMENT_MD
    from ..publish import PublishError, publish_report
    from ..publish.report import prepare_report, write_report

    prepared = prepare_report(project, results, baseline, comment_key, check_prefix)
    env, report = prepared.env, prepared.report
    mode = cast(CommentMode, comment_mode or prepared.config.report.comment_mode)
    if env.token is None:
        write_report(report, prepared.results, env)
        click.echo(untrusted(_plan(prepared, mode) + f"\npreview of the comment: {prepared.results / COMMENT_MD}"))
        return EXIT_OK
    notes: list[str] = []
    try:
        outcome = publish_report(report, env, prepared.config.report, mode)
        notes = outcome.notes
        # as posted (the comment and summary link the check runs), with the pages as outputs
        report = (outcome.report or report).with_published(outcome.comment_url, outcome.check_runs)
    except PublishError as exc:
        notes = [f"**Publishing failed**: {exc}"]
        raise
    finally:
        write_report(report.with_notes(notes), prepared.results, env)
    if outcome.done:
        click.echo(untrusted("\n".join(f"qa publish: {line}" for line in outcome.done)))
    for note in notes:
        _warn(note)
    return EXIT_OK


def _plan(prepared: Prepared, mode: str) -> str:
    """What `qa publish` would post with a token, for a local dry run."""
    env, report = prepared.env, prepared.report
    event = env.event
    lines = ["qa publish: no GITHUB_TOKEN (or GH_TOKEN) is set, so nothing is posted. With a token it would:"]
    if mode == "off":
        lines.append("  - post no comment (comment-mode = off)")
    elif event.pull is not None:
        lines.append(f"  - create or update the comment marked {report.ctx.marker} on pull request #{event.pull.number}"
                     f" (comment-mode = {mode})")
    elif event.name in ("push", "workflow_run"):
        lines.append(f"  - look up the open pull request of commit {event.head_sha} and comment there"
                     f" (comment-mode = {mode})")
    else:
        lines.append(f"  - post no comment: a `{event.name}` run has no pull request")
    if prepared.config.report.check_runs:
        head = event.head_sha or report.run.run.commit or "the head commit"
        lines.append(f"  - create {len(report.check_runs)} check runs on {head}:")
        for spec in report.check_runs:
            count = len(spec.annotations)
            extra = f", {count} annotation{'s' if count != 1 else ''}" if count else ""
            lines.append(f"      {spec.name}: {spec.conclusion}{extra}")
    lines.append(f"  through {env.api_url} (GITHUB_API_URL)")
    return "\n".join(lines)


def _warn(note: str) -> None:
    """A warning in the log; on GitHub Actions a workflow command, so it also shows on the run's page."""
    from ..github_env import read_github_env, warning_command

    text = note.replace("**", "")
    if read_github_env(payload=False).in_actions:
        click.echo(warning_command("qa publish", text))
    else:
        click.echo(f"qa publish: warning: {text}", err=True)
