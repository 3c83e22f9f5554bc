"""Detection's rules, one by one, on small trees: pytest's configuration files, markers and addopts,
the source from each build backend's settings, and the same answers from a commit read with git."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from qa_actions.config import load_config
from qa_actions.config.detect.pytest_config import read_pytest_config
from qa_actions.config.detect.source import detect_source, read_pyproject
from qa_actions.config.detect.tests import detect_tests
from qa_actions.config.detect.tree import FileTree
from qa_actions.project.trusted import GitTree
from qa_actions.tiers.runner import marker_expression


def tree_of(root: Path, files: dict[str, str]) -> FileTree:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return FileTree(root)


@pytest.mark.parametrize(("files", "expected"), [
    ({"pytest.ini": "[pytest]\ntestpaths = a b\nmarkers =\n  smoke: fast\n  slow(reason): slow\n"},
     ("pytest.ini", ["a", "b"], ["smoke", "slow"], [])),
    ({"pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["t"]\naddopts = "-m \'not slow\' -ra"\n'},
     ("pyproject.toml", ["t"], [], ["-m", "not slow", "-ra"])),
    ({"pyproject.toml": '[tool.pytest]\ntestpaths = ["native"]\naddopts = ["-x"]\n'},
     ("pyproject.toml", ["native"], [], ["-x"])),
    ({"tox.ini": "[tox]\nenvlist = py\n[pytest]\ntestpaths = testing\n"}, ("tox.ini", ["testing"], [], [])),
    ({"setup.cfg": "[metadata]\nname = x\n[tool:pytest]\naddopts = --strict-markers\n"},
     ("setup.cfg", [], [], ["--strict-markers"])),
    # pytest.ini wins even when pyproject.toml has a section too; a pyproject.toml without one is not it
    ({"pytest.ini": "[pytest]\n", "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["no"]\n'},
     ("pytest.ini", [], [], [])),
    ({"pyproject.toml": "[project]\nname = 'x'\n", "setup.cfg": "[tool:pytest]\ntestpaths = s\n"},
     ("setup.cfg", ["s"], [], [])),
    ({"pyproject.toml": "not toml [", "tox.ini": "[[broken"}, (None, [], [], [])),
])
def test_pytest_configuration_is_read_where_pytest_reads_it(tmp_path: Path, files: dict, expected: tuple) -> None:
    found = read_pytest_config(tree_of(tmp_path, files))
    assert (found.file, found.testpaths, found.markers, found.addopts) == expected


def test_a_tiers_marker_is_combined_with_the_projects_own() -> None:
    config = read_pytest_config(FileTree(Path("/nonexistent")))
    assert config.marker_expression() is None
    config.addopts = ["-ra", "-m", "not slow", "-mnot network"]
    assert config.marker_expression() == "not network"
    assert marker_expression("integration", "not network") == "(not network) and (integration)"
    assert marker_expression("integration", None) == "integration"


@pytest.mark.parametrize(("files", "source", "why"), [
    ({"pyproject.toml": '[project]\nname = "a"\n[tool.coverage.run]\nsource = ["lib"]\n', "src/lib/__init__.py": ""},
     ["src/lib"], "[tool.coverage.run] source"),
    ({".coveragerc": "[run]\nsource =\n    pkg\n", "pkg/__init__.py": ""}, ["pkg"], "[run] source in .coveragerc"),
    ({"pyproject.toml": '[tool.poetry]\nname = "p"\npackages = [{include = "core", from = "lib"}]\n',
      "lib/core/__init__.py": ""}, ["lib/core"], "[tool.poetry] packages"),
    ({"pyproject.toml": '[project]\nname = "my-pkg"\n[tool.pdm.build]\npackage-dir = "source"\n',
      "source/my_pkg/__init__.py": ""}, ["source/my_pkg"], "[tool.pdm.build] package-dir"),
    ({"pyproject.toml": '[project]\nname = "fast"\n[tool.maturin]\npython-source = "python"\n'
                        'module-name = "fast._core"\n',
      "python/fast/__init__.py": ""}, ["python/fast"], "[tool.maturin] python-source"),
    ({"pyproject.toml": '[project]\nname = "x"\n[tool.flit.module]\nname = "onefile"\n', "onefile.py": ""},
     ["onefile.py"], "[tool.flit.module] name"),
    ({"pyproject.toml": '[project]\nname = "uvpkg"\n[tool.uv.build-backend]\nmodule-name = "uvpkg"\n',
      "src/uvpkg/__init__.py": ""}, ["src/uvpkg"], "[tool.uv.build-backend] module-name"),
    ({"pyproject.toml": '[tool.setuptools]\npackages = ["a", "a.b"]\npackage-dir = {"" = "lib"}\n',
      "lib/a/__init__.py": ""}, ["lib/a"], "[tool.setuptools] packages"),
    ({"setup.cfg": "[options]\npackage_dir =\n    =src\npackages = find:\n[options.packages.find]\nwhere = src\n",
      "src/cfgpkg/__init__.py": ""}, ["src/cfgpkg"], "[options] packages in setup.cfg"),
    ({"src/alpha/__init__.py": "", "src/beta/__init__.py": "", "top/__init__.py": ""},
     ["src/alpha", "src/beta"], "packages under src/"),
    ({"app/__init__.py": "", "tests/__init__.py": "", "docs/__init__.py": "", ".hidden/__init__.py": "",
      "notapackage/x.txt": ""}, ["app"], "top-level packages"),
    ({"README.md": "nothing"}, [], "no package found"),
])
def test_source_comes_from_the_build_backends_settings(tmp_path: Path, files: dict, source: list, why: str) -> None:
    tree = tree_of(tmp_path, files)
    found, reason = detect_source(tree, read_pyproject(tree))
    assert found == source
    assert reason.startswith(why)


def test_tests_beside_tier_folders_are_the_unit_tier(tmp_path: Path) -> None:
    tree = tree_of(tmp_path, {"tests/test_a.py": "", "tests/smoke/test_s.py": "", "tests/data/x.json": ""})
    found = detect_tests(tree, read_pytest_config(tree), ["unit", "integration", "smoke"], set())
    assert found.layout == "tier-folders"
    assert (found.tiers["unit"].paths, found.tiers["unit"].ignore) == (["tests"], ["tests/smoke"])
    only_folders = detect_tests(tree_of(tmp_path / "b", {"tests/smoke/test_s.py": ""}),
                                read_pytest_config(FileTree(tmp_path / "b")), ["unit", "smoke"], set())
    assert set(only_folders.tiers) == {"smoke"}


def test_a_configured_tier_keeps_its_paths_and_undetected_seed_tiers_are_off(tmp_path: Path) -> None:
    tree_of(tmp_path, {"pyproject.toml": '[tool.qa.tiers.unit]\npaths = ["spec"]\n', "spec/test_a.py": "",
                       "tests/integration/test_i.py": ""})
    config = load_config(tmp_path)
    assert config.detection.layout == "configured"
    assert config.tiers["unit"].paths == ["spec"]
    assert config.enabled_tiers() == ["unit", "integration"]


def test_markers_that_are_not_tiers_do_not_make_tiers(tmp_path: Path) -> None:
    tree_of(tmp_path, {"pytest.ini": "[pytest]\nmarkers =\n  slow: slow\n  network: net\n", "tests/test_a.py": ""})
    config = load_config(tmp_path)
    assert config.detection.layout == "flat" and config.enabled_tiers() == ["unit"]
    assert config.tiers["unit"].markers is None


def test_a_symlink_loop_does_not_hang_the_search(tmp_path: Path) -> None:
    tree_of(tmp_path, {"tests/deep/x.txt": ""})
    (tmp_path / "tests" / "deep" / "loop").symlink_to(tmp_path / "tests")
    assert detect_tests(FileTree(tmp_path), read_pytest_config(FileTree(tmp_path)), ["unit"], set()).layout == "none"


def test_a_commit_read_with_git_gives_the_same_detection_as_its_checkout(tmp_path: Path) -> None:
    files = {"pyproject.toml": '[project]\nname = "calc"\n[tool.pytest.ini_options]\nmarkers = ["smoke: s"]\n',
             "calc/__init__.py": "", "tests/test_a.py": "", "tests/unit_helpers/conftest.py": ""}
    tree_of(tmp_path, files)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@e", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    (tmp_path / "tests" / "integration").mkdir()
    (tmp_path / "tests" / "integration" / "test_new.py").write_text("")  # in the checkout, not in the commit
    at_commit, checkout = GitTree(tmp_path, "HEAD"), FileTree(tmp_path)
    names = ["unit", "integration", "smoke"]
    committed = detect_tests(at_commit, read_pytest_config(at_commit), names, set())
    assert committed.layout == "markers" and set(committed.tiers) == {"unit", "smoke"}
    assert detect_tests(checkout, read_pytest_config(checkout), names, set()).layout == "tier-folders"
    assert detect_source(at_commit, read_pyproject(at_commit)) == detect_source(checkout, read_pyproject(checkout))
    assert at_commit.children("") == ["calc", "pyproject.toml", "tests"]


def test_a_tier_whose_marker_the_project_deselects_replaces_the_projects_marker() -> None:
    """`addopts = -m "not integration"` runs those tests apart: the integration tier's `-m` replaces it."""
    assert marker_expression("integration", "not integration") == "integration"
    assert marker_expression("smoke", "not (integration or slow)") == "(not (integration or slow)) and (smoke)"
    assert marker_expression("integration", "not (integration or slow)") == "integration"


