"""The comment of a run gated with `fail-on-failures = "new"`: pre-existing failures marked, and one line
saying what the gate compared with (or that it had nothing to compare with)."""

from sample_results import passing_run, with_failures

from qa_actions.evaluate.gates import evaluate
from qa_actions.model import FailureBase
from qa_actions.render.comment import render_comment
from qa_actions.render.context import Links, RenderContext
from qa_actions.render.markdown import escape

CTX = RenderContext(Links("https://github.com", "org/repo", None, None, None, ""), "qa:report")


def test_pre_existing_failures_are_marked_and_counted() -> None:
    run = with_failures(passing_run(), 1)
    run.tiers["unit"].coverage = None
    evaluate(run, {}, "medium", preexisting={"unit": {"tests/unit/test_many.py::test_0"}})
    run.fail_on_failures, run.failure_base = "new", FailureBase("main", "100.1")
    text = render_comment(run, CTX)
    assert text.splitlines()[2].startswith("### ✅ QA passed")
    assert "`tests/unit/test_many.py::test_0` (pre-existing)" in text
    assert escape("fail-on-failures new: compared with `main` (run 100.1): 1 pre-existing failure does not fail"
                  " the gate") in text


def test_without_a_base_run_the_comment_says_every_failure_counts() -> None:
    run = with_failures(passing_run(), 1)
    run.tiers["unit"].coverage = None
    evaluate(run, {}, "medium")
    run.fail_on_failures, run.failure_base = "new", FailureBase("main", note="no run of `main` in the history")
    text = render_comment(run, CTX)
    assert text.splitlines()[2].startswith("### ❌ QA failed")
    assert escape("fail-on-failures new: no run of `main` in the history, so every failure fails the gate"
                  " (as `any`)") in text
    assert "(pre-existing)" not in text
