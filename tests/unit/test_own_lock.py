"""qa-actions' own lock (lock/, .ci/lock.py), the bootstrap's reading of it, the light core and its extras."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from qa_actions import bootstrap, pii
from qa_actions.extras import EXTRA_OF, missing_extra

REPO = Path(__file__).resolve().parents[2]
LOCK_TOOL = REPO / ".ci" / "lock.py"
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
HEAVY = ("locust", "gevent", "safety", "pip-audit", "faker", "chaostoolkit", "nltk")


def lock_check(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(LOCK_TOOL), "--check", "--project", str(project)],
                          capture_output=True, text=True, check=False)


def project_copy(tmp_path: Path) -> Path:
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(REPO / "lock", tmp_path / "lock")
    return tmp_path


def test_the_committed_lock_matches_pyproject() -> None:
    done = lock_check(REPO)
    assert done.returncode == 0, done.stderr
    assert "lock/ matches pyproject.toml" in done.stdout


def test_a_dependency_changed_without_refreshing_the_lock_fails_the_check(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    text = (project / "pyproject.toml").read_text()
    (project / "pyproject.toml").write_text(text.replace('"click>=8.1",', '"click>=99",'))
    done = lock_check(project)
    assert done.returncode == 1
    assert "lock/core.txt was made from another pyproject.toml: run python .ci/lock.py" in done.stderr
    assert "click>=99 (core) does not admit the locked click==" in done.stderr


def test_a_new_dependency_missing_from_the_lock_and_a_hand_edited_lock_fail(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    text = (project / "pyproject.toml").read_text()
    added = text.replace('data = ["Faker>=30.0"]', 'data = ["Faker>=30.0", "humanize>=4"]')
    (project / "pyproject.toml").write_text(added)
    core = project / "lock" / "core.txt"
    core.write_text("\n".join(line for line in core.read_text().splitlines()
                              if not line.strip().startswith("--hash") or "click" in line) + "\n")
    problems = lock_check(project).stderr
    assert "humanize>=4 (data) is not in the lock" in problems
    assert "lock/core.txt: coverage==" in problems and "has no --hash" in problems


def test_every_locked_entry_is_pinned_with_hashes() -> None:
    for path in sorted((REPO / "lock").glob("*.txt")):
        entries = bootstrap.lock_entries(path.read_text())
        assert entries, path
        for key, entry in entries.items():
            assert "==" in key.split()[0] and " --hash=sha256:" in entry, f"{path.name}: {key}"


def test_the_core_brings_none_of_the_heavy_tools() -> None:
    core = {bootstrap.entry_name(key) for key in bootstrap.lock_entries((REPO / "lock" / "core.txt").read_text())}
    assert not core & set(HEAVY)
    extras = PROJECT["optional-dependencies"]
    assert {Requirement(r).name.lower() for r in PROJECT["dependencies"]}.isdisjoint(HEAVY)
    assert "qa-actions[load,chaos,security,data]" in extras["all"]


def test_each_heavy_module_names_the_extra_that_installs_it() -> None:
    extras = PROJECT["optional-dependencies"]
    distribution = {"locust": "locust", "chaostoolkit": "chaostoolkit", "safety": "safety", "pip_audit": "pip-audit",
                    "faker": "faker"}
    for module, extra in EXTRA_OF.items():
        assert any(Requirement(r).name.lower() == distribution[module] for r in extras[extra]), (module, extra)


def test_a_missing_extra_is_one_line_naming_it() -> None:
    assert missing_extra("json", "the load tier") is None
    line = missing_extra("locust_not_here", "the load tier")
    assert line is not None and "\n" not in line and "reinstall qa-actions" in line
    EXTRA_OF["qa_no_such_module"] = "load"
    try:
        line = missing_extra("qa_no_such_module", "the load tier")
    finally:
        del EXTRA_OF["qa_no_such_module"]
    assert line is not None and line.startswith("the load tier needs qa-actions[load]: qa_no_such_module is not")
    assert "pip install 'qa-actions[load]'" in line


def test_layers_and_the_merged_lock() -> None:
    assert bootstrap.layers_for([]) == ["core"]
    assert bootstrap.layers_for(["data, load"]) == ["core", "load", "data"]
    assert bootstrap.layers_for(["all"]) == ["core", *bootstrap.EXTRAS]
    with pytest.raises(bootstrap.BootstrapError, match="unknown extra nope: the extras are load"):
        bootstrap.layers_for(["nope"])
    merged = bootstrap.lock_entries(bootstrap.merged_lock(REPO, bootstrap.layers_for(["all"])))
    pins = {key.split()[0] for key in merged}
    assert len(pins) == len(merged), "one requirement per locked version"
    every = [key for layer in bootstrap.layers_for(["all"])
             for key in bootstrap.lock_entries((REPO / "lock" / f"{layer}.txt").read_text())]
    assert pins == {key.split()[0] for key in every}


def test_a_package_locked_for_two_sets_of_markers_becomes_one_requirement(tmp_path: Path) -> None:
    (tmp_path / "lock").mkdir()
    (tmp_path / "lock" / "core.txt").write_text(
        "# header\ncffi==2.0 ; os_name == 'posix' \\\n    --hash=sha256:aa\nclick==8.0 \\\n    --hash=sha256:cc\n")
    (tmp_path / "lock" / "load.txt").write_text(
        "cffi==2.0 ; os_name == 'nt' \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n")
    merged = bootstrap.merged_lock(tmp_path, ["core", "load"])
    assert merged.splitlines()[0] == "cffi==2.0 ; (os_name == 'posix') or (os_name == 'nt') \\"
    assert merged.count("--hash=sha256:aa") == 1 and "--hash=sha256:bb" in merged
    with pytest.raises(bootstrap.BootstrapError, match="locked twice in one file"):
        bootstrap.lock_entries("click==8.0 \\\n  --hash=sha256:cc\nclick==8.0\n")
    with pytest.raises(bootstrap.BootstrapError, match="not a requirement"):
        bootstrap.lock_entries("--index-url https://example.test\n")


def test_the_cache_key_follows_the_lock(tmp_path: Path) -> None:
    shutil.copytree(REPO / "lock", tmp_path / "lock")
    before = bootstrap.cache_key(tmp_path, ["core", "load"])
    assert before.startswith(f"qa-actions-{sys.platform}-") and "-core+load-" in before
    assert bootstrap.cache_key(tmp_path, ["core"]) != before
    (tmp_path / "lock" / "load.txt").write_text((tmp_path / "lock" / "load.txt").read_text() + "\n# edited\n")
    assert bootstrap.cache_key(tmp_path, ["core", "load"]) != before


def test_the_packaged_names_are_fakers_at_the_locked_version() -> None:
    """Scrubbing reads names from the package (every job scrubs; Faker is the data extra): the copy
    must be what Faker's locales hold, at the version the lock pins."""
    first, last, version = pii.names_from_faker()
    packaged = (REPO / "scripts" / "qa_actions" / pii.NAMES_FILE).read_text()
    assert packaged == pii.names_text(first, last, version)
    locked = bootstrap.lock_entries((REPO / "lock" / "data.txt").read_text())
    assert f"faker=={version}" in {key.split()[0] for key in locked}


def test_our_pytest_plugins_import_nothing_heavy() -> None:
    """The pytest11 entry points load in every pytest session of an environment holding qa-actions."""
    plugins = list(tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["entry-points"]["pytest11"].values())
    probe = ("import json, sys; before = set(sys.modules); import pytest; base = set(sys.modules)\n"
             f"for name in {plugins!r}: __import__(name)\n"
             "print(json.dumps(sorted({m.split('.')[0] for m in set(sys.modules) - base})))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(REPO / "scripts"), "PATH": "/usr/bin:/bin"})
    loaded = set(json.loads(done.stdout)) - set(sys.stdlib_module_names)
    assert loaded == {"qa_actions"}, loaded


def test_a_lock_edited_to_two_versions_of_one_package_fails(tmp_path: Path) -> None:
    """What a hand edit (or a bot bumping one file) leaves: the core and an extra disagree on a version."""
    project = project_copy(tmp_path)
    load = project / "lock" / "load.txt"
    load.write_text(load.read_text() + "click==7.0 \\\n    --hash=sha256:" + "a" * 64 + "\n")
    problems = lock_check(project).stderr
    assert "lock/load.txt locks click==7.0, the core another version" in problems
    assert "click is locked at 7.0, " in problems
