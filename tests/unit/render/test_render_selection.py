"""A tier that ran a test-impact selection says so wherever the run is shown: what ran of how many,
why, and where its coverage came from (docs/impact.md); a reader must never take it for a full run."""

from sample_results import passing_run

from qa_actions.render import format as fmt
from qa_actions.render.checks import render_check_runs
from qa_actions.render.comment import render_comment, render_job_summary, results_digest
from qa_actions.render.console import report
from qa_actions.render.context import Links, RenderContext
from qa_actions.render.markdown import escape
from qa_actions.terminal import render_text
from qa_actions.tier_selection import CarriedCoverage, TierSelection

CTX = RenderContext(Links("https://github.com", "org/repo", None, None, None, ""), "qa:report")
LINE = ("unit: ran 3 of 612 unit tests: 2 affected by 1 changed function, 1 new (map of the full run on main at "
        "abc1234, which passed); coverage: 590 unchanged blocks carried forward from abc1234, 2 measured now")


def selected_run():
    run = passing_run()
    run.tiers["unit"].selection = TierSelection(
        "selected", "ran 3 of 612 unit tests: 2 affected by 1 changed function, 1 new", selected=3, total=612,
        map_commit="abc1234" + "0" * 33, map_branch="main", map_verdict="passed",
        coverage=CarriedCoverage(900, 1000, 590, 2, "abc1234" + "0" * 33))
    return run


def test_the_comment_the_summary_and_the_check_say_what_the_selection_ran() -> None:
    run = selected_run()
    assert escape(LINE) in render_comment(run, CTX)
    assert escape(LINE) in render_job_summary(run, CTX)
    check = next(c for c in render_check_runs(run, CTX) if c.name.endswith("unit"))
    assert "selected 3 of 612" in check.title and escape(LINE) in check.summary
    assert results_digest(run) != results_digest(passing_run())  # a new selection refreshes the comment


def test_the_console_says_it_too() -> None:
    assert f"selection: {LINE}" in " ".join(render_text(report(selected_run())).split())


def test_a_hostile_explanation_stays_one_bounded_line() -> None:
    run = selected_run()
    run.tiers["unit"].selection.explanation = "ran 1\n::warning::pwn " + "x" * 5000
    (line,) = fmt.selection_lines(run)
    assert "\n" not in line and len(line) <= 1000 and "ran 1 ::warning::pwn" in line
