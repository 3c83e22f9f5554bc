"""The rules around a selected run of a tier: which blocks carry the full run's coverage, how a tier
that selected nothing is judged, and what a selection miss and a selection the trusted side does not
allow become."""

from __future__ import annotations

from pathlib import Path

from qa_actions.collect.coverage import FileLines
from qa_actions.evaluate.gates import evaluate
from qa_actions.impact.blocks import MODULE, file_blocks
from qa_actions.impact.map import ImpactMap
from qa_actions.impact.select import FileChange
from qa_actions.impact.tier import carry_forward, touched_blocks
from qa_actions.model import Counts, RunInfo, RunResult, TierResult
from qa_actions.tier_selection import CarriedCoverage, TierSelection

OLD = "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n"
NEW = "def add(a, b):\n    return b + a\n\n\ndef mul(a, b):\n    return a * b\n\n\ndef neg(a):\n    return -a\n"


def test_the_change_touches_the_blocks_it_edits_or_adds() -> None:
    touched = touched_blocks([FileChange("pkg/calc.py", OLD, NEW), FileChange("pkg/new.py", None, "X = 1\n"),
                              FileChange("pkg/gone.py", "Y = 1\n", None), FileChange("pkg/bad.py", OLD, "def (:\n")])
    assert touched == {("pkg/calc.py", "add"), ("pkg/calc.py", "neg"), ("pkg/calc.py", MODULE),
                       ("pkg/new.py", MODULE), ("pkg/bad.py", MODULE)}


def test_coverage_is_carried_for_untouched_blocks_and_measured_for_touched_ones(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "calc.py").write_text(NEW)
    blocks = file_blocks(OLD).fingerprints()
    test_map = ImpactMap("abc", "3.12", blocks={("pkg/calc.py", name): fp for name, fp in blocks.items()},
                         lines={("pkg/calc.py", "add"): (1, 1, 0, 0), ("pkg/calc.py", "mul"): (1, 1, 0, 0),
                                ("pkg/calc.py", MODULE): (2, 2, 0, 0)})
    # the selected run ran add's tests only: mul's line is missed now, neg's too
    measured = {"pkg/calc.py": FileLines(statements={1, 2, 5, 6, 9, 10}, executed={1, 2, 5, 9})}
    carried = carry_forward(test_map, {("pkg/calc.py", "add"), ("pkg/calc.py", "neg")}, measured, tmp_path)
    # mul and the module block carry the full run's 1/1 and 2/2; add (1/1) and neg (0/1) are measured now
    assert (carried.covered, carried.statements, carried.carried_blocks, carried.measured_blocks) == (4, 5, 2, 2)
    assert round(carried.percent, 2) == 80.0 and carried.base_commit == "abc"


def tier(selection: TierSelection, tests: int = 0) -> RunResult:
    result = TierResult("unit", "passed", counts=Counts(tests=tests, passed=tests), selection=selection)
    return RunResult(run=RunInfo(run_id="r", time=""), tiers={"unit": result})


def test_a_selection_that_keeps_no_test_is_not_an_empty_tier() -> None:
    run = evaluate(tier(TierSelection("selected", "ran 0 of 5 unit tests", selected=0, total=5)), {}, "high",
                   expect_tests={"unit": ["tests"]})
    assert run.verdict == "passed" and not run.problems and run.tiers["unit"].status == "passed"
    empty = evaluate(tier(TierSelection("full", "full run", "no map")), {}, "high", expect_tests={"unit": ["tests"]})
    assert [p.code for p in empty.problems] == ["no-tests", "nothing-ran"]


def test_a_selection_miss_is_critical() -> None:
    run = evaluate(tier(TierSelection("recorded", misses=["tests/test_a.py::test_x"]), tests=3), {}, "critical")
    assert [(p.code, p.category) for p in run.problems] == [("selection-miss", "critical")]
    assert run.verdict == "failed" and "tests/test_a.py::test_x" in run.problems[0].message


def test_branches_are_carried_with_the_lines(tmp_path: Path) -> None:
    """A run measured with branches is gated on coverage.py's own figure, lines and branches together."""
    (tmp_path / "m.py").write_text("def f(x):\n    if x:\n        return 1\n    return 2\n\n\ndef g():\n    return 0\n")
    blocks = file_blocks((tmp_path / "m.py").read_text()).fingerprints()
    test_map = ImpactMap("abc", "3.12", blocks={("m.py", name): fp for name, fp in blocks.items()},
                         lines={("m.py", "f"): (3, 3, 2, 2), ("m.py", MODULE): (2, 2, 0, 0)})
    measured = {"m.py": FileLines({1, 2, 3, 4, 7, 8}, {1, 7, 8}, {(2, 3), (2, 4)}, set())}  # f not run now
    carried = carry_forward(test_map, {("m.py", "g")}, measured, tmp_path)
    assert (carried.covered, carried.statements, carried.covered_branches, carried.branches) == (6, 6, 2, 2)
    assert carried.percent == 100.0


def test_misses_are_named_up_to_a_limit() -> None:
    many = [f"tests/test_a.py::test_{i}" for i in range(500)]
    run = evaluate(tier(TierSelection("recorded", misses=many), tests=3), {}, "critical")
    assert len(run.problems) == 51 and run.problems[-1].message.startswith("450 more tests")


def test_impossible_carried_counts_are_not_believed() -> None:
    assert CarriedCoverage(9, 10, covered_branches=1, branches=2).consistent
    for wrong in (CarriedCoverage(11, 10), CarriedCoverage(-1, 10), CarriedCoverage(1, 1, covered_branches=3,
                                                                                   branches=2)):
        assert not wrong.consistent
