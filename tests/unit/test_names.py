"""One project key from `project-dir`, and every name of a project's reports made from it (names.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import qa

from qa_actions.errors import QaError
from qa_actions.names import MAX_KEY, ProjectNames, chosen_text, project_key, tier_artifact_name

SAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")


@pytest.mark.parametrize("root", [".", "", "./", " . ", "a/..", "./."])
def test_the_root_has_no_key_and_keeps_every_name_it_always_had(root: str) -> None:
    names = ProjectNames.of(root)
    assert (names.path, names.key) == ("", "")
    assert names.outputs() == {
        "project-key": "", "project-path": "", "artifact-prefix": "qa-results", "artifact-pattern": "qa-results-*",
        "security-artifact": "qa-results-security", "report-artifact": "qa-report",
        "history-cache-prefix": "qa-history-.-", "sarif-category": "qa-actions"}
    assert names.check_prefix == "qa"
    assert names.tier_artifact("unit") == "qa-results-unit"
    assert names.tier_artifact("unit", 2, 4) == "qa-results-unit-2-of-4"
    assert (names.marker_key("qa:report"), names.nightly_key, names.nightly_title) == (
        "qa:report", "nightly", "Nightly QA run failed")


@pytest.mark.parametrize(("project_dir", "key"), [
    ("services/a", "services-a"), ("services/a/", "services-a"), ("./services//a", "services-a"),
    ("apps/web/frontend", "apps-web-frontend"), ("svc.v2", "svc.v2"), ("snake_case/Dir", "snake_case-Dir"),
    ("services/x/../a", "services-a"),
])
def test_a_sub_folder_is_slugged_readably(project_dir: str, key: str) -> None:
    names = ProjectNames.of(project_dir)
    assert names.key == key
    assert names.tier_artifact("unit") == f"{key}-qa-results-unit"
    assert names.report_artifact == f"{key}-qa-report"
    assert names.check_prefix == f"qa / {key}"
    assert names.marker_key("QA:report") == f"QA:report:{key}"
    assert names.history_cache_prefix == f"qa-history-{key}--"
    assert names.sarif_category == f"qa-actions-{key}"
    assert names.nightly_key == f"nightly:{key}"


@pytest.mark.parametrize("hostile", ["../x", "..", "a/../../x", "/etc", "/", "C:\\work", "a\nb", "a\rb", "x\x00",
                                     "a\u2028b", "tab\there", "a\x1bb"])
def test_a_path_out_of_the_workspace_or_a_control_character_is_refused(hostile: str) -> None:
    with pytest.raises(QaError, match="project-dir"):
        ProjectNames.of(hostile)


@pytest.mark.parametrize("odd", ["a::b", "a b", "a--b", "café", "x$(id)", "a;rm -rf", "${{ secrets.X }}", "@@@",
                                 "a,b", "a*b?", "-lead", "dots..", 'q"uote', "a\\b", "<!-- -->"])
def test_odd_characters_become_a_safe_key_that_names_its_path(odd: str) -> None:
    key = project_key(odd)
    assert key and set(key) <= SAFE and "--" not in key and not key.startswith(("-", ".")) and len(key) <= MAX_KEY
    assert key != project_key(odd + "x")  # a lossy slug ends in the path's hash: no two paths share a key


def test_a_very_long_path_is_cut_and_stays_unique() -> None:
    long = "/".join(["segment"] * 40)
    key = project_key(long)
    assert len(key) <= MAX_KEY and key.startswith("segment-segment-")
    assert key != project_key(long + "/more") and key == project_key(long)


def test_one_key_is_no_prefix_of_anothers_cache() -> None:
    a, ab = ProjectNames.of("services/a"), ProjectNames.of("services/a-b")
    assert not f"{ab.history_cache_prefix}101-1".startswith(a.history_cache_prefix)
    assert not ab.tier_artifact("unit").startswith(a.artifact_prefix + "-unit")


def test_the_roots_artifact_pattern_matches_no_other_projects_artifact() -> None:
    from fnmatch import fnmatchcase

    root, sub = ProjectNames.of("."), ProjectNames.of("services/a")
    assert fnmatchcase(root.tier_artifact("unit"), root.artifact_pattern)
    assert not fnmatchcase(sub.tier_artifact("unit"), root.artifact_pattern)
    assert not fnmatchcase(sub.security_artifact, root.artifact_pattern)
    assert fnmatchcase(sub.security_artifact, sub.artifact_pattern)


def test_names_of_a_project_folder_as_seen_from_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "services" / "a").mkdir(parents=True)
    assert ProjectNames.for_project(tmp_path / "services" / "a", tmp_path).key == "services-a"
    assert ProjectNames.for_project(tmp_path, tmp_path).key == ""
    assert ProjectNames.for_project(tmp_path.parent, tmp_path) == ProjectNames()  # outside: the root's names


def test_chosen_keys_and_prefixes_are_one_short_line() -> None:
    assert chosen_text("  billing ", "check-prefix") == "billing"
    assert chosen_text("", "check-prefix") is None and chosen_text(None, "comment-key") is None
    for bad in ("a\nb", "x" * 101):
        with pytest.raises(QaError, match="check-prefix"):
            chosen_text(bad, "check-prefix")


def test_tier_artifact_inputs_are_checked() -> None:
    names = ProjectNames.of("services/a")
    assert tier_artifact_name(names, "unit", "2", "3", None) == "services-a-qa-results-unit-2-of-3"
    assert tier_artifact_name(names, "unit", "1", "1", "blocks") == "blocks-unit"
    for tier, shard, prefix in (("Unit\nx=1", "1", None), ("unit", "0", None), ("unit", "1", "a/b")):
        with pytest.raises(QaError):
            tier_artifact_name(names, tier, shard, "1", prefix)


def test_qa_names_sets_the_outputs_and_refuses_hostile_input(tmp_path: Path) -> None:
    output = tmp_path / "output.txt"
    done = qa("names", "--project-dir", "services/a", "--tier", "unit", env={"GITHUB_OUTPUT": str(output)})
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["artifact-name"] == "services-a-qa-results-unit" and printed["project-key"] == "services-a"
    assert "report-artifact=services-a-qa-report\n" in output.read_text()
    assert "artifact-name=services-a-qa-results-unit\n" in output.read_text()
    bad = qa("names", "--project-dir", "../x\n::warning ::owned", env={"GITHUB_OUTPUT": str(output)})
    assert bad.returncode == 2 and bad.stderr.startswith("qa: error: project-dir:")
    assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
