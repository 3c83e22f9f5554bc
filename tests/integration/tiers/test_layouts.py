"""Zero configuration on the layouts real repositories have (tests/data/layouts): what detection finds,
and a run that passes as many tests as plain `pytest` in the same folder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import DATA, qa, results_of

from qa_actions.config import load_config

LAYOUTS = DATA / "layouts"
EXPECTED = tomllib.loads((LAYOUTS / "expected.toml").read_text(encoding="utf-8"))


@pytest.fixture(params=sorted(EXPECTED), ids=str)
def layout(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    target = tmp_path / request.param
    shutil.copytree(LAYOUTS / request.param, target)
    return request.param, target


def plain_pytest_passed(project: Path) -> int:
    """What `pytest` in the folder passes, as a user would run it (not as a worker of this suite's xdist)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PYTEST_XDIST", "PYTEST_CURR"))}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    found = re.search(r"(\d+) passed", done.stdout)
    return int(found[1]) if found else 0


def test_detection_finds_what_the_layout_declares(layout: tuple[str, Path]) -> None:
    name, project = layout
    expected = EXPECTED[name]
    config = load_config(project)
    assert config.detection.layout == expected["layout"]
    found = {tier: {"paths": config.tiers[tier].paths,
                    **({"markers": config.tiers[tier].markers} if config.tiers[tier].markers else {})}
             for tier in config.enabled_tiers()}
    assert found == expected["tiers"]
    assert config.detection.source == expected["source"]
    assert config.detection.why and config.detection.source_why


def test_run_passes_as_many_tests_as_plain_pytest(layout: tuple[str, Path]) -> None:
    name, project = layout
    done = qa("run", project, "--tiers", "all", "--scans", "none", "--quiet")
    assert "Traceback" not in done.stdout + done.stderr
    results = results_of(project)
    assert results["verdict"] == EXPECTED[name]["verdict"], done.stdout + done.stderr
    assert done.returncode == (0 if EXPECTED[name]["verdict"] == "passed" else 1)
    passed = sum(tier["counts"]["passed"] for tier in results["tiers"].values())
    assert passed == plain_pytest_passed(project) + EXPECTED[name].get("extra", 0)
    for tier in results["tiers"].values():  # each tier with a gate measured the package
        if tier["coverage"] and tier["coverage"]["gate"] is not None:
            assert tier["coverage"]["percent"] >= (100.0 if tier["name"] == "unit" else 50.0)
