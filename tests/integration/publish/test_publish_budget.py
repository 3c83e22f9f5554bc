"""Issue 16, finding 7 (API writes): an artifact with hundreds of tiers and thousands of failures costs a
fixed number of GitHub API writes. Counted at the loopback server, through real PyGithub."""

from __future__ import annotations

import time

import pytest
import test_publish
from github import Auth, Github
from github_api import FakeGitHub
from sample_results import TRACEBACK
from test_publish import PR_HEAD, REPO, Publisher

from qa_actions.evaluate.gates import evaluate
from qa_actions.model import Counts, CoverageResult, Failure, RunInfo, RunResult, TierResult
from qa_actions.publish.budget import MAX_WRITES, BudgetSpent, WriteBudget
from qa_actions.publish.checks import create_check_run
from qa_actions.render.checks import MAX_REPORT_ANNOTATIONS, MAX_TIER_CHECKS, Annotation, CheckRunSpec

publisher = test_publish.publisher  # the project, environment and loopback API of `qa publish`'s own tests


def hostile_run(tiers: int = 500, failures: int = 5000) -> RunResult:
    """`tiers` failing tiers sharing `failures` failed tests, each with a file and line (an annotation):
    the first 20 tiers hold 4/5 of them."""
    run = RunResult(RunInfo("666.1", "2026-11-28T00:00:00+00:00", commit=PR_HEAD, branch="feature"))
    heavy = min(tiers, 20)
    for t in range(tiers):
        each = failures * 4 // 5 // heavy if t < heavy else failures // 5 // max(tiers - heavy, 1)
        name = f"tier-{t:03d}"
        run.tiers[name] = TierResult(name, "failed", Counts(each, 0, each), 1.0, CoverageResult(50.0, 80.0), [
            Failure(f"tests/test_{t}.py::test_{i}", f"assert {i} == {i + 1}", f"tests/test_{t}.py", i + 1,
                    traceback=TRACEBACK) for i in range(each)])
    return evaluate(run, {}, "medium")


def test_500_tiers_and_5000_failures_cost_a_fixed_number_of_writes(publisher: Publisher) -> None:
    publisher.save(hostile_run())
    started = time.monotonic()
    code, out, err = publisher.publish()
    assert code == 0, err
    writes = publisher.api.writes()
    assert len(writes) <= MAX_WRITES, f"{len(writes)} writes"  # 803 before the caps
    assert len(publisher.api.requests) <= MAX_WRITES + 10
    assert time.monotonic() - started < 60

    runs = {c["name"]: c for c in publisher.api.check_runs(REPO)}
    assert len(runs) == MAX_TIER_CHECKS + 2  # the first tiers, coverage and verdict
    assert sum(len(c["annotations"]) for c in runs.values()) == MAX_REPORT_ANNOTATIONS
    verdict = runs["qa / verdict"]
    assert verdict["conclusion"] == "failure"
    assert verdict["output"]["summary"].startswith(f"{500 - MAX_TIER_CHECKS} more tiers have no check run of their own")
    # an equal share each (500 // 22 check runs), the rest to the first
    assert [len(runs[f"qa / tier-{t:03d}"]["annotations"]) for t in (0, 1, 19)] == [82, 22, 22]
    assert "… and 178 more annotations, left out (at most 200 per check run and 500 per report)." in \
        runs["qa / tier-019"]["output"]["summary"]
    (comment,) = publisher.api.comments(REPO, 7)
    assert "…and 450 more tiers (450 failed or could not run)" in comment["body"]
    assert "Stopped after" not in out + err  # the caps keep a report well inside the budget


def test_check_run_text_names_the_failures_it_leaves_out() -> None:
    from qa_actions.render.checks import render_check_runs
    from qa_actions.render.context import RenderContext

    specs = {s.name: s for s in render_check_runs(hostile_run(tiers=2, failures=500), RenderContext())}
    assert specs["qa / tier-000"].text.endswith("… and 150 more failures: see the job summary.")


def test_the_budget_stops_writes_with_one_line(github_api: FakeGitHub) -> None:
    """The backstop: a check run with 200 annotations wants 4 writes; a budget of 2 makes exactly 2."""
    client = Github(base_url=github_api.url, auth=Auth.Token("t"), retry=None, lazy=True,
                    seconds_between_requests=None, seconds_between_writes=None)
    spec = CheckRunSpec("qa / unit", "failure", "t", "s",
                        annotations=[Annotation("a.py", i, i, "failure", "m") for i in range(1, 201)])
    budget = WriteBudget(limit=2)
    with pytest.raises(BudgetSpent) as spent:
        create_check_run(client.get_repo(REPO), PR_HEAD, spec, "key", budget)
    assert len(github_api.writes()) == 2 and budget.used == 2
    note = budget.note(spent.value.what)
    assert "\n" not in note and note.startswith("**Stopped after 2 GitHub API writes**")
    assert "annotations of qa / unit" in note
    client.close()


def test_the_check_runs_leave_the_comment_its_writes() -> None:
    """The check runs go first (the comment links them), kept from the writes the comment needs."""
    budget = WriteBudget(limit=3)
    with budget.keeping(2):
        budget.spend("the check run qa / unit")
        with pytest.raises(BudgetSpent):
            budget.spend("the check run qa / verdict")
    budget.spend("the comment")
    budget.spend("deleting a duplicate comment")
    with pytest.raises(BudgetSpent):
        budget.spend("deleting a duplicate comment")
    assert budget.used == 3
