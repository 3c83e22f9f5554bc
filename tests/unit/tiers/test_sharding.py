"""Sharding: the K/N spec, shard folders, where the timings come from, and how the options reach pytest."""

import json
import sys
from pathlib import Path

import pytest
from test_tier_runner import PYPROJECT, make_project

from qa_actions.config import load_config
from qa_actions.errors import ConfigError, InputError
from qa_actions.history.store import CaseRow, RunRecord, RunRow, TierRow, open_history
from qa_actions.manifest import Shard, TierManifest, write_manifest
from qa_actions.project.interpreter import Interpreter, MissingTool
from qa_actions.tiers.run import TierRun
from qa_actions.tiers.runner import pytest_invocation, run_tier
from qa_actions.tiers.shards import find_timings, history_timings, read_durations, remove_other_layouts

ALL_PLUGINS = frozenset({"pytest", "pytest_cov", "pytest_timeout", "xdist", "pytest_split"})


@pytest.mark.parametrize(("text", "shard"), [("2/4", Shard(2, 4)), (" 1 / 1 ", Shard(1, 1)), ("16/16", Shard(16, 16))])
def test_shard_spec(text: str, shard: Shard) -> None:
    assert Shard.parse(text) == shard
    assert shard.folder_name("unit") == f"unit-{shard.index}of{shard.count}"


@pytest.mark.parametrize(
    ("text", "message"),
    [("5/4", "the shard must be between 1 and 4, not 5"),
     ("0/4", "the shard must be between 1 and 4, not 0"),
     ("1/0", "the number of shards must be between 1 and 256, not 0"),
     ("1/300", "the number of shards must be between 1 and 256, not 300"),
     ("2of4", "expected K/N"), ("-1/4", "expected K/N"), ("", "expected K/N")],
)
def test_bad_shard_spec(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Shard.parse(text)


def folder(results: Path, name: str, tier: str = "unit") -> Path:
    path = results / name
    path.mkdir(parents=True)
    write_manifest(path, TierManifest(tier=tier, status="ran", started="t"))
    return path


def test_a_run_removes_the_tiers_other_layouts_only(tmp_path: Path) -> None:
    unsharded, sibling = folder(tmp_path, "unit"), folder(tmp_path, "unit-2of2")
    other_count = folder(tmp_path, "unit-1of3")
    other_tier, foreign = folder(tmp_path, "unit-api-1of3", "unit-api"), tmp_path / "unit-3of3"
    foreign.mkdir()  # no tier.json: not ours, left alone
    remove_other_layouts(tmp_path, "unit", Shard(1, 2))
    assert [p.exists() for p in (unsharded, sibling, other_count, other_tier, foreign)] == [False, True, False, True,
                                                                                            True]
    remove_other_layouts(tmp_path, "unit", None)
    assert not sibling.exists() and other_tier.exists()


def test_durations_file_formats(tmp_path: Path) -> None:
    path = tmp_path / ".test_durations"
    path.write_text(json.dumps({"tests/test_a.py::test_x": 1.5, "tests/test_a.py::test_y[1]": 0}))
    assert read_durations(path) == {"tests/test_a.py::test_x": 1.5, "tests/test_a.py::test_y[1]": 0.0}
    path.write_text(json.dumps([["tests/test_a.py::test_x", 2]]))  # pytest-split's older format
    assert read_durations(path) == {"tests/test_a.py::test_x": 2.0}


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "not valid JSON"), ("[1, 2]", "expected a JSON object of test id -> seconds"),
     ('{"t": -1}', "`t` must map a test id to seconds"), ('{"t": "slow"}', "`t` must map a test id to seconds"),
     ('{"t": true}', "`t` must map a test id to seconds")],
)
def test_bad_durations_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "durations.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        read_durations(path)


def run_with(run_id: str, time: int, tests: dict[str, float], tier: str = "unit") -> RunRecord:
    cases = [CaseRow(tier, name, "passed", seconds) for name, seconds in tests.items()]
    return RunRecord(RunRow(run_id, time, "passed"), [TierRow(tier, "passed")], [], cases)


def test_history_timings_are_medians_of_the_newest_runs(tmp_path: Path) -> None:
    history = tmp_path / "qa-history.sqlite"
    with open_history(history, create=True) as store:
        # appended out of time order: "newest" means the latest time, not the last append
        store.append(run_with("late", 9000, {"t::a": 9.0, "t::b": 0.5}))
        for i, seconds in enumerate([1.0, 2.0, 3.0, 4.0, 100.0, 100.0]):
            store.append(run_with(f"r{i}", 1000 + i, {"t::a": seconds, "t::b": 0.25}))
        store.append(run_with("other-tier", 9500, {"t::a": 50.0}, tier="smoke"))
    found = history_timings(history, "unit")
    # the five newest unit runs: late (9.0), r5, r4 (100.0), r3 (4.0), r2 (3.0) -> median 9.0
    assert found.seconds == {"t::a": 9.0, "t::b": 0.25}
    assert found.source == "history qa-history.sqlite (5 runs, 2 tests)"
    assert history_timings(history, "acid").seconds == {}


