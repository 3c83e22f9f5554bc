"""Small pieces: sources, interpreter probe, process runner, progress, run info, results folder."""

import os
import sys
import time
from pathlib import Path

import pytest

from qa_actions.errors import QaError
from qa_actions.pipeline import fresh_results
from qa_actions.progress import step
from qa_actions.project.interpreter import MissingTool, probe, project_python
from qa_actions.project.process import run_streaming
from qa_actions.project.runinfo import current_run


def test_probe_reports_version_and_plugins() -> None:
    found = probe(sys.executable)
    assert found.version[:2] == sys.version_info[:2]
    assert {"pytest", "pytest_cov", "pytest_timeout"} <= found.modules


@pytest.mark.parametrize(("python", "message"), [("/nonexistent/python", "cannot start the test interpreter"),
                                                 ("false", "is not a working Python 3 interpreter")])
def test_probe_of_a_broken_interpreter(python: str, message: str) -> None:
    with pytest.raises(MissingTool, match=message):
        probe(python)


def test_project_python_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_PYTHON", "/opt/py")
    assert project_python("/configured") == "/configured"
    assert project_python(None) == "/opt/py"
    monkeypatch.delenv("QA_PYTHON")
    assert Path(project_python(None)).name.startswith("python")


def test_run_streaming_kills_the_whole_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "child-survived"
    child = tmp_path / "child.py"
    child.write_text(f"import time\ntime.sleep(2)\nopen({str(marker)!r}, 'w').close()\n")
    parent = tmp_path / "parent.py"
    parent.write_text(f"import subprocess, sys, time\nsubprocess.Popen([sys.executable, {str(child)!r}])\n"
                      "print('started', flush=True)\ntime.sleep(30)\n")
    outcome = run_streaming([sys.executable, str(parent)], cwd=tmp_path, env=dict(os.environ),
                            log_path=tmp_path / "log.txt", timeout_s=1, echo=False)
    assert outcome.timed_out and outcome.exit_code is None
    assert outcome.tail == ["started"]
    time.sleep(2.5)
    assert not marker.exists()


def test_run_streaming_keeps_a_tail(tmp_path: Path) -> None:
    outcome = run_streaming([sys.executable, "-c", "for i in range(100): print(i)"], cwd=tmp_path,
                            env=dict(os.environ), log_path=tmp_path / "log.txt", timeout_s=None, echo=False)
    assert (outcome.exit_code, outcome.timed_out) == (0, False)
    assert outcome.tail[-1] == "99" and len(outcome.tail) == 40
    assert outcome.tail_text(2) == "98\n99"
    assert (tmp_path / "log.txt").read_text().count("\n") == 100


def test_progress_heartbeat(capsys: pytest.CaptureFixture[str]) -> None:
    with step("tier unit (1/1)", heartbeat_s=0.05):
        time.sleep(0.18)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "▶ tier unit (1/1)"
    assert len(lines) >= 3 and lines[1].startswith("… tier unit (1/1): still running (0.")


def test_run_info_from_github_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key, value in {"GITHUB_RUN_ID": "77", "GITHUB_RUN_ATTEMPT": "2", "GITHUB_SHA": "abc",
                       "GITHUB_REF_NAME": "main", "GITHUB_EVENT_NAME": "push", "GITHUB_REPOSITORY": "o/r"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("GITHUB_HEAD_REF", raising=False)
    info = current_run(tmp_path)
    assert (info.run_id, info.commit, info.branch, info.event, info.repository) == ("77.2", "abc", "main", "push",
                                                                                    "o/r")


def test_run_info_locally_outside_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in [k for k in os.environ if k.startswith("GITHUB_")]:
        monkeypatch.delenv(key)
    info = current_run(tmp_path)
    assert info.run_id.startswith("local-") and info.event == "local" and info.commit is None


def test_fresh_results_clears_our_folder_and_refuses_others(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    (ours / "unit").mkdir(parents=True)
    (ours / "unit" / "tier.json").write_text("{}")
    fresh_results(ours)
    assert not ours.exists()
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    with pytest.raises(QaError, match="holds files qa did not write"):
        fresh_results(foreign)
    assert (foreign / "thesis.tex").exists()
