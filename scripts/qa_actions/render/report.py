"""The report: every view of one run (comment, job summary, check runs, outputs), rendered and scrubbed.

Pure like the rest of render/: the model and its context in, texts out. Renderers add only fixed text
to what they are given, so scrubbing their input is enough; a last pass looks for the exact secret
values only, as a guard, and cuts what scrubbing pushed over GitHub's size limits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..model import RunResult
from ..scrub import Scrubber
from .checks import CheckRunSpec, render_check_runs
from .comment import COMMENT_LIMIT, SUMMARY_LIMIT, render_comment, render_job_summary
from .context import RenderContext
from .markdown import hard_cut, utf8_size, utf16_size
from .outputs import published_outputs, render_outputs

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

    def with_published(self, comment_url: str | None, check_runs: Mapping[str, str]) -> Report:
        """The same report with the outputs of what was posted: the comment's and check runs' pages."""
        published = published_outputs(comment_url, check_runs)
        return dataclasses.replace(self, outputs={**self.outputs, **{k: self.scrubber.values(v)
                                                                     for k, v in published.items()}})

    def with_check_links(self, links: dict[str, str]) -> Report:
        """The same report with the published check runs' pages linked from the comment and the job summary."""
        if not links:
            return self
        links = {**self.ctx.check_links, **self.scrubber.model(links, personal=False)}
        ctx = dataclasses.replace(self.ctx, check_links=links)
        return dataclasses.replace(self, ctx=ctx, comment=_comment(self.run, ctx, self.scrubber),
                                   summary=_summary(self.run, ctx, self.scrubber))


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
                  comment=_comment(clean, ctx, scrubber), summary=_summary(clean, ctx, scrubber),
                  outputs={**render_outputs(clean), **published_outputs()}, check_runs=checks)


def _comment(run: RunResult, ctx: RenderContext, scrubber: Scrubber) -> str:
    return _finish(render_comment(run, ctx), scrubber, COMMENT_LIMIT)


def _summary(run: RunResult, ctx: RenderContext, scrubber: Scrubber) -> str:
    return _finish(render_job_summary(run, ctx), scrubber, SUMMARY_LIMIT, utf8_size)


def _finish(text: str, scrubber: Scrubber, limit: int, size: Callable[[str], int] = utf16_size) -> str:
    """The last pass over a rendered text: no secret value survives, and scrubbing never pushes it over the limit."""
    text = scrubber.values(text)
    return text if size(text) <= limit else hard_cut(text, limit, size, _CUT)
