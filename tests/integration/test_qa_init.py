"""`qa init`: writes the [tool.qa] that matches the project, with gates that start where its coverage is,
so that the next `qa run` passes; never overwrites without --force; --workflow writes the callers."""

from __future__ import annotations

import math
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from conftest import DATA, qa, results_of

PARTLY_COVERED = '''

def mul(a: int, b: int) -> int:
    if a == 0:
        return 0
    return a * b
'''


@pytest.fixture
def flat_project(tmp_path: Path) -> Path:
    """The flat layout, with code its tests do not reach: coverage under the default 80 % gate."""
    project = tmp_path / "calc"
    shutil.copytree(DATA / "layouts" / "flat-tests", project)
    (project / "pyproject.toml").write_text('# the project\'s own comment\n[project]\nname = "calc"\nversion = "1"\n')
    with (project / "calc" / "__init__.py").open("a") as handle:
        handle.write(PARTLY_COVERED)
    return project


def test_init_starts_the_gate_at_the_measured_coverage_and_the_next_run_passes(flat_project: Path) -> None:
    assert qa("run", flat_project, "--tiers", "all", "--scans", "none", "--quiet").returncode == 1  # 80 % gate
    measured = results_of(flat_project)["tiers"]["unit"]["coverage"]["percent"]
    assert 50 < measured < 80
    done = qa("init", flat_project)
    assert done.returncode == 0, done.stderr
    text = (flat_project / "pyproject.toml").read_text()
    assert text.startswith("# the project's own comment\n[project]")  # the rest of the file is kept
    unit = tomllib.loads(text)["tool"]["qa"]["tiers"]["unit"]
    assert unit == {"paths": ["."], "timeout": False, "source": ["calc"], "coverage": math.floor(measured)}
    run = qa("run", flat_project, "--tiers", "all", "--scans", "none", "--quiet")
    assert run.returncode == 0, run.stdout
    assert results_of(flat_project)["tiers"]["unit"]["coverage"]["gate"] == math.floor(measured)


def test_init_never_overwrites_without_force(flat_project: Path) -> None:
    dry = qa("init", flat_project, "--dry-run", "--no-run")
    assert dry.returncode == 0 and "[tool.qa.tiers.unit]" in dry.stdout and "coverage = 80" in dry.stdout
    assert "tool" not in tomllib.loads((flat_project / "pyproject.toml").read_text())  # nothing written
    assert qa("init", flat_project, "--no-run").returncode == 0
    again = qa("init", flat_project, "--no-run")
    assert again.returncode == 2 and "already has [tool.qa]" in again.stderr and "Traceback" not in again.stderr
    with (flat_project / "pyproject.toml").open("a") as handle:
        handle.write('\n[tool.qa.security]\nbandit = false  # kept by --force\n')
    forced = qa("init", flat_project, "--no-run", "--force")
    assert forced.returncode == 0, forced.stderr
    text = (flat_project / "pyproject.toml").read_text()
    assert "bandit = false  # kept by --force" in text and "[tool.qa.tiers.unit]" in text


def test_init_writes_the_caller_workflows(flat_project: Path) -> None:
    done = qa("init", flat_project, "--no-run", "--workflow", "--uses", "acme/qa-actions@v3")
    assert done.returncode == 0, done.stderr
    written = sorted((flat_project / ".github" / "workflows").iterdir())
    assert [path.name for path in written] == ["qa-fork-report.yml", "qa-nightly.yml", "qa.yml"]
    uses = [line.split("uses:")[1].strip() for path in written for line in path.read_text().splitlines()
            if "uses:" in line and not line.lstrip().startswith("#")]
    assert uses and all(line.startswith("acme/qa-actions/.github/workflows/") and line.endswith("@v3") for line in uses)
    lint = subprocess.run(["actionlint", *map(str, written)], capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout
    refused = qa("init", flat_project, "--no-run", "--workflow", "--force", "--uses", "not a repo")
    assert refused.returncode == 2 and "expected OWNER/NAME@REF" in refused.stderr
    (flat_project / "pyproject.toml").write_text('[project]\nname = "calc"\n')
    exists = qa("init", flat_project, "--no-run", "--workflow")
    assert exists.returncode == 2 and "qa.yml exists" in exists.stderr


def test_init_on_a_project_without_tests_says_where_it_looked(tmp_path: Path) -> None:
    shutil.copytree(DATA / "layouts" / "no-tests", tmp_path / "p")
    done = qa("init", tmp_path / "p")
    assert done.returncode == 2
    assert "no tests found: looked in tests/unit" in done.stderr and "tests/, test/" in done.stderr
    assert not (tmp_path / "p" / ".github").exists()
