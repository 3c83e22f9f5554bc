"""Every hostile input of tests/data/hostile through the real CLI: one clear line, the right exit code.

A case's name says where it goes (`<kind>-<what>.<ext>`, see the corpus README); expected.toml
gives, per file, the command's exit code and a fragment of its one-line error.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import tomllib
from pathlib import Path

import pytest
from conftest import DATA, qa

from qa_actions.layout import (
    COVERAGE_JSON,
    JUNIT,
    LOCUST_FAILURES_CSV,
    LOCUST_JSON,
    MANIFEST,
    RESULTS_JSON,
    SCAN_MANIFEST,
)
from qa_actions.manifest import ExperimentRun, LoadRun, TierManifest

CORPUS = DATA / "hostile"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
PASSING_JUNIT = "<testsuite><testcase name='a'/></testsuite>"


def manifest(**changes: object) -> str:
    return json.dumps(dataclasses.asdict(TierManifest(tier="unit", status="ran", started="t", **changes)))  # type: ignore[arg-type]


def tier(results: Path, name: str, files: dict[str, str | Path], **changes: object) -> None:
    folder = results / name
    folder.mkdir(parents=True)
    for file, content in {MANIFEST: manifest(**changes), **files}.items():
        target = folder / file
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_text(content, encoding="utf-8")


def build(case: Path, project: Path, results: Path) -> tuple[list[list[str]], list[list[str]]]:
    """Lay the case out where qa reads it: the commands that read it, and those that read what they
    wrote (run when the first succeeded: what `qa collect` accepted must be readable downstream)."""
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    results.mkdir()
    kind = case.name.split("-", 1)[0]
    where = ["--project", str(project), "--results", str(results)]
    if kind == "results":
        shutil.copyfile(case, results / RESULTS_JSON)
        return [["gate", *where], ["report", *where]], []
    if kind == "pyproject":
        shutil.copyfile(case, project / "pyproject.toml")
        return [["plan", "--project", str(project)]], []
    if kind == "junit":
        tier(results, "unit", {JUNIT: case})
    elif kind == "coverage":
        tier(results, "unit", {JUNIT: PASSING_JUNIT, COVERAGE_JSON: case}, coverage_gate=80.0)
    elif kind == "tier":
        (results / "unit").mkdir()
        shutil.copyfile(case, results / "unit" / MANIFEST)
    elif kind == "scan":
        (results / "bandit").mkdir()
        shutil.copyfile(case, results / "bandit" / SCAN_MANIFEST)
    elif kind == "journal":
        run = ExperimentRun(file="chaos/e.json", journal="journal.json", log="chaos.log")
        tier(results, "chaos", {JUNIT: PASSING_JUNIT, "journal.json": case}, experiments=[run])
    elif kind in ("locust", "locustcsv"):
        stats = {LOCUST_JSON: case} if kind == "locust" else {LOCUST_JSON: "[]", LOCUST_FAILURES_CSV: case}
        tier(results, "load", stats, kind="load", load=LoadRun(host="http://h", users=1, spawn_rate=1, run_time_s=1))
    else:
        raise AssertionError(f"{case.name}: unknown kind {kind!r}")
    return [["collect", *where]], [["gate", *where], ["report", *where]]


def test_every_case_has_an_expectation() -> None:
    cases = {p.name for p in CORPUS.iterdir() if p.name not in ("expected.toml", "README.md")}
    assert cases == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_input_is_one_clear_line(tmp_path: Path, name: str) -> None:
    expected = EXPECTED[name]
    commands, then = build(CORPUS / name, tmp_path / "project", tmp_path / "results")
    for command in commands:
        done = qa(*command)
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
        assert done.returncode == expected.get("exit", 2), (command, done.stdout, done.stderr)
        if "error" in expected:
            lines = [line for line in done.stderr.splitlines() if line.startswith("qa: error: ")]
            assert len(lines) == 1, done.stderr
            assert expected["error"] in lines[0], lines[0]
            assert str(tmp_path) in lines[0], "the error names the file"
    for command in then if done.returncode == 0 else []:
        later = qa(*command)
        assert later.returncode in (0, 1) and "qa: error" not in later.stderr, (command, later.stderr)
        assert "Traceback" not in later.stderr and "internal error" not in later.stderr, later.stderr
