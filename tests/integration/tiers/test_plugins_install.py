"""`qa plugins --install` puts what the tiers need into the project's own interpreter, not ours."""

import subprocess
import sys
from pathlib import Path

from qa_actions.commands.plugins import _not_satisfied


def test_installs_the_tier_plugins_into_a_fresh_project_environment(tmp_path: Path, sample_project: Path,
                                                                     run_qa) -> None:
    venv = tmp_path / "project-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    done = run_qa("plugins", "--project", sample_project, "--tiers", "acid,smoke", "--install",
                  env={"QA_PYTHON": python}, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"installing into {python}: pytest>=8.0 pytest-timeout>=2.3 pytest-split>=0.10" in done.stderr
    probe = subprocess.run([python, "-c", "import pytest, pytest_timeout, pytest_split; print('ok')"],
                           capture_output=True, text=True, check=False)
    assert probe.stdout.strip() == "ok", probe.stderr
    again = run_qa("plugins", "--project", sample_project, "--tiers", "acid,smoke", "--install",
                   env={"QA_PYTHON": python})
    assert again.returncode == 0 and "installing into" not in again.stderr, again.stderr
    assert f"{python} already has every plugin the tiers need" in again.stderr
    tier = run_qa("tier", "acid", "--project", sample_project, "-q", env={"QA_PYTHON": python})
    assert tier.returncode == 0, tier.stdout + tier.stderr


def test_a_failing_install_is_one_clear_line(sample_project: Path, run_qa) -> None:
    done = run_qa("plugins", "--project", sample_project, "--install", env={"QA_PYTHON": "/nonexistent/python"})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("qa: error: cannot run /nonexistent/python")


def test_only_requirements_the_interpreter_does_not_meet_go_to_pip() -> None:
    wanted = ["pytest>=8.0", "pytest>=999", "no-such-distribution-here>=1", "coverage[toml]>=1", "pytest @ file:///x"]
    assert _not_satisfied(sys.executable, wanted) == wanted[1:]
