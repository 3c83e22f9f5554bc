"""Shards and workers on the sample project, for real: pytest-split and pytest-xdist under coverage, then
`qa collect` combining the shards' coverage data. The gate must see exactly what one unsharded run sees."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import IGNORED, SAMPLE, qa

from qa_actions.collect.junit import iter_cases


def unit_tests_of(folder: Path) -> set[str]:
    return {case.test for case in iter_cases(folder / "junit.xml")}


def executed_lines(coverage_json: Path) -> dict[str, list[int]]:
    files = json.loads(coverage_json.read_text())["files"]
    return {name: data["executed_lines"] for name, data in files.items()}


def unit_result(results: Path) -> dict:
    return json.loads((results / "results.json").read_text())["tiers"]["unit"]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample project after one unsharded run of its unit tier, collected and recorded in its history."""
    project = tmp_path_factory.mktemp("sharding") / "sample"
    shutil.copytree(SAMPLE, project, ignore=IGNORED)
    results = project / "whole"
    assert qa("tier", "unit", "--project", project, "--results", results, "-q").returncode == 0
    assert qa("collect", "--project", project, "--results", results).returncode == 0
    assert qa("history", "add", "--project", project, "--results", results).returncode == 0
    return project, results


def test_sharded_and_combined_coverage_equals_unsharded(baseline: tuple[Path, Path]) -> None:
    project, whole = baseline
    results = project / "sharded"
    for k in (1, 2, 3):
        done = qa("tier", "unit", "--shard", f"{k}/3", "--project", project, "--results", results / f"job-{k}", "-q")
        assert done.returncode == 0, done.stdout + done.stderr
        assert "`qa collect` merges all 3 shards" in done.stdout
    shards = [results / f"job-{k}" / f"unit-{k}of3" for k in (1, 2, 3)]
    manifests = [json.loads((shard / "tier.json").read_text()) for shard in shards]
    assert [m["shard"] for m in manifests] == ["1/3", "2/3", "3/3"]
    tests = unit_result(whole)["counts"]["tests"]
    assert manifests[0]["shard_timings"].startswith(f"history qa-history.sqlite (1 run, {tests} tests) [sha256 ")
    assert len({m["shard_timings"] for m in manifests}) == 1

    # the shards split the tests: no test twice, none left out, none empty
    parts = [unit_tests_of(shard) for shard in shards]
    assert all(parts) and sum(map(len, parts)) == len(set().union(*parts))
    assert set().union(*parts) == unit_tests_of(whole / "unit")

    done = qa("collect", "--project", project, "--results", results)
    assert done.returncode == 0, done.stderr
    sharded, unsharded = unit_result(results), unit_result(whole)
    assert sharded["shards"] == 3 and sharded["counts"] == unsharded["counts"]
    assert sharded["coverage"].pop("report") == "combined/unit/coverage.json"
    assert sharded["coverage"] == {key: value for key, value in unsharded["coverage"].items() if key != "report"}
    assert sharded["coverage"]["percent"] < 100 and sharded["coverage"]["gate"] == 80
    # one shard alone covers less: the combination is what makes the numbers equal
    alone = json.loads((shards[0] / "coverage.json").read_text())["totals"]["covered_lines"]
    assert alone < unsharded["coverage"]["covered_lines"]
    assert executed_lines(results / "combined" / "unit" / "coverage.json") == executed_lines(whole / "unit" /
                                                                                             "coverage.json")


def test_workers_keep_coverage_exact(baseline: tuple[Path, Path]) -> None:
    project, whole = baseline
    parallel = project.parent / "parallel"
    shutil.copytree(project, parallel, ignore=shutil.ignore_patterns("whole", "sharded", "qa-history.sqlite"))
    with (parallel / "pyproject.toml").open("a") as config:
        config.write("\n[tool.qa.tiers.unit]\nworkers = 2\n")
    results = parallel / "qa-results"
    done = qa("tier", "unit", "--project", parallel, "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "gw1" in (results / "unit" / "output.log").read_text() or "2 workers" in (
        results / "unit" / "output.log").read_text()
    assert qa("collect", "--project", parallel).returncode == 0
    assert unit_result(results)["coverage"] == unit_result(whole)["coverage"]
    assert unit_result(results)["counts"] == unit_result(whole)["counts"]
    relative = {Path(name).as_posix().split("src/", 1)[1]: lines
                for name, lines in executed_lines(results / "unit" / "coverage.json").items()}
    assert relative == {Path(name).as_posix().split("src/", 1)[1]: lines
                        for name, lines in executed_lines(whole / "unit" / "coverage.json").items()}


@pytest.mark.parametrize(("spec", "message"), [("3/2", "the shard must be between 1 and 2, not 3"),
                                               ("two", "expected K/N")])
def test_bad_shard_is_a_usage_error(sample_project: Path, spec: str, message: str) -> None:
    done = qa("tier", "unit", "--shard", spec, "--project", sample_project)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (sample_project / "qa-results").exists()
