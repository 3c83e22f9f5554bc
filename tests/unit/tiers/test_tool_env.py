"""How tools from qa's environment see a project, and how a load target's command is filled in."""

import os
import re
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
    with pytest.raises(MissingTool, match="no-such-tool is not installed in qa's environment"):
        python_module_command("no_such_tool_module", "no-such-tool")


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
