import json
import shutil
from pathlib import Path

import pytest

from qa_actions.collect import collect
from qa_actions.errors import InputError
from qa_actions.manifest import TierManifest, write_manifest
from qa_actions.model import RunInfo, load_results, save_results

DATA = Path(__file__).parents[1] / "data" / "junit"
RUN = RunInfo("r1", "2026-11-28T00:00:00+00:00")


def tier_folder(root: Path, name: str, tier: str, junit: str | None = "pytest-xunit1.xml",
                status: str = "ran", gate: float | None = None, coverage: float | None = None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    write_manifest(folder, TierManifest(tier=tier, status=status, started="t", duration_s=2.0,
                                        coverage_gate=gate, reason="why" if status != "ran" else None))
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
