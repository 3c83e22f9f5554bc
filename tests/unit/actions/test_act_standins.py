"""The act stand-ins behave like the artifact actions in the ways our workflows depend on."""

import subprocess
import sys
from pathlib import Path

STANDINS = Path(__file__).resolve().parents[2] / "act" / "standins" / "standins.py"


def action(name: str, workspace: Path, run_id: str = "1", **inputs: str) -> subprocess.CompletedProcess[str]:
    env = {"GITHUB_WORKSPACE": str(workspace), "GITHUB_RUN_ID": run_id, "GITHUB_OUTPUT": str(workspace / "out"),
           "QA_ACT_ARTIFACTS": str(workspace / "store"), "QA_ACT_CACHES": str(workspace / "caches"),
           **{f"INPUT_{k.upper()}": v for k, v in inputs.items()}}
    return subprocess.run([sys.executable, str(STANDINS), name], env=env, capture_output=True, text=True, check=False)


def test_upload_skips_hidden_files_unless_asked_and_names_are_unique(tmp_path: Path) -> None:
    results = tmp_path / "qa-results" / "unit"
    results.mkdir(parents=True)
    for name in ("coverage.data", "junit.xml", ".tier.json.tmp"):
        (results / name).write_text(name)
    assert action("upload-artifact", tmp_path, NAME="qa-results-unit", PATH="qa-results").returncode == 0
    stored = tmp_path / "store" / "1" / "qa-results-unit" / "unit"
    assert sorted(p.name for p in stored.iterdir()) == ["coverage.data", "junit.xml"]
    again = action("upload-artifact", tmp_path, NAME="qa-results-unit", PATH="qa-results")
    assert again.returncode == 1 and "already exists" in again.stdout
    hidden = action("upload-artifact", tmp_path, NAME="all", PATH="qa-results", INCLUDE_HIDDEN_FILES="true")
    assert hidden.returncode == 0 and (tmp_path / "store" / "1" / "all" / "unit" / ".tier.json.tmp").is_file()
    empty = action("upload-artifact", tmp_path, NAME="none", PATH="missing", IF_NO_FILES_FOUND="error")
    assert empty.returncode == 1
    some = action("upload-artifact", tmp_path, NAME="some", PATH="qa-results\n!qa-results/unit/junit.xml")
    assert some.returncode == 0
    assert [p.name for p in (tmp_path / "store" / "1" / "some" / "unit").iterdir()] == ["coverage.data"]


def test_download_by_pattern_and_from_another_run(tmp_path: Path) -> None:
    for artifact in ("qa-results-unit", "qa-results-smoke", "qa-report"):
        (tmp_path / "store" / "7" / artifact).mkdir(parents=True)
        (tmp_path / "store" / "7" / artifact / f"{artifact}.txt").write_text("x")
    done = action("download-artifact", tmp_path, run_id="7", PATTERN="qa-results-*", PATH="in")
    assert done.returncode == 0 and sorted(p.name for p in (tmp_path / "in").iterdir()) == [
        "qa-results-smoke", "qa-results-unit"]
    assert action("download-artifact", tmp_path, run_id="8", PATTERN="qa-*", PATH="none").returncode == 0
    assert not (tmp_path / "none").exists()  # run 8 has nothing and no token asks for run 7
    foreign = action("download-artifact", tmp_path, run_id="8", PATTERN="qa-report", PATH="fork", RUN_ID="7",
                     GITHUB_TOKEN="t", MERGE_MULTIPLE="true")
    assert foreign.returncode == 0 and (tmp_path / "fork" / "qa-report.txt").is_file()


def test_cache_saves_a_key_once_and_restores_the_newest_prefix_match(tmp_path: Path) -> None:
    history = tmp_path / "project" / "qa-history.sqlite"
    history.parent.mkdir()
    for key in ("qa-history-1", "qa-history-2"):
        history.write_text(key)
        assert action("cache-save", tmp_path, PATH="project/qa-history.sqlite", KEY=key).returncode == 0
    history.write_text("later")
    twice = action("cache-save", tmp_path, PATH="project/qa-history.sqlite", KEY="qa-history-2")
    assert twice.returncode == 0 and "Unable to reserve cache" in twice.stdout
    history.unlink()
    done = action("cache-restore", tmp_path, PATH="project/qa-history.sqlite", KEY="qa-history-3",
                  RESTORE_KEYS="qa-history-")
    assert done.returncode == 0 and history.read_text() == "qa-history-2"
    assert "cache-hit=false\n" in (tmp_path / "out").read_text()
    missing = action("cache-restore", tmp_path, PATH="x", KEY="other", RESTORE_KEYS="other-")
    assert missing.returncode == 0 and "Cache not found" in missing.stdout
