"""How tools from qa's environment see a project, and how a load target's command is filled in."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qa_actions.config import TierConfig
from qa_actions.project.interpreter import MissingTool
from qa_actions.tiers.load_target import TargetError, resolve_target
from qa_actions.tiers.tool_env import import_roots, python_module_command, tool_environment


def test_project_code_is_importable_like_pytest_makes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert import_roots(tmp_path) == [str(tmp_path.resolve())]
    (tmp_path / "src").mkdir()
    assert import_roots(tmp_path) == [str((tmp_path / "src").resolve()), str(tmp_path.resolve())]
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    env = tool_environment(tmp_path, "chaos", tmp_path / "out", "/usr/bin/python3")
    assert env["PYTHONPATH"].split(os.pathsep) == [*import_roots(tmp_path), "/elsewhere"]
    assert (env["QA_TIER"], env["QA_PYTHON"]) == ("chaos", "/usr/bin/python3")
    assert env["QA_RESULTS_DIR"] == str((tmp_path / "out").resolve())


def test_a_tool_missing_from_qas_environment_is_a_missing_tool() -> None:
    assert python_module_command("json", "json")[1:] == ["-m", "json"]
    with pytest.raises(MissingTool, match="the nope tier needs no_such_tool_module, which is not installed in qa's"):
        python_module_command("no_such_tool_module", "the nope tier")


def test_a_heavy_tool_missing_names_its_extra(tmp_path: Path) -> None:
    """A core-only environment (locust blocked in the process that runs qa) and a load tier."""
    (tmp_path / "pyproject.toml").write_text("[tool.qa.tiers.load]\nenabled = true\n")
    (tmp_path / "tests" / "load").mkdir(parents=True)
    (tmp_path / "tests" / "load" / "locustfile.py").write_text("")
    blocked = "import sys; sys.modules['locust'] = None; from qa_actions.cli import main; sys.exit(main())"
    done = subprocess.run([sys.executable, "-c", blocked, "tier", "load", "--project", str(tmp_path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in done.stderr
    assert done.returncode == 1 and "the load tier needs qa-actions[load]" in done.stdout
    manifest = json.loads((tmp_path / "qa-results" / "load" / "tier.json").read_text())
    assert manifest["error_code"] == "missing-tool"
    assert manifest["reason"].startswith("the load tier needs qa-actions[load]: locust is not installed in qa's")


def tier(**keys: object) -> TierConfig:
    return TierConfig(paths=["tests/load"], kind="load", **keys)  # type: ignore[arg-type]


def test_placeholders_are_filled(tmp_path: Path) -> None:
    target = resolve_target(tier(host="http://127.0.0.1:{port}", start="{python} -m app --db '{tmp}/a b.db' "
                                 "--port {port} --root {project}", ready="/health"), tmp_path, "/py", Path("/t"))
    port = target.host.rsplit(":", 1)[1]
    assert target.command == ["/py", "-m", "app", "--db", "/t/a b.db", "--port", port, "--root",
                              str(tmp_path.resolve())]
    assert target.ready_url == f"http://127.0.0.1:{port}/health"


def test_ready_defaults_to_the_host_only_when_qa_starts_the_target(tmp_path: Path) -> None:
    started = resolve_target(tier(host="http://127.0.0.1:{port}/", start=["serve", "{port}"]), tmp_path, "p", tmp_path)
    assert started.ready_url == started.host
    external = resolve_target(tier(host="http://127.0.0.1:8000"), tmp_path, "p", tmp_path)
    assert (external.ready_url, external.command) == (None, None)


@pytest.mark.parametrize(("keys", "words"), [
    ({"host": "http://127.0.0.1:{port}"}, "{port} only means something with a `start` command"),
    ({"ready": "/health", "start": ["serve"]}, "needs a `host` to resolve it against"),
])
def test_targets_that_cannot_work(tmp_path: Path, keys: dict, words: str) -> None:
    with pytest.raises(TargetError, match=re.escape(words)):
        resolve_target(tier(**keys), tmp_path, "p", tmp_path)