def test_timings_come_from_the_durations_file_then_the_history(tmp_path: Path) -> None:
    root = make_project(tmp_path, extra='durations = "ci/durations.json"')
    with pytest.raises(InputError, match=r"`\[tool.qa.tiers.unit\] durations` names .*ci/durations.json, which does"):
        find_timings(load_config(root), "unit")
    (root / "ci").mkdir()
    (root / "ci" / "durations.json").write_text('{"t::a": 3}')
    assert find_timings(load_config(root), "unit").source == "durations file ci/durations.json (1 test)"

    (root / "pyproject.toml").write_text(PYPROJECT.format(python=sys.executable, extra=""))  # no durations key
    assert find_timings(load_config(root), "unit").source == "none: split by test count"
    with open_history(root / "qa-history.sqlite", create=True) as store:
        store.append(run_with("r1", 1000, {"t::a": 2.0}))
    timings = find_timings(load_config(root), "unit")
    assert (timings.source, timings.seconds) == ("history qa-history.sqlite (1 run, 1 test)", {"t::a": 2.0})
    assert find_timings(load_config(root), "smoke").source == "none: split by test count"
    (root / "qa-history.sqlite").write_text("not a database, but a long enough text " * 20)
    assert find_timings(load_config(root), "unit").source.startswith("none: history unreadable (")


def test_shard_and_workers_options_reach_pytest(tmp_path: Path) -> None:
    root = make_project(tmp_path, extra='workers = "auto"')
    config = load_config(root)
    run = TierRun(config, "unit", tmp_path / "out", shard=Shard(2, 3))
    everything = Interpreter("/x/python3", (3, 12, 1), ALL_PLUGINS)
    command, _ = pytest_invocation(run, everything, ["tests/unit"])
    assert command[command.index("-n") + 1] == "auto"
    durations = tmp_path / "out" / "unit-2of3" / "durations.json"
    assert command[-8:] == ["--splits", "3", "--group", "2", "--splitting-algorithm", "least_duration",
                            "--durations-path", str(durations)]
    assert json.loads(durations.read_text()) == {}
    assert run.timings.summary.startswith("none: split by test count [sha256 ")

    without_split = Interpreter("/x/python3", (3, 12, 1), ALL_PLUGINS - {"pytest_split"})
    with pytest.raises(MissingTool, match="lacks pytest-split: install it there"):
        pytest_invocation(run, without_split, ["tests/unit"])
    without_xdist = Interpreter("/x/python3", (3, 12, 1), ALL_PLUGINS - {"xdist"})
    with pytest.raises(MissingTool, match="lacks pytest-xdist: install it there"):
        pytest_invocation(run, without_xdist, ["tests/unit"])

    config.tiers["unit"].workers = 1
    command, _ = pytest_invocation(TierRun(config, "unit", tmp_path / "out"), without_xdist, ["tests/unit"])
    assert "-n" not in command and "--splits" not in command


@pytest.mark.parametrize(("value", "ok"), [("2", True), ('"auto"', True), ("0", False), ('"many"', False),
                                           ("1.5", False)])
def test_workers_setting(tmp_path: Path, value: str, ok: bool) -> None:
    root = make_project(tmp_path, extra=f"workers = {value}")
    if ok:
        assert load_config(root).tiers["unit"].workers == json.loads(value)
    else:
        with pytest.raises(ConfigError, match=r"`tool\.qa\.tiers\.unit(`: `workers` takes|\.workers` must be)"):
            load_config(root)


def test_chaos_experiments_run_in_the_first_shard_only(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "tests" / "chaos" / "experiments").mkdir(parents=True)
    (root / "tests" / "chaos" / "test_up.py").write_text("def test_up():\n    pass\n")
    (root / "tests" / "chaos" / "experiments" / "broken.json").write_text("{not json")
    config = load_config(root)
    second = run_tier(TierRun(config, "chaos", tmp_path / "out", echo=False, shard=Shard(2, 2)))
    first = run_tier(TierRun(config, "chaos", tmp_path / "out", echo=False, shard=Shard(1, 2)))
    assert second.experiments == [] and second.shard == "2/2"
    assert [e.file for e in first.experiments] == ["tests/chaos/experiments/broken.json"]


def test_a_load_tier_cannot_be_sharded(sample_project: Path, run_qa) -> None:
    done = run_qa("tier", "load", "--shard", "1/2", "--project", sample_project)
    assert done.returncode == 2 and "tier load is a load tier, one locust run" in done.stderr
