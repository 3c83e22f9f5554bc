"""The sample project passes under the setup the actions do, from a copy of its folder alone.

What actions/setup does, step by step, outside this repository: a Python of the project's own (a
fresh virtual environment, knowing nothing of qa-actions), the project installed the way it
installs itself (`qa install`: its `test` extra), `qa plugins --install`, then `qa run` with
QA_PYTHON at that interpreter. qa itself runs from this checkout with nothing leaking into the
project's environment: no PYTHONPATH, so the tests see qa's pytest plugins only as the copy a tier
makes for an interpreter without them. Needs PyPI (pip's cache makes a second run quick).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import IGNORED, REPO, SAMPLE

SCRIPTS = REPO / "scripts"
# qa from this checkout, found through sys.path rather than PYTHONPATH (which the tests would inherit)
QA = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(SCRIPTS)!r}); from qa_actions.cli import main;"
      " sys.exit(main())"]


def run(*args: str | Path, python: Path, cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith(("GITHUB_", "VIRTUAL_ENV"))}
    env["QA_PYTHON"] = str(python)
    return subprocess.run([*QA, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.mark.network
@pytest.mark.timeout(1500)
def test_the_sample_passes_under_the_actions_setup_from_a_copy_of_its_folder(tmp_path: Path) -> None:
    project = tmp_path / "ledger"
    shutil.copytree(SAMPLE, project, ignore=IGNORED, symlinks=True)
    assert not [p for p in project.rglob("*") if p.is_symlink()], "the sample links out of its folder"

    version = run("install", "--python-version", "--project", project, python=Path(sys.executable), cwd=tmp_path,
                  timeout=60)
    assert version.stdout == "3.11\n", version.stderr  # requires-python >=3.11; ours is 3.11 or newer
    venv = tmp_path / "project-python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"

    printed = run("install", "--print", "--project", project, python=python, cwd=tmp_path, timeout=60)
    assert printed.stdout.strip().endswith("-e '.[test]'"), printed.stdout
    installed = run("install", "--project", project, python=python, cwd=tmp_path, timeout=900)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    plugins = run("plugins", "--project", project, "--install", python=python, cwd=tmp_path, timeout=900)
    assert plugins.returncode == 0, plugins.stdout + plugins.stderr
    assert "not adding pytest-mock" in plugins.stderr  # the sample declares it, and now has it

    done = run("run", project, "-q", python=python, cwd=tmp_path, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((project / "qa-results" / "results.json").read_text())
    assert results["verdict"] == "passed"
    assert all(tier["counts"]["failed"] == 0 and tier["counts"]["tests"] > 0 for tier in results["tiers"].values())
    assert results["scans"]["safety"]["status"] == "passed"  # its own database, in its own folder
