"""The setup action's bootstrap, really run: uv from its hashed wheel, the lock installed with hash
checking into a fresh environment (PyPI), an extra added later, pip as the fallback, a tampered hash."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.markers import Marker

from qa_actions import __version__, bootstrap

pytestmark = pytest.mark.network
REPO = bootstrap.ROOT


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One uv and one uv cache for the module's runs (a warm Actions cache after the first)."""
    return tmp_path_factory.mktemp("qa-actions-cache")


def run_bootstrap(venv: Path, cache: Path, *args: str, root: Path = REPO,
                  **env: str) -> subprocess.CompletedProcess[str]:
    outer = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "QA_", "UV_", "VIRTUAL_ENV"))}
    variables = {**outer, "QA_ACTIONS_VENV": str(venv), "QA_ACTIONS_CACHE": str(cache), **env}
    return subprocess.run([sys.executable, "-I", str(root / "scripts" / "qa_actions" / "bootstrap.py"), *args],
                          env=variables, capture_output=True, text=True, check=False, timeout=600)


def expected(layers: list[str]) -> dict[str, str]:
    """The lock's pins that apply to this interpreter and platform."""
    pins = {}
    for key in bootstrap.lock_entries(bootstrap.merged_lock(REPO, layers)):
        pin, _, marker = key.partition(";")
        if not marker.strip() or Marker(marker.strip()).evaluate():
            name, _, version = pin.strip().partition("==")
            pins[name] = version
    return pins


def installed(venv: Path) -> dict[str, str]:
    done = subprocess.run([str(bootstrap.executable(venv, "python")), "-c",
                           "import importlib.metadata as m, json; print(json.dumps({d.metadata['Name']: d.version"
                           " for d in m.distributions()}))"], capture_output=True, text=True, check=True)
    return {bootstrap.canonical(name): version for name, version in json.loads(done.stdout).items()
            if bootstrap.canonical(name) not in ("pip", "qa-actions")}  # venv's pip; an egg-info of a dev tree


def test_the_environment_holds_exactly_the_lock_and_qa_runs(tmp_path: Path, cache: Path) -> None:
    venv = tmp_path / "venv"
    done = run_bootstrap(venv, cache, "--project-python", "/usr/bin/python3", GITHUB_ENV=str(tmp_path / "env"))
    assert done.returncode == 0, done.stderr
    assert "core installed from the lock with uv" in done.stderr
    assert installed(venv) == expected(["core"])
    qa = bootstrap.qa_launcher(venv)
    version = subprocess.run([str(qa), "--version"], capture_output=True, text=True, check=True).stdout
    assert version.strip() == f"qa, version {__version__}"
    assert (tmp_path / "env").read_text() == f"QA={qa}\nQA_PYTHON=/usr/bin/python3\n"
    # a later step asking for an extra adds it, keeping what is there
    more = run_bootstrap(venv, cache, "--extras", "data")
    assert more.returncode == 0, more.stderr
    assert installed(venv) == expected(["core", "data"])
    again = run_bootstrap(venv, cache, "--extras", "data")
    assert again.returncode == 0 and "installed from the lock" not in again.stderr  # reused as it is


def test_pip_is_the_fallback_and_checks_the_hashes_too(tmp_path: Path, cache: Path) -> None:
    venv = tmp_path / "venv"
    done = run_bootstrap(venv, cache, QA_ACTIONS_INSTALLER="pip")
    assert done.returncode == 0, done.stderr
    assert "core installed from the lock with pip" in done.stderr
    assert installed(venv) == expected(["core"])


def test_a_tampered_hash_stops_the_install(tmp_path: Path, cache: Path) -> None:
    root = tmp_path / "qa-actions"
    shutil.copytree(REPO / "lock", root / "lock")
    shutil.copytree(REPO / "scripts", root / "scripts")  # a copy: the bootstrap finds its lock beside itself
    core = root / "lock" / "core.txt"
    tampered = re.sub(r"^(click==\S+)(?: \\\n    --hash=sha256:[0-9a-f]+)+", r"\1 \\\n    --hash=sha256:" + "0" * 64,
                      core.read_text(), flags=re.M)
    assert "0" * 64 in tampered
    core.write_text(tampered)
    venv = tmp_path / "venv"
    done = run_bootstrap(venv, cache, root=root)
    assert done.returncode == 2
    assert "::error title=qa-actions setup::installing qa-actions' lock with uv failed" in done.stderr
    assert "hash" in done.stderr.lower()
    assert not (venv / bootstrap.MARKER).exists()