def test_coverage_settings_with_include_choose_what_is_measured(tmp_path: Path) -> None:
    from qa_actions.config.detect.source import coverage_chooses

    included = tree_of(tmp_path / "a", {".coveragerc": "[run]\ninclude = calc/*\n"})
    assert coverage_chooses(included, {})
    with_source = tree_of(tmp_path / "b", {"setup.cfg": "[coverage:run]\ninclude = x/*\nsource = x\n"})
    assert not coverage_chooses(with_source, {})
    assert coverage_chooses(FileTree(tmp_path), {"tool": {"coverage": {"run": {"include": ["calc/*"]}}}})
    project = tmp_path / "c"
    tree_of(project, {".coveragerc": "[run]\ninclude = calc/*\n", "calc/__init__.py": "", "tests/test_a.py": ""})
    config = load_config(project)
    assert config.detection.coverage_config and config.detection.source == []
    assert config.tiers["unit"].coverage_gate == 80  # still gated: coverage's own settings say what


def test_a_single_module_project_is_its_own_source(tmp_path: Path) -> None:
    tree = tree_of(tmp_path, {"setup.py": "", "setup.cfg": "[metadata]\nname = six\n", "six.py": "",
                              "test_six.py": "", "conftest.py": ""})
    assert detect_source(tree, {}) == (["six.py"], "the project's name, six")
    alone = tree_of(tmp_path / "b", {"tool.py": "", "test_tool.py": "", "setup.py": ""})
    assert detect_source(alone, {}) == (["tool.py"], "modules at the project's root")
    found = detect_tests(tree, read_pytest_config(tree), ["unit"], set())
    assert (found.layout, found.tiers["unit"].paths) == ("root-files", ["."])


def test_the_projects_python_files_decide_what_a_test_file_is(tmp_path: Path) -> None:
    tree = tree_of(tmp_path, {"pytest.ini": "[pytest]\npython_files = check_*.py\n", "spec/check_a.py": "",
                              "tests/test_unrelated.txt": ""})
    assert read_pytest_config(tree).python_files == ["check_*.py"]
    assert detect_tests(tree, read_pytest_config(tree), ["unit"], set()).layout == "none"
    tree_of(tmp_path, {"tests/check_b.py": ""})
    assert detect_tests(tree, read_pytest_config(tree), ["unit"], set()).layout == "flat"


def test_testpaths_outside_the_project_are_left_out(tmp_path: Path) -> None:
    tree = tree_of(tmp_path / "p", {"pytest.ini": "[pytest]\ntestpaths = ../elsewhere /etc checks\n",
                                    "checks/test_a.py": ""})
    (tmp_path / "elsewhere").mkdir()
    found = detect_tests(tree, read_pytest_config(tree), ["unit"], set())
    assert found.tiers["unit"].paths == ["checks"]
