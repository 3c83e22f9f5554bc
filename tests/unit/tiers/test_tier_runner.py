"""The tier runner against tiny real projects: real pytest subprocesses, real coverage."""

import json
import sys
from pathlib import Path

import pytest

from qa_actions.config import load_config
from qa_actions.project.interpreter import Interpreter, MissingTool
from qa_actions.tiers.run import TierRun
from qa_actions.tiers.runner import pytest_invocation, run_tier

PYPROJECT = """
[tool.qa]
python = "{python}"
[tool.qa.tiers.unit]
source = ["pkg"]
{extra}
"""


def make_project(root: Path, test_body: str = "assert add(1, 2) == 3", extra: str = "") -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("def add(a, b):\n    return a + b\n\n\ndef unused():\n    return 0\n")
    (root / "tests" / "unit").mkdir(parents=True)
    (root / "tests" / "unit" / "test_add.py").write_text(f"from pkg import add\n\n\ndef test_add():\n    {test_body}\n")
    (root / "pyproject.toml").write_text(PYPROJECT.format(python=sys.executable, extra=extra))
    return root


def test_passing_tier_writes_reports(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path))
    manifest = run_tier(TierRun(config, "unit", tmp_path / "out", echo=False))
    assert (manifest.status, manifest.exit_code, manifest.coverage_gate) == ("ran", 0, 80)
    folder = tmp_path / "out" / "unit"
    assert (folder / "junit.xml").is_file() and (folder / "coverage.data").is_file()
    assert json.loads((folder / "coverage.json").read_text())["totals"]["percent_covered"] == pytest.approx(75.0)
    assert json.loads((folder / "tier.json").read_text())["python"] == manifest.python
    assert "1 passed" in (folder / "output.log").read_text()


def test_missing_folder_is_skipped_and_stale_reports_go(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path))
    stale = tmp_path / "out" / "chaos"
    stale.mkdir(parents=True)
    (stale / "junit.xml").write_text("<testsuite/>")
    manifest = run_tier(TierRun(config, "chaos", tmp_path / "out", echo=False))
    assert (manifest.status, manifest.reason) == ("skipped", "no tests (tests/chaos not found)")
    assert manifest.error_code == "no-tests"  # evaluate decides, from the configuration, whether it may be empty
    assert not (stale / "junit.xml").exists()


def test_no_tests_collected_is_pytest_exit_5_not_a_crash(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path, extra='markers = "nothing_has_this_marker"'))
    manifest = run_tier(TierRun(config, "unit", tmp_path / "out", echo=False))
    assert (manifest.status, manifest.exit_code, manifest.reason) == ("skipped", 5, "no tests collected")
    assert manifest.error_code == "no-tests"


def test_whole_tier_timeout(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path, "import time; time.sleep(30)", "tier-timeout = 1\ntimeout = false"))
    manifest = run_tier(TierRun(config, "unit", tmp_path / "out", echo=False))
    assert (manifest.status, manifest.error_code, manifest.exit_code) == ("error", "tier-timeout", None)
    assert manifest.duration_s < 15


def test_echo_streams_output(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    config = load_config(make_project(tmp_path))
    run_tier(TierRun(config, "unit", tmp_path / "out", echo=True))
    assert "1 passed" in capfd.readouterr().out


def test_missing_plugin_is_a_missing_tool(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path))
    bare = Interpreter("/usr/bin/python3", (3, 11, 0), frozenset({"pytest"}))
    with pytest.raises(MissingTool, match="lacks pytest-timeout: install it there"):
        pytest_invocation(TierRun(config, "unit", tmp_path / "out"), bare, ["tests/unit"])


def test_invocation_uses_sysmon_on_312_unless_branch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COVERAGE_CORE", raising=False)
    config = load_config(make_project(tmp_path))
    modern = Interpreter("/x/python3.12", (3, 12, 1), frozenset({"pytest", "pytest_cov", "pytest_timeout"}))
    run = TierRun(config, "unit", tmp_path / "out")
    command, env = pytest_invocation(run, modern, ["tests/unit"])
    assert env["COVERAGE_CORE"] == "sysmon"
    assert "--cov=pkg" in command and "--timeout=60" in command
    config.tiers["unit"].branch = True
    command, env = pytest_invocation(run, modern, ["tests/unit"])
    assert "--cov-branch" in command and "COVERAGE_CORE" not in env
    old = Interpreter("/x/python3.11", (3, 11, 7), modern.modules)
    assert "COVERAGE_CORE" not in pytest_invocation(run, old, ["tests/unit"])[1]


def test_gate_without_anything_to_measure(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "pkg" / "__init__.py").unlink()
    (project / "pyproject.toml").write_text(f'[tool.qa]\npython = "{sys.executable}"\n')
    assert load_config(project).tiers["unit"].coverage_gate is None  # detected: no package, so no gate
    # a gate the configuration sets, with nothing to measure, is an error, not a silent pass
    (project / "pyproject.toml").write_text(f'[tool.qa]\npython = "{sys.executable}"\n'
                                            '[tool.qa.tiers.unit]\ncoverage = 80\n')
    manifest = run_tier(TierRun(load_config(project), "unit", tmp_path / "out", echo=False))
    assert manifest.error_code == "missing-tool"
    assert "has a coverage gate but nothing to measure" in manifest.reason
