"""What the composite actions call besides `qa tier`: step outputs, the job matrix, the plugin
list, gate options, and the bootstrap that installs qa-actions into its own environment."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from qa_actions import bootstrap
from qa_actions.config import load_config, parse_config
from qa_actions.errors import ConfigError
from qa_actions.evaluate.gates import evaluate
from qa_actions.github_env import export_variables, write_outputs
from qa_actions.model import (
    ChangedLinesResult,
    Counts,
    CoverageResult,
    Failure,
    RunInfo,
    RunResult,
    TierResult,
    save_results,
)
from qa_actions.render.outputs import render_outputs
from qa_actions.tiers.plan import build_matrix, matrix_json, parse_shards
from qa_actions.tiers.plugins import required_plugins


def config_of(toml_tiers: dict) -> object:
    return parse_config({"tiers": toml_tiers}, Path(), Path("pyproject.toml"))


def test_outputs_are_appended_and_multiline_values_fenced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {"GITHUB_OUTPUT": str(out), "GITHUB_ENV": str(tmp_path / "env")}
    assert write_outputs({"verdict": "passed", "text": "a\nb"}, env)
    assert export_variables({"QA": "/x/qa"}, env)
    lines = out.read_text().splitlines()
    assert lines[0] == "verdict=passed"
    delimiter = lines[1].removeprefix("text<<")
    assert lines[2:] == ["a", "b", delimiter] and delimiter.startswith("QA_")
    assert (tmp_path / "env").read_text() == "QA=/x/qa\n"


def test_outside_actions_nothing_is_written() -> None:
    assert write_outputs({"verdict": "passed"}, {}) is False


def test_outputs_sum_tiers_and_count_problems() -> None:
    unit = TierResult("unit", "failed", Counts(tests=10, passed=9, failed=1),
                      coverage=CoverageResult(percent=91.5, gate=80), failures=[Failure("t", "boom")])
    smoke = TierResult("smoke", "passed", Counts(tests=3, passed=2, skipped=1))
    run = RunResult(RunInfo("r", "t"), tiers={"unit": unit, "smoke": smoke})
    outputs = render_outputs(evaluate(run, {}, "medium"))
    assert outputs["verdict"] == "failed"
    assert (outputs["tests"], outputs["passed"], outputs["failed"], outputs["skipped"]) == ("13", "11", "1", "1")
    assert (outputs["problems-high"], outputs["problems-critical"]) == ("1", "0")
    assert json.loads(outputs["coverage"]) == {"unit": 91.5}
    assert (outputs["coverage-unit"], outputs["coverage-smoke"]) == ("91.50", "")


def test_matrix_has_one_entry_per_tier_and_shard() -> None:
    config = config_of({})
    entries = build_matrix(config, ["unit", "smoke"], parse_shards("unit=3"))
    assert [(e.tier, e.shard, e.shards, e.name) for e in entries] == [
        ("unit", 1, 3, "unit 1/3"), ("unit", 2, 3, "unit 2/3"), ("unit", 3, 3, "unit 3/3"), ("smoke", 1, 1, "smoke")]
    assert matrix_json(entries)["include"][0] == {"tier": "unit", "shard": 1, "shards": 3, "extras": "",
                                                  "select": False, "name": "unit 1/3"}


def test_the_matrix_says_which_tier_jobs_select_tests() -> None:
    """A job whose tier selects (and is not sharded) restores the impact maps and the git history."""
    config = config_of({"unit": {"select": "affected"}, "integration": {"select": "affected"}})
    entries = build_matrix(config, ["unit", "integration", "smoke"], parse_shards("integration=2"))
    assert {(e.tier, e.select) for e in entries} == {("unit", True), ("integration", False), ("smoke", False)}


@pytest.mark.parametrize(("shards", "tiers", "words"), [
    ("unit=0", ["unit"], "COUNT of 1 or more"),
    ("unit", ["unit"], "not TIER=COUNT"),
    ("smoke=2", ["unit"], "`smoke`, which is not among the tiers to run"),
    ("", [], "no tiers to run"),
])
def test_bad_matrix_requests(shards: str, tiers: list[str], words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        build_matrix(config_of({}), tiers, parse_shards(shards))


def test_matrix_names_the_extra_each_tier_job_installs(tmp_path: Path, run_qa) -> None:
    """A load tier's job installs qa-actions[load], a tier with chaostoolkit experiments [chaos], the rest the core."""
    (tmp_path / "pyproject.toml").write_text("[tool.qa.tiers.load]\nenabled = true\n")
    for name in ("unit", "chaos", "load"):
        (tmp_path / "tests" / name).mkdir(parents=True)
    done = run_qa("plan", "--project", tmp_path)
    extras = {e["tier"]: e["extras"] for e in json.loads(done.stdout)["include"]}
    assert extras == {"unit": "", "chaos": "", "load": "load"}, done.stderr
    (tmp_path / "tests" / "chaos" / "experiments").mkdir()
    (tmp_path / "tests" / "chaos" / "experiments" / "killed.json").write_text("{}")
    done = run_qa("plan", "--project", tmp_path)
    assert {e["tier"]: e["extras"] for e in json.loads(done.stdout)["include"]}["chaos"] == "chaos"


