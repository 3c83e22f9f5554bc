import json
import shutil
from pathlib import Path

import pytest

from qa_actions.collect.merge import collect, combine_coverage, merge_tier, read_part
from qa_actions.errors import InputError
from qa_actions.evaluate.gates import evaluate
from qa_actions.manifest import TierManifest, write_manifest
from qa_actions.model import RunInfo, load_results, save_results

DATA = Path(__file__).parents[2] / "data" / "junit"
RUN = RunInfo("r1", "2026-11-28T00:00:00+00:00")


def tier_folder(root: Path, name: str, tier: str, junit: str | None = "pytest-xunit1.xml",
                status: str = "ran", gate: float | None = None, coverage: float | None = None,
                shard: str | None = None, timings: str = "history [sha256 1]") -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    write_manifest(folder, TierManifest(tier=tier, status=status, started="t", duration_s=2.0,
                                        coverage_gate=gate, reason="why" if status != "ran" else None,
                                        shard=shard, shard_timings=timings if shard else None))
    if junit:
        shutil.copy(DATA / junit, folder / "junit.xml")
    if coverage is not None:
        totals = {"percent_covered": coverage, "covered_lines": 80, "num_statements": 100}
        (folder / "coverage.json").write_text(json.dumps({"totals": totals}))
    return folder


def test_collects_tiers_found_anywhere_below(tmp_path: Path) -> None:
    tier_folder(tmp_path, "unit", "unit", gate=80, coverage=81.256)
    tier_folder(tmp_path / "artifact-smoke", "smoke", "smoke", junit="single-suite.xml")
    tier_folder(tmp_path, "chaos", "chaos", junit=None, status="skipped")
    run = collect(tmp_path, RUN)
    assert set(run.tiers) == {"unit", "smoke", "chaos"}
    unit = run.tiers["unit"]
    assert unit.status == "failed" and unit.counts.tests == 5
    assert (unit.coverage.percent, unit.coverage.gate) == (81.26, 80)
    assert run.tiers["smoke"].counts.failed == 1
    assert run.tiers["chaos"].status == "skipped" and run.tiers["chaos"].reason == "why"


def test_shards_add_up(tmp_path: Path) -> None:
    tier_folder(tmp_path, "unit-1", "unit")
    tier_folder(tmp_path, "unit-2", "unit", junit="single-suite.xml")
    unit = collect(tmp_path, RUN).tiers["unit"]
    assert unit.shards == 2
    assert (unit.counts.tests, unit.counts.failed, unit.counts.errors) == (7, 2, 1)
    assert len(unit.failures) == 3


def empty_shard(root: Path, name: str, shard: str) -> None:
    """A shard whose pytest collected nothing (exit code 5), as the runner records it."""
    folder = root / name
    folder.mkdir(parents=True)
    write_manifest(folder, TierManifest(tier="unit", status="skipped", started="t", exit_code=5, shard=shard,
                                        shard_timings="history [sha256 1]", reason="no tests collected",
                                        error_code="no-tests"))


def test_an_empty_shard_is_fine_when_the_others_ran_and_every_shard_empty_is_no_tests(tmp_path: Path) -> None:
    tier_folder(tmp_path, "unit-1of2", "unit", shard="1/2")
    empty_shard(tmp_path, "unit-2of2", "2/2")
    run = evaluate(collect(tmp_path, RUN), {}, "medium", None, {"unit": ["tests/unit"]})
    unit = run.tiers["unit"]
    assert (unit.status, unit.counts.tests, unit.error_code) == ("failed", 5, None)  # the first shard's failures
    assert "no-tests" not in [p.code for p in run.problems]
    shutil.rmtree(tmp_path / "unit-1of2")
    empty_shard(tmp_path, "unit-1of2", "1/2")
    run = evaluate(collect(tmp_path, RUN), {}, "medium", None, {"unit": ["tests/unit"]})
    assert (run.tiers["unit"].status, run.tiers["unit"].error_code) == ("failed", "no-tests")
    assert [p.code for p in run.problems] == ["no-tests", "nothing-ran"]


def test_a_missing_shard_is_a_critical_problem(tmp_path: Path) -> None:
    tier_folder(tmp_path / "job-1", "unit-1of3", "unit", shard="1/3")
    tier_folder(tmp_path / "job-3", "unit-3of3", "unit", shard="3/3", junit="single-suite.xml")
    tier_folder(tmp_path, "smoke", "smoke", junit="single-suite.xml")
    run = collect(tmp_path, RUN)
    unit = run.tiers["unit"]
    assert (unit.status, unit.error_code, unit.shards, unit.counts.tests) == ("error", "missing-shard", 2, 7)
    assert unit.reason.startswith("no results from shard 2/3 of tier unit")
    assert run.tiers["smoke"].status == "failed"  # the rest of the run is still collected
    evaluate(run, {}, "medium")
    assert [p.category for p in run.problems if p.code == "missing-shard"] == ["critical"]
    # `qa tier --shard` looks at its own shard alone
    alone = merge_tier("unit", [read_part(tmp_path / "job-1" / "unit-1of3")], tmp_path, one_shard=True)
    assert alone.status == "failed" and alone.error_code is None


