"""`qa report`: the results rendered for people, scrubbed, and written where GitHub and users look.

Files under the results folder: `comment.md` (the PR comment as it would be posted), `job-summary.md`,
`outputs.txt` (step outputs) and `check-runs.json` (each check run with its annotations). On GitHub
Actions the summary is also appended to `$GITHUB_STEP_SUMMARY` and the outputs to `$GITHUB_OUTPUT`.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .config import QaConfig, load_config
from .errors import QaError
from .fsutil import atomic_write_text
from .github_context import GitHubEnv, read_github_env
from .model import RESULTS_JSON, RunResult, load_results
from .render.checks import CheckRunSpec, render_check_runs
from .render.comment import COMMENT_LIMIT, SUMMARY_LIMIT, render_comment, render_job_summary
from .render.context import Baseline, Links, RenderContext
from .render.markdown import hard_cut, utf8_size, utf16_size
from .render.outputs import github_output_text, render_outputs
from .scrub import Scrubber

COMMENT_MD = "comment.md"
JOB_SUMMARY_MD = "job-summary.md"
OUTPUTS_TXT = "outputs.txt"
CHECK_RUNS_JSON = "check-runs.json"
_CUT = "✂️ Cut after scrubbing to fit GitHub's size limit."


@dataclass
class Report:
    """Everything rendered from one run, already scrubbed; `run` is the scrubbed model."""

    run: RunResult
    ctx: RenderContext
    scrubber: Scrubber
    comment: str
    summary: str
    outputs: dict[str, str]
    check_runs: list[CheckRunSpec]

    def with_notes(self, notes: list[str]) -> Report:
        """The same report with publishing notes (what could not be posted) on top of the job summary."""
        if not notes:
            return self
        ctx = dataclasses.replace(self.ctx, notes=self.ctx.notes + self.scrubber.model(tuple(notes)))
        return dataclasses.replace(self, ctx=ctx, summary=_summary(self.run, ctx, self.scrubber))


@dataclass
class Prepared:
    """A report ready to write or publish, with what it was made from."""

    config: QaConfig
    results: Path
    env: GitHubEnv
    report: Report


def prepare_report(project: Path, results: Path | None, baseline: Path | None, comment_key: str | None) -> Prepared:
    """Load the configuration, results.json and the GitHub environment, and render the scrubbed report."""
    config = load_config(project)
    folder = config.results_path(results)
    env = read_github_env(os.environ)
    run = load_results(folder / RESULTS_JSON)
    notes: list[str] = []
    base = load_baseline(baseline, run) if baseline is not None else history_baseline(config, run, notes)
    ctx = render_context(config, env, run, folder, base, comment_key, notes)
    return Prepared(config, folder, env, build_report(run, ctx, Scrubber.from_environ(os.environ)))


def render_context(config: QaConfig, env: GitHubEnv, run: RunResult, results: Path, baseline: Baseline | None = None,
                   comment_key: str | None = None, notes: list[str] | None = None) -> RenderContext:
    """Links, marker and pointers for this run, from the GitHub environment and the results."""
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
    return RenderContext(links=links, marker_key=env.marker_key(comment_key or config.report.comment_key),
                         check_prefix=config.report.check_prefix, baseline=baseline, full_report=full_report,
                         notes=tuple(notes or ()))


def build_report(run: RunResult, ctx: RenderContext, scrubber: Scrubber) -> Report:
    """Scrub the model and the context, render every view of them, and check the texts once more.

    Renderers add only fixed text to what they are given, so scrubbing their input is enough; the
    last pass looks for the exact secret values only, as a guard.
    """
    clean, ctx = scrubber.model(run), scrubber.model(ctx, personal=False)
    checks = render_check_runs(clean, ctx)
    for spec in checks:
        spec.title = scrubber.values(spec.title)
        spec.summary = _finish(spec.summary, scrubber, COMMENT_LIMIT)
        spec.text = _finish(spec.text, scrubber, COMMENT_LIMIT)
    return Report(run=clean, ctx=ctx, scrubber=scrubber,
                  comment=_finish(render_comment(clean, ctx), scrubber, COMMENT_LIMIT),
                  summary=_summary(clean, ctx, scrubber), outputs=render_outputs(clean), check_runs=checks)


def load_baseline(path: Path, run: RunResult) -> Baseline:
    """The base branch's numbers from its results.json (for example the artifact of the last run on main)."""
    base = load_results(path)
    return Baseline.from_results(base).with_failures_of(base, run)


def history_baseline(config: QaConfig, run: RunResult, notes: list[str]) -> Baseline | None:
    """The base branch's latest run from the history file, when there is one (see docs/dashboard.md).

    An unreadable history costs the deltas, not the report: it becomes a note in the job summary.
    """
    from .history.deltas import base_branch_for, load_base_deltas

    branch = base_branch_for(config.history, os.environ)
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
    from .dashboard import INDEX, default_dashboard_dir
    from .history.deltas import dashboard_link

    if config.history.dashboard_url or (default_dashboard_dir(results) / INDEX).is_file():
        return dashboard_link(config.history.dashboard_url, os.environ)
    return None


def write_report(report: Report, results: Path, env: GitHubEnv) -> list[Path]:
    """Write the rendered files; on GitHub Actions also the job summary and the step outputs."""
    written = {
        results / COMMENT_MD: report.comment,
        results / JOB_SUMMARY_MD: report.summary,
        results / OUTPUTS_TXT: github_output_text(report.outputs),
        results / CHECK_RUNS_JSON: json.dumps([c.to_dict() for c in report.check_runs], indent=2) + "\n",
    }
    for path, text in written.items():
        atomic_write_text(path, text)
    paths = list(written)
    if env.step_summary is not None:
        _append(env.step_summary, report.summary + "\n")
        paths.append(env.step_summary)
    if env.output is not None:
        _append(env.output, github_output_text(report.outputs))
        paths.append(env.output)
    return paths


def _summary(run: RunResult, ctx: RenderContext, scrubber: Scrubber) -> str:
    return _finish(render_job_summary(run, ctx), scrubber, SUMMARY_LIMIT, utf8_size)


def _finish(text: str, scrubber: Scrubber, limit: int, size: Callable[[str], int] = utf16_size) -> str:
    """The last pass over a rendered text: no secret value survives, and scrubbing never pushes it over the limit."""
    text = scrubber.values(text)
    return text if size(text) <= limit else hard_cut(text, limit, size, _CUT)


def _append(path: Path, text: str) -> None:
    """GitHub's step files are appended to, never replaced (other steps' commands may have written)."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
