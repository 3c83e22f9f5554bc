import pytest
from sample_results import HEAD, failing_run, passing_run, with_failures

from qa_actions.evaluate.gates import evaluate
from qa_actions.github_env import output_text
from qa_actions.model import Counts, CoverageResult, TierResult
from qa_actions.render.checks import ANNOTATIONS_PER_REQUEST, render_check_runs
from qa_actions.render.context import Links, RenderContext
from qa_actions.render.outputs import render_outputs

CTX = RenderContext(Links("https://github.com", "org/repo", HEAD, project_path="services/ledger"))


def checks(run, ctx=CTX) -> dict:
    return {spec.name: spec for spec in render_check_runs(run, ctx)}


def test_one_check_run_per_tier_scan_and_gate() -> None:
    specs = checks(failing_run())
    assert list(specs) == ["qa / unit", "qa / integration", "qa / chaos", "qa / acid", "qa / security",
                           "qa / coverage", "qa / verdict"]
    assert {name: s.conclusion for name, s in specs.items()} == {
        "qa / unit": "failure", "qa / integration": "failure", "qa / chaos": "success", "qa / acid": "neutral",
        "qa / security": "failure", "qa / coverage": "failure", "qa / verdict": "failure"}


def test_a_passing_run_has_no_security_or_coverage_gate_it_does_not_use() -> None:
    run = passing_run()
    run.tiers["unit"].coverage = None
    assert list(checks(run)) == ["qa / unit", "qa / smoke", "qa / verdict"]
    assert all(s.conclusion == "success" for s in checks(run).values())


def test_problems_below_fail_on_do_not_fail_a_check() -> None:
    run = failing_run()
    evaluate(run, {}, "critical")
    assert checks(run)["qa / unit"].conclusion == "success"
    assert checks(run)["qa / verdict"].conclusion == "success"


def test_annotation_paths_are_relative_to_the_repository_root() -> None:
    specs = checks(failing_run())
    (failure,) = specs["qa / unit"].annotations
    assert failure.to_api() | {"raw_details": None} == {
        "path": "services/ledger/tests/unit/test_money.py", "start_line": 42, "end_line": 42,
        "annotation_level": "failure", "message": "assert Money(1) == Money(2)",
        "title": "unit: tests/unit/test_money.py::test_broken", "raw_details": None}
    assert [(a.path, a.start_line, a.end_line, a.level) for a in specs["qa / coverage"].annotations] == [
        ("services/ledger/src/ledger/money.py", 61, 65, "warning"),
        ("services/ledger/src/ledger/money.py", 70, 70, "warning"),
        ("services/ledger/src/ledger/pricing.py", 12, 12, "warning")]
    security = [(a.path, a.start_line, a.level) for a in specs["qa / security"].annotations]
    assert security == [("services/ledger/src/ledger/importer.py", 12, "failure"),
                        ("services/ledger/src/ledger/store.py", 7, "notice"),
                        ("services/ledger/requirements.txt", 1, "failure")]


def test_files_outside_the_checkout_are_not_annotated() -> None:
    run = failing_run()
    run.tiers["unit"].failures[0].file = "/usr/lib/python3/unittest/case.py"
    assert checks(run)["qa / unit"].annotations == []
    in_workspace = RenderContext(Links(workspace="/home/runner/work/repo"))
    run.tiers["unit"].failures[0].file = "/home/runner/work/repo/tests/unit/test_money.py"
    assert checks(run, in_workspace)["qa / unit"].annotations[0].path == "tests/unit/test_money.py"


@pytest.mark.parametrize(("count", "sizes"), [(0, [0]), (50, [50]), (120, [50, 50, 20])])
def test_annotations_go_in_batches_of_50(count: int, sizes: list[int]) -> None:
    spec = checks(with_failures(passing_run(), count))["qa / unit"] if count else checks(passing_run())["qa / unit"]
    batches = spec.batches()
    assert [len(b) for b in batches] == sizes
    assert all(len(spec.output(b).get("annotations", [])) <= ANNOTATIONS_PER_REQUEST for b in batches)


def test_titles_and_summaries() -> None:
    specs = checks(failing_run())
    assert specs["qa / unit"].title == "199 passed, 1 failed, 0 skipped · coverage 97.68% (gate 80%)"
    assert specs["qa / acid"].title == "skipped: no tests (tests/acid not found)"
    assert specs["qa / security"].title == "2 high · 0 medium · 1 low findings"
    assert specs["qa / coverage"].title == "unit 97.68% · integration 59.10% · changed lines 75.00%"
    assert specs["qa / verdict"].title.startswith("❌ QA failed: unit: 1 failing test")
    assert "tests/unit/test_money.py:42: AssertionError" in specs["qa / unit"].text


def test_outputs() -> None:
    run = failing_run()
    run.tiers["my tier"] = TierResult("my tier", "passed", Counts(1, 1), coverage=CoverageResult(50.0))
    outputs = render_outputs(run)
    assert outputs["verdict"] == "failed" and outputs["tests"] == "217"
    assert outputs["coverage-my-tier"] == "50.00" and outputs["changed-lines-coverage"] == "75.00"
    assert outputs["problems-high"] == "3"
    text = output_text({"one": "1", "many": "a\nb"})
    lines = text.splitlines()
    assert lines[0] == "one=1" and lines[1].startswith("many<<QA_") and lines[4] == lines[1].split("<<")[1]