def test_plan_command_sets_the_matrix_output(tmp_path: Path, run_qa) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.qa.tiers.load]\nenabled = false\n")
    for name in ("unit", "integration", "chaos", "acid", "smoke"):
        (tmp_path / "tests" / name).mkdir(parents=True)
    out = tmp_path / "out"
    done = run_qa("plan", "--project", tmp_path, "--shards", "unit=2", env={"GITHUB_OUTPUT": str(out)})
    assert done.returncode == 0, done.stderr
    names = [e["name"] for e in json.loads(done.stdout)["include"]]
    assert names == ["unit 1/2", "unit 2/2", "integration", "chaos", "acid", "smoke"]
    assert "tiers=unit,integration,chaos,acid,smoke\n" in out.read_text()
    every = run_qa("plan", "--project", tmp_path, "--all")
    assert [e["tier"] for e in json.loads(every.stdout)["include"]][-1] == "load"
    unknown = run_qa("plan", "--project", tmp_path, "--tiers", "unit,nope")
    assert unknown.returncode == 2 and "unknown tier `nope`" in unknown.stderr
    production = run_qa("plan", "--project", tmp_path, "--all", "--env", "production")
    assert [e["tier"] for e in json.loads(production.stdout)["include"]] == ["smoke"]
    refused = run_qa("plan", "--project", tmp_path, "--tiers", "unit", "--env", "production")
    assert refused.returncode == 2 and "tier `unit` may not run against `production`" in refused.stderr


def test_plugins_follow_each_tiers_settings() -> None:
    config = config_of({"unit": {"coverage": 80, "workers": "auto"}, "smoke": {"timeout": False},
                        "integration": {"reruns": 2}})
    assert required_plugins(config, ["smoke"]) == ["pytest>=8.0", "pytest-split>=0.10"]
    assert required_plugins(config, ["unit", "smoke"]) == ["pytest>=8.0", "pytest-cov>=5.0", "pytest-timeout>=2.3",
                                                           "pytest-xdist>=3.6", "pytest-split>=0.10"]
    assert "pytest-rerunfailures>=14.0" in required_plugins(config, ["integration"])
    assert "pytest-split>=0.10" not in required_plugins(config, ["load"])


def test_plugins_command_lists_requirements(sample_project: Path, run_qa) -> None:
    done = run_qa("plugins", "--project", sample_project, "--tiers", "smoke")
    assert done.returncode == 0 and done.stdout.split() == ["pytest>=8.0", "pytest-timeout>=2.3", "pytest-split>=0.10"]


def results_with(project: Path, tier: TierResult) -> Path:
    results = project / "qa-results"
    changed = ChangedLinesResult("skipped", 80, reason="no base commit")  # as `qa collect` records it
    save_results(RunResult(RunInfo("r", "t"), tiers={tier.name: tier}, changed_lines=changed),
                 results / "results.json")
    return results


def test_gate_options_and_outputs(tmp_path: Path, run_qa) -> None:
    failing = TierResult("unit", "failed", Counts(tests=2, passed=1, failed=1), failures=[Failure("t", "boom")],
                         coverage=CoverageResult(percent=90.0, gate=80))
    results_with(tmp_path, failing)
    out = tmp_path / "out"
    env = {"GITHUB_OUTPUT": str(out)}
    assert run_qa("gate", "--project", tmp_path, env=env).returncode == 1
    outputs = out.read_text().splitlines()
    assert "verdict=failed" in outputs and "problems-high=1" in outputs and 'coverage={"unit": 90.0}' in outputs
    out.unlink()
    assert run_qa("gate", "--project", tmp_path, "--coverage-only", env=env).returncode == 0
    assert "verdict=passed" in out.read_text()
    assert run_qa("gate", "--project", tmp_path, env={"QA_FAIL_ON": "critical"}).returncode == 0


def test_gate_takes_coverage_gates_from_the_config_at_hand(tmp_path: Path, run_qa, errors_of) -> None:
    """A fork's results are judged by the base branch's gates, not by those their run recorded."""
    results_with(tmp_path, TierResult("unit", "passed", Counts(tests=1, passed=1),
                                      coverage=CoverageResult(percent=90.0, gate=80)))
    (tmp_path / "pyproject.toml").write_text("[tool.qa.tiers.unit]\ncoverage = 95\n")
    done = run_qa("gate", "--project", tmp_path, "--coverage-only")
    assert done.returncode == 1
    (problem,) = errors_of(tmp_path)
    assert problem["code"] == "coverage-gate" and "below the 95% gate" in problem["message"]
    (tmp_path / "pyproject.toml").write_text("[tool.qa.tiers.unit]\ncoverage = false\n")
    assert run_qa("gate", "--project", tmp_path).returncode == 0


