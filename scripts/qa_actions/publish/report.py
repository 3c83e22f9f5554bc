"""`qa report` and `qa publish`: load what a report is made from, render it, and write its files.

Files under the results folder: `comment.md` (the PR comment as it would be posted), `job-summary.md`,
`outputs.txt` (step outputs) and `check-runs.json` (each check run with its annotations). On GitHub
Actions the summary is also appended to `$GITHUB_STEP_SUMMARY` and the outputs to `$GITHUB_OUTPUT`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..config import QaConfig, load_config
from ..errors import QaError
from ..github_env import GitHubEnv, append_to, output_text, read_github_env
from ..layout import CHECK_RUNS_JSON, COMMENT_MD, JOB_SUMMARY_MD, OUTPUTS_TXT, RESULTS_JSON
from ..model import RunResult, load_results
from ..names import ProjectNames, chosen_text
from ..render.context import Baseline, Links, RenderContext
from ..render.report import Report, build_report
from ..scrub import active, write_text


@dataclass
class Prepared:
    """A report ready to write or publish, with what it was made from."""

    config: QaConfig
    results: Path
    env: GitHubEnv
    report: Report


def prepare_report(project: Path, results: Path | None, baseline: Path | None, comment_key: str | None,
                   check_prefix: str | None = None) -> Prepared:
    """Load the configuration, results.json and the GitHub environment, and render the scrubbed report.

    The project's names (comment marker, check-run prefix) come from `project` and the options, on the
    side that runs this command: never from results.json, which a fork's run may have written."""
    config = load_config(project)
    folder = config.results_path(results)
    env = read_github_env(os.environ)
    run = load_results(folder / RESULTS_JSON)
    notes: list[str] = []
    base = load_baseline(baseline, run) if baseline is not None else history_baseline(config, run, notes)
    names = ProjectNames.for_project(project, env.workspace or Path.cwd())
    ctx = render_context(config, env, run, folder, base, comment_key, notes, names, check_prefix)
    return Prepared(config, folder, env, build_report(run, ctx, active()))


def render_context(config: QaConfig, env: GitHubEnv, run: RunResult, results: Path, baseline: Baseline | None = None,
                   comment_key: str | None = None, notes: list[str] | None = None,
                   names: ProjectNames | None = None, check_prefix: str | None = None) -> RenderContext:
    """Links, marker and pointers for this run, from the GitHub environment and the results.

    A comment key or check prefix chosen (option, else `[tool.qa.report]`) is used as it is; by
    default both are today's (`<workflow>:<job>`, `qa`) with the project key of a sub-folder project
    added (`<workflow>:<job>:services-a`, `qa / services-a`), so that two projects' comments and check
    runs on one pull request stay apart."""
    names = names or ProjectNames()
    links = Links(
        server_url=env.server_url,
        repository=env.repository or run.run.repository,
        commit=env.event.head_sha or run.run.commit,
        run_url=env.run_url,
        dashboard_url=_dashboard(config, results),
        project_path=run.run.project_path or "",
        workspace=str(env.workspace) if env.workspace else None,
    )
    if env.run_url:
        full_report = f"the [job summary of the workflow run]({env.run_url})"
    else:
        full_report = f"`{(results / JOB_SUMMARY_MD).as_posix()}`"
    chosen_key = chosen_text(comment_key, "comment-key") or config.report.comment_key
    marker_key = env.marker_key(chosen_key) if chosen_key else names.marker_key(env.marker_key(None))
    prefix = chosen_text(check_prefix, "check-prefix") or config.report.check_prefix or names.check_prefix
    return RenderContext(links=links, marker_key=marker_key, check_prefix=prefix, project=names.path,
                         baseline=baseline, full_report=full_report, notes=tuple(notes or ()))


def load_baseline(path: Path, run: RunResult) -> Baseline:
    """The base branch's numbers from its results.json (for example the artifact of the last run on main)."""
    base = load_results(path)
    return Baseline.from_results(base).with_failures_of(base, run)


def history_baseline(config: QaConfig, run: RunResult, notes: list[str]) -> Baseline | None:
    """The base branch's latest run from the history file, when there is one (see docs/dashboard.md).

    An unreadable history costs the deltas, not the report: it becomes a note in the job summary.
    """
    from ..history.deltas import base_branch_for, load_base_deltas

    branch = base_branch_for(config.history, read_github_env(payload=False))
    try:
        deltas = load_base_deltas(config.history.path(config.project), branch, run)
    except QaError as exc:
        notes.append(f"**No deltas against `{branch}`**: {exc}")
        return None
    if deltas is None or deltas.base is None:
        return None
    tiers = deltas.tiers.values()
    return Baseline(
        coverage={t.tier: t.base_coverage for t in tiers if t.base_coverage is not None},
        duration_s={t.tier: t.base_duration_s for t in tiers if t.base_duration_s is not None},
        label=branch, new_failures=frozenset(deltas.new_failures),
        fixed_failures=tuple(deltas.fixed_failures) if deltas.fixed_failures is not None else None,
    )


def _dashboard(config: QaConfig, results: Path) -> str | None:
    """The published dashboard, else the workflow run's artifacts when this run rendered one there."""
    from ..history.deltas import dashboard_link
    from ..layout import INDEX, default_dashboard_dir

    if config.history.dashboard_url or (default_dashboard_dir(results) / INDEX).is_file():
        return dashboard_link(config.history.dashboard_url, read_github_env(payload=False))
    return None


def write_report(report: Report, results: Path, env: GitHubEnv) -> list[Path]:
    """Write the rendered files; on GitHub Actions also the job summary and the step outputs."""
    written = {
        results / COMMENT_MD: report.comment,
        results / JOB_SUMMARY_MD: report.summary,
        results / OUTPUTS_TXT: output_text(report.outputs),
        results / CHECK_RUNS_JSON: json.dumps([c.to_dict() for c in report.check_runs], indent=2) + "\n",
    }
    for path, text in written.items():
        write_text(path, text)
    paths = list(written)
    if env.step_summary is not None:
        append_to(env.step_summary, report.summary + "\n")
        paths.append(env.step_summary)
    if env.output is not None:
        append_to(env.output, output_text(report.outputs))
        paths.append(env.output)
    return paths
