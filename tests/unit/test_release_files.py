"""What a release needs and what the release workflow relies on: the changelog section script
(`.ci/changelog.py`), the tag and version check, LICENSE against pyproject's license, a changelog
section for the version, `qa --version`, and the `@v1` tag the README tells callers to use."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import qa
from ruamel.yaml import YAML

import qa_actions

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / ".ci" / "changelog.py"
WORKFLOW = REPO / ".github" / "workflows" / "release.yml"
_spec = importlib.util.spec_from_file_location("changelog_script", SCRIPT)
changelog = sys.modules["changelog_script"] = importlib.util.module_from_spec(_spec)  # dataclasses look it up
_spec.loader.exec_module(changelog)

PLANTED = """\
# Changelog

## [Unreleased]

### Added

- something new

## [1.2.0] - 2026-12-24

### Fixed

- the 1.2.0 fix

## [1.1.0] - 2026-12-01

## [1.0.0] - 2026-11-30

### Added

- the first one

[Unreleased]: https://github.com/org/qa-actions/compare/v1.2.0...HEAD
[1.2.0]: https://github.com/org/qa-actions/releases/tag/v1.2.0
"""


def run_script(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    path = tmp_path / "CHANGELOG.md"
    path.write_text(PLANTED, encoding="utf-8")
    return path


def version_file(tmp_path: Path, version: str) -> Path:
    path = tmp_path / "__init__.py"
    path.write_text(f'"""a package."""\n\n__version__ = "{version}"\n', encoding="utf-8")
    return path


# .ci/changelog.py


def test_a_section_is_its_body_without_heading_or_the_next_section() -> None:
    assert changelog.section(PLANTED, "1.2.0") == "### Fixed\n\n- the 1.2.0 fix"
    assert changelog.section(PLANTED, "Unreleased") == "### Added\n\n- something new"


def test_the_last_section_leaves_out_the_link_definitions() -> None:
    assert changelog.section(PLANTED, "1.0.0") == "### Added\n\n- the first one"


def test_the_script_prints_the_section(planted: Path) -> None:
    done = run_script("1.2.0", "--file", planted)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "### Fixed\n\n- the 1.2.0 fix\n"


@pytest.mark.parametrize(("version", "message"), [
    ("1.3.0", "changelog: CHANGELOG.md has no section ## [1.3.0] - YYYY-MM-DD (move the Unreleased entries under it)"),
    ("1.1.0", "changelog: CHANGELOG.md: the section ## [1.1.0] is empty"),
    ("1.2", "changelog: CHANGELOG.md has no section ## [1.2] - YYYY-MM-DD (move the Unreleased entries under it)"),
])
def test_a_missing_or_empty_section_is_exit_1_and_one_line(planted: Path, version: str, message: str) -> None:
    done = run_script(version, "--file", planted)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", message + "\n")


def test_a_missing_changelog_is_exit_1_and_one_line(tmp_path: Path) -> None:
    done = run_script("1.0.0", "--file", tmp_path / "CHANGELOG.md")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "No such file" in done.stderr


def test_the_tag_must_be_v_and_the_version(tmp_path: Path, planted: Path) -> None:
    init = version_file(tmp_path, "1.2.0")
    done = run_script("--tag", "v1.2.0", "--file", planted, "--version-file", init)
    assert done.returncode == 0 and done.stdout == "### Fixed\n\n- the 1.2.0 fix\n", done.stderr
    for tag, message in [("v1.0.0", "tag v1.0.0 is not v1.2.0, the version in scripts/qa_actions/__init__.py"),
                         ("1.2.0", "tag '1.2.0' is not vX.Y.Z"), ("v1.2.0-rc.1", "tag 'v1.2.0-rc.1' is not vX.Y.Z")]:
        done = run_script("--tag", tag, "--file", planted, "--version-file", init)
        assert (done.returncode, done.stdout, done.stderr) == (1, "", f"changelog: {message}\n"), tag


def test_a_tag_whose_version_has_no_section_is_refused(tmp_path: Path, planted: Path) -> None:
    done = run_script("--tag", "v1.3.0", "--file", planted, "--version-file", version_file(tmp_path, "1.3.0"))
    assert done.returncode == 1 and "has no section ## [1.3.0]" in done.stderr


def test_the_version_is_read_from_the_one_place() -> None:
    assert changelog.package_version() == qa_actions.__version__


# the release workflow


def release_workflow() -> dict:
    return YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))


def test_the_release_runs_on_version_tags_only() -> None:
    assert release_workflow()["on"] == {"push": {"tags": ["v*.*.*"]}}


def test_the_release_checks_the_tag_against_the_version_and_the_changelog_first() -> None:
    build = release_workflow()["jobs"]["build"]
    runs = [step.get("run", "") for step in build["steps"]]
    check = next(i for i, run in enumerate(runs) if '.ci/changelog.py --tag "$TAG"' in run)
    assert build["steps"][check]["env"]["TAG"] == "${{ github.ref_name }}"
    assert check < next(i for i, run in enumerate(runs) if "python -m build" in run)


def test_the_release_tests_builds_and_publishes_with_the_notes() -> None:
    jobs = release_workflow()["jobs"]
    test_runs = "\n".join(step.get("run", "") for step in jobs["test"]["steps"])
    for command in ("ruff check .", ".ci/lint-workflows", "mkdocs build --strict", 'pytest -m "not act"'):
        assert command in test_runs
    assert set(jobs["release"]["needs"]) == {"build", "test"}
    publish = "\n".join(step.get("run", "") for step in jobs["release"]["steps"])
    assert "--notes-file release/notes.md" in publish and "release/dist/*" in publish
    assert 'major="${TAG%%.*}"' in publish and "git/refs/tags/$major" in publish


def test_only_the_release_job_may_write() -> None:
    jobs = release_workflow()["jobs"]
    assert {name: job["permissions"] for name, job in jobs.items()} == {
        "build": {"contents": "read"}, "test": {"contents": "read"}, "release": {"contents": "write"}}
    for job in jobs.values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


# the files a release carries


def test_the_license_is_the_one_pyproject_names() -> None:
    license_text = (REPO / "LICENSE").read_text(encoding="utf-8")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    assert license_text.startswith("MIT License\n\nCopyright (c) 2026 qa-actions contributors\n")
    assert "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND" in license_text


def test_the_changelog_has_the_current_version_or_unreleased() -> None:
    names = [s.name for s in changelog.sections((REPO / "CHANGELOG.md").read_text(encoding="utf-8"))]
    assert qa_actions.__version__ in names or "Unreleased" in names
    assert names[0] == "Unreleased" or names[0] == qa_actions.__version__  # the newest first


def test_the_changelog_keeps_a_changelog() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.*)$", text, re.M)
    for heading in headings:
        assert re.fullmatch(r"\[Unreleased\]|\[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}", heading), heading
    assert set(re.findall(r"^### (.*)$", text, re.M)) <= {"Added", "Changed", "Deprecated", "Removed", "Fixed",
                                                          "Security"}
    for found in changelog.sections(text):  # every version links to its tag or comparison
        assert re.search(rf"^\[{re.escape(found.name)}\]: https://", text, re.M), found.name


def test_qa_version_prints_the_package_version() -> None:
    done = qa("--version")
    assert done.returncode == 0 and done.stdout == f"qa, version {qa_actions.__version__}\n"


def test_callers_are_told_the_major_tag_the_release_moves() -> None:
    files = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")),
             *sorted((REPO / "scripts" / "qa_actions" / "templates" / "workflows").glob("*.yml"))]
    refs = {(path.name, ref) for path in files
            for ref in re.findall(r"org/qa-actions(?:/[\w./-]+)?@([\w.-]+)", path.read_text(encoding="utf-8"))}
    assert refs and {ref for _, ref in refs} == {"v1"}, sorted(refs)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "moves `v1`" in readme and "v1.0.0" in readme