def test_tier_takes_more_pytest_args(sample_project: Path, run_qa) -> None:
    done = run_qa("tier", "acid", "--project", sample_project, "-q", "--pytest-args", "-k 'no_such_test'")
    assert done.returncode == 1 and "no tests found: looked in tests/acid" in done.stdout, done.stderr
    manifest = json.loads((sample_project / "qa-results" / "acid" / "tier.json").read_text())
    assert manifest["reason"] == "no tests collected" and manifest["command"][-2:] == ["-k", "no_such_test"]
    assert manifest["error_code"] == "no-tests"  # pytest's exit code 5: nothing collected, not a crash
    broken = run_qa("tier", "acid", "--project", sample_project, "--pytest-args", "-k 'open")
    assert broken.returncode == 2 and "--pytest-args: No closing quotation" in broken.stderr


def test_fail_on_must_be_a_category(tmp_path: Path, run_qa) -> None:
    done = run_qa("gate", "--project", tmp_path, env={"QA_FAIL_ON": "severe"})
    assert done.returncode == 2 and "'severe' is not one of" in done.stderr


def test_load_config_fail_on_override(tmp_path: Path) -> None:
    assert load_config(tmp_path, "low").fail_on == "low"
    assert load_config(tmp_path).fail_on == "medium"


def fake_qa(venv: Path, works: bool = True, layers: tuple[str, ...] = ("core",)) -> Path:
    """An environment the bootstrap made from today's lock (its marker), with a stand-in `qa`."""
    qa = bootstrap.qa_launcher(venv)
    qa.parent.mkdir(parents=True)
    qa.write_text(f"#!/bin/sh\nexit {0 if works else 1}\n")
    qa.chmod(qa.stat().st_mode | stat.S_IEXEC)
    (venv / bootstrap.MARKER).write_text(f"{'+'.join(layers)} {bootstrap.lock_digest(bootstrap.ROOT, layers)}-"
                                        f"{bootstrap.code_digest(bootstrap.ROOT)}\n")
    return qa


def test_bootstrap_reuses_the_environment_and_exports_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    venv = tmp_path / "qa-venv"
    qa = fake_qa(venv)
    env = {"QA_ACTIONS_VENV": str(venv), "GITHUB_ENV": str(tmp_path / "env"), "GITHUB_OUTPUT": str(tmp_path / "out")}
    assert bootstrap.main(["--project-python", "/usr/bin/python3"], env) == 0
    assert (tmp_path / "env").read_text() == f"QA={qa}\nQA_PYTHON=/usr/bin/python3\n"
    assert (tmp_path / "out").read_text() == f"qa={qa}\n"


def test_bootstrap_keys_its_environment_by_checkout() -> None:
    one = bootstrap.venv_path(Path("/a/qa-actions/v1"), {"RUNNER_TEMP": "/tmp/job"})
    two = bootstrap.venv_path(Path("/a/qa-actions/v2"), {"RUNNER_TEMP": "/tmp/job"})
    assert one.parent == Path("/tmp/job") and one != two
    assert one == bootstrap.venv_path(Path("/a/qa-actions/v1"), {"RUNNER_TEMP": "/tmp/job"})


def test_bootstrap_failures_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken"
    fake_qa(broken, works=False)
    with pytest.raises(bootstrap.BootstrapError, match="creating the virtual environment failed"):
        bootstrap.ensure_installed(bootstrap.ROOT, broken, "/bin/false", ["core"],
                                   {"QA_ACTIONS_CACHE": str(tmp_path / "cache"), "QA_ACTIONS_INSTALLER": "pip"})
    monkeypatch.setattr(bootstrap, "MIN_PYTHON", (sys.version_info.major + 1, 0))
    assert bootstrap.main([], {}) == 2
    assert "run the qa-actions setup action first" in capsys.readouterr().err


def test_bootstrap_runs_as_a_plain_script(tmp_path: Path) -> None:
    """The actions run the file directly, before qa-actions is installed anywhere."""
    venv = tmp_path / "qa-venv"
    fake_qa(venv)
    env = {"PATH": os.environ["PATH"], "QA_ACTIONS_VENV": str(venv), "GITHUB_ENV": str(tmp_path / "env")}
    done = subprocess.run([sys.executable, "-I", bootstrap.__file__], env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "env").read_text().startswith("QA=")
