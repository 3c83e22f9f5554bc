"""The map from a coverage data file with contexts, and the map in the history database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from coverage import CoverageData

from qa_actions.errors import InputError
from qa_actions.history import store as store_module
from qa_actions.history.store import open_history, schema_version
from qa_actions.impact.blocks import MODULE
from qa_actions.impact.map import build_map
from qa_actions.impact.store import latest_map, save_map

CALC = ("import pkg.util\nLIMIT = 10\n\n\ndef add(a, b):\n    return a + b\n\n\n"
        "class Box:\n    def size(self):\n        return 3\n")
UTIL = "def shout(s):\n    return s.upper()\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for path, text in {"pkg/__init__.py": "", "pkg/calc.py": CALC, "pkg/util.py": UTIL,
                       "pkg/late.py": "VALUE = 1\n",
                       "tests/test_calc.py": "from pkg import calc\n", "tests/test_util.py": "import os\n",
                       "tests/test_plain.py": "def test_nothing():\n    pass\n"}.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return tmp_path


def coverage_file(project: Path, lines: dict[str, dict[str, list[int]]]) -> Path:
    """A data file as pytest-cov's --cov-context=test writes it: context -> file -> lines."""
    data = CoverageData(str(project / ".coverage"))
    for context, files in lines.items():
        data.set_context(context)
        data.add_lines({str(project / path): numbers for path, numbers in files.items()})
    data.write()
    return project / ".coverage"


TESTS = ["tests/test_calc.py::test_add", "tests/test_calc.py::TestBox::test_size[1]",
         "tests/test_util.py::test_shout", "tests/test_plain.py::test_nothing"]


def recorded(project: Path) -> dict:
    data = coverage_file(project, {
        "": {"pkg/calc.py": [1, 2, 5, 9, 10], "pkg/util.py": [1], "pkg/__init__.py": [], "pkg/late.py": [1]},
        "tests/test_calc.py::test_add|run": {"pkg/calc.py": [6]},
        "tests/test_calc.py::test_add|setup": {"pkg/util.py": [2]},  # a fixture ran it
        "tests/test_calc.py::TestBox::test_size[1]|run": {"pkg/calc.py": [11]},
        "tests/test_util.py::test_shout|run": {"pkg/util.py": [2]},
    })
    return build_map(data, project, TESTS, commit="c" * 40, python="3.12", tier="unit").tests


def test_each_test_gets_the_blocks_it_ran_and_the_module_blocks_it_depends_on(project: Path) -> None:
    tests = recorded(project)
    calc, util, init = "pkg/calc.py", "pkg/util.py", "pkg/__init__.py"
    assert tests["tests/test_calc.py::test_add"] == {(calc, "add"), (util, "shout"), (calc, MODULE), (util, MODULE),
                                                    (init, MODULE)}
    assert tests["tests/test_calc.py::TestBox::test_size[1]"] == {(calc, "Box.size"), (calc, MODULE),
                                                                 (util, MODULE), (init, MODULE)}
    # ran shout, and its test file imports nothing measured
    assert tests["tests/test_util.py::test_shout"] == {(util, "shout"), (util, MODULE)}
    assert tests["tests/test_plain.py::test_nothing"] == frozenset()  # known, though it ran no measured line


def test_coverage_test_function_contexts_map_to_node_ids(project: Path) -> None:
    data = coverage_file(project, {"test_calc.test_add": {"pkg/calc.py": [6]},
                                   "tests.test_calc.TestBox.test_size": {"pkg/calc.py": [11]}})
    tests = build_map(data, project, TESTS).tests
    assert ("pkg/calc.py", "add") in tests["tests/test_calc.py::test_add"]
    assert ("pkg/calc.py", "Box.size") in tests["tests/test_calc.py::TestBox::test_size"]  # no parameters


def test_the_session_holds_what_ran_outside_tests_and_files_outside_the_project_are_left_out(
        project: Path, tmp_path_factory) -> None:
    elsewhere = tmp_path_factory.mktemp("site") / "lib.py"
    elsewhere.write_text("x = 1\n")
    data = coverage_file(project, {"": {"pkg/late.py": [1]}})
    extra = CoverageData(str(data))
    extra.read()
    extra.add_lines({str(elsewhere): [1]})
    extra.write()
    test_map = build_map(data, project, TESTS)
    assert test_map.session == {("pkg/late.py", MODULE)}
    assert test_map.files == {"pkg/late.py"}


def test_a_map_round_trips_through_the_history(project: Path, tmp_path: Path) -> None:
    test_map = build_map(coverage_file(project, {"tests/test_calc.py::test_add|run": {"pkg/calc.py": [6]},
                                                 "": {"pkg/calc.py": [1]}}),
                         project, TESTS, commit="c" * 40, python="3.12")
    with open_history(tmp_path / "h.sqlite", create=True) as store:
        save_map(store, test_map, "main", time=1000)
    with open_history(tmp_path / "h.sqlite") as store:
        loaded = latest_map(store, "main", "unit", "3.12")
        assert latest_map(store, "feature", "unit") is None and latest_map(store, "main", "smoke") is None
    assert loaded == test_map


def test_the_latest_map_of_a_branch_and_old_ones_are_pruned(project: Path, tmp_path: Path) -> None:
    base = build_map(coverage_file(project, {}), project, TESTS[:1], python="3.12")
    with open_history(tmp_path / "h.sqlite", create=True) as store:
        for number in range(5):
            base.commit = f"{number:040d}"
            save_map(store, base, "main", time=1000 + number)
        base.commit, base.python = "f" * 40, "3.13"
        save_map(store, base, "main", time=900)
        assert latest_map(store, "main", "unit", "3.12").commit == f"{4:040d}"
        assert latest_map(store, "main", "unit", "3.13").python == "3.13"
        assert latest_map(store, "main", "unit", "3.14").commit == f"{4:040d}"  # newest of any version
        kept = store.conn.execute("SELECT count(*) FROM impact_maps WHERE python = '3.12'").fetchone()[0]
        assert kept == store_module.KEEP_IMPACT_MAPS
        assert store.conn.execute("SELECT count(*) FROM impact_tests").fetchone()[0] == kept + 1  # cascade


def test_a_damaged_map_is_a_clear_error(project: Path, tmp_path: Path) -> None:
    test_map = build_map(coverage_file(project, {"tests/test_calc.py::test_add|run": {"pkg/calc.py": [6]}}),
                         project, TESTS, commit="c" * 40, python="3.12")
    with open_history(tmp_path / "h.sqlite", create=True) as store:
        save_map(store, test_map, "main")
        store.conn.execute("UPDATE impact_tests SET blocks = x'00'")
        with pytest.raises(InputError, match="the impact map of cccccccccccc, tier unit is damaged"):
            latest_map(store, "main", "unit")


def test_a_format_1_history_gains_the_map_tables(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "h.sqlite"
    with monkeypatch.context() as patch:
        patch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:1])
        open_history(path, create=True).conn.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone() == (1,)
    with open_history(path, create=True) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone() == (schema_version(),)
        assert latest_map(store, "main", "unit") is None
    assert (tmp_path / "h.sqlite.v1.bak").exists()