@pytest.mark.parametrize(
    ("layouts", "message"),
    [
        ([("unit", None), ("unit-1of2", "1/2")], "sharded and unsharded results of tier unit"),
        ([("unit-1of2", "1/2"), ("unit-2of3", "2/3")], "results of tier unit from runs in 2 and 3 shards"),
        ([("a/unit-1of2", "1/2"), ("b/unit-1of2", "1/2"), ("unit-2of2", "2/2")],
         "shard 1/2 of tier unit has more than one results folder"),
        ([("unit-1of2", "1/2"), ("unit-2of2", "2/2", "none: split by test count [sha256 2]")],
         "the shards of tier unit were split with different timings"),
        ([("unit-1of2", "1/2"), ("unit-2of2", "3/2")], "a tier.json of tier unit has a bad `shard`"),
    ],
)
def test_inconsistent_shards_are_a_critical_problem(tmp_path: Path, layouts: list[tuple], message: str) -> None:
    for name, shard, *timings in layouts:
        tier_folder(tmp_path, name, "unit", shard=shard, **({"timings": timings[0]} if timings else {}))
    unit = collect(tmp_path, RUN).tiers["unit"]
    assert (unit.status, unit.error_code, unit.coverage) == ("error", "shard-mismatch", None)
    assert message in unit.reason


def test_an_erroring_shard_makes_the_tier_error(tmp_path: Path) -> None:
    tier_folder(tmp_path, "unit-1", "unit")
    tier_folder(tmp_path, "unit-2", "unit", junit=None, status="error")
    unit = collect(tmp_path, RUN).tiers["unit"]
    assert unit.status == "error" and unit.reason == "why"


def test_gated_tier_without_coverage_report(tmp_path: Path) -> None:
    tier_folder(tmp_path, "unit", "unit", gate=80)
    assert collect(tmp_path, RUN).tiers["unit"].coverage.percent is None


def test_results_roundtrip(tmp_path: Path) -> None:
    tier_folder(tmp_path, "unit", "unit", gate=80, coverage=90)
    run = collect(tmp_path, RUN)
    save_results(run, tmp_path / "results.json")
    assert load_results(tmp_path / "results.json") == run
    data = json.loads((tmp_path / "results.json").read_text())
    assert next(iter(data)) == "schema_version"
    assert data["tiers"]["unit"]["counts"] == {"tests": 5, "passed": 2, "failed": 1, "errors": 1, "skipped": 1,
                                               "flaky": 0}
    assert data["tiers"]["unit"]["failures"][0]["file"] == "tests/unit/test_money.py"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ("[]", "expected a JSON object"),
        ('{"schema_version": 99}', "schema_version 99 is not supported"),
        ('{"schema_version": 1}', "`results` is missing the key `run`"),
        ('{"schema_version": 1, "run": {"run_id": "x", "time": "t"}, "tiers": {"u": {"name": "u", "status": "odd"}}}',
         "`results.tiers.u.status` must be 'passed' | 'failed' | 'skipped' | 'error', not 'odd'"),
    ],
)
def test_bad_results_json(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "results.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message.replace("|", r"\|").replace("(", r"\(")):
        load_results(path)


def test_bad_manifest_is_named(tmp_path: Path) -> None:
    (tmp_path / "unit").mkdir()
    (tmp_path / "unit" / "tier.json").write_text('{"tier": "unit"}')
    with pytest.raises(InputError, match=r"tier.json: `tier` is missing the key `status`"):
        collect(tmp_path, RUN)


def test_missing_results_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        collect(tmp_path / "none", RUN)


def shard_data(path: Path, source: Path, lines: list[int]) -> Path:
    from coverage import CoverageData

    data = CoverageData(basename=str(path))
    data.add_lines({str(source): lines})
    data.write()
    return path


def test_combined_coverage_uses_the_projects_configuration(tmp_path: Path) -> None:
    """Shards executed lines {1, 2, 5} between them, of 4 statements; the project excludes `unused()`."""
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    source = project / "pkg" / "__init__.py"
    source.write_text("def add(a, b):\n    return a + b\n\n\ndef unused():\n    return 0\n")
    shards = [shard_data(tmp_path / "a.data", source, [1, 2, 5]), shard_data(tmp_path / "b.data", source, [1, 5])]
    plain = combine_coverage(shards, tmp_path / "plain", 80)
    assert (plain.percent, plain.covered_lines, plain.num_statements) == (75.0, 3, 4)

    (project / "pyproject.toml").write_text('[tool.coverage.report]\nexclude_lines = ["def unused"]\n')
    configured = combine_coverage(shards, tmp_path / "configured", 80, project)
    assert (configured.percent, configured.covered_lines, configured.num_statements) == (100.0, 2, 2)
    report = json.loads((tmp_path / "configured" / "coverage.json").read_text())
    assert list(report["files"]) == ["pkg/__init__.py"]  # relative to the project, as pytest-cov names them


def test_combining_needs_every_shards_data_and_the_sources(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"b.data is missing \(upload coverage.data with each shard\)"):
        combine_coverage([tmp_path / "b.data"], tmp_path / "out", 80)
    gone = shard_data(tmp_path / "a.data", tmp_path / "deleted.py", [1])
    with pytest.raises(InputError, match=r"cannot combine coverage of 1 shards: .*checked out where the shards ran"):
        combine_coverage([gone], tmp_path / "out", 80)
