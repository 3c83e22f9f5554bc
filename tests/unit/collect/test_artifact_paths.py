"""Names and paths read from an artifact stay in their folder: a tier.json's tier name, an
experiment's journal path and symbolic links cannot reach outside the results folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import qa

from qa_actions.collect.merge import collect
from qa_actions.errors import InputError
from qa_actions.layout import inside
from qa_actions.model import RunInfo

RUN = RunInfo("r1", "2026-12-03T00:00:00+00:00")


def manifest(folder: Path, **fields: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tier.json").write_text(json.dumps({"tier": "unit", "status": "ran", "started": "t", **fields}))
    return folder


@pytest.mark.parametrize("name", ["../../outside", "/etc", "unit\n::warning ::forged", "x" * 40, "Unit"])
def test_a_tier_name_that_is_not_a_tier_name_is_refused(tmp_path: Path, name: str) -> None:
    manifest(tmp_path / "results" / "unit", tier=name)
    with pytest.raises(InputError, match=r"tier name .* is not allowed"):
        collect(tmp_path / "results", RUN)


@pytest.mark.parametrize("journal", ["../../../secret.json", "/etc/passwd", "experiments/../../../x.json"])
def test_an_experiment_journal_outside_the_tier_folder_is_refused(tmp_path: Path, journal: str) -> None:
    (tmp_path / "secret.json").write_text('{"status": "completed"}')
    manifest(tmp_path / "results" / "chaos", tier="chaos",
             experiments=[{"file": "e.json", "journal": journal, "log": "experiments/e.log"}])
    with pytest.raises(InputError, match="outside the tier folder"):
        collect(tmp_path / "results", RUN)


def test_a_linked_report_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.xml"
    outside.write_text("<testsuite/>")
    folder = manifest(tmp_path / "results" / "unit")
    (folder / "junit.xml").symlink_to(outside)
    with pytest.raises(InputError, match="symbolic link out of the tier folder"):
        collect(tmp_path / "results", RUN)


def test_inside_resolves_links_and_dots(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "up").symlink_to(tmp_path)
    assert inside(tmp_path / "a", "b/../b") == (tmp_path / "a" / "b").resolve()
    assert inside(tmp_path / "a", "up/elsewhere") is None and inside(tmp_path / "a", "../x") is None
    assert inside(tmp_path / "a", "") is None and inside(tmp_path / "a", "/tmp") is None


def test_qa_collect_says_so_in_one_line(tmp_path: Path) -> None:
    manifest(tmp_path / "results" / "unit", tier="../../escape")
    done = qa("collect", "--project", tmp_path, "--results", tmp_path / "results")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "tier name '../../escape' is not allowed" in done.stderr
