"""The selection rules, one by one, on a map written by hand (the integration test records a real one)."""

from __future__ import annotations

import pytest

from qa_actions.impact.blocks import MODULE, file_blocks
from qa_actions.impact.map import ImpactMap
from qa_actions.impact.select import FileChange, SelectionInput, select

CALC = "LIMIT = 10\n\n\ndef add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
UTIL = "def shout(s):\n    return s.upper()\n"
FILES = {"src/pkg/calc.py": CALC, "src/pkg/util.py": UTIL}
T_ADD = "tests/test_calc.py::test_add"
T_SUB = "tests/test_calc.py::test_sub[1]"
SUB = "tests/test_calc.py::test_sub"  # how an affected parametrized test is selected: all its parameters
T_LIMIT = "tests/test_limits.py::test_limit"  # imports calc at collection, runs none of its functions
T_SHOUT = "tests/test_util.py::TestShout::test_shout"
TEST_FILES = ["tests/test_calc.py", "tests/test_limits.py", "tests/test_util.py"]


def make_map(**overrides) -> ImpactMap:
    blocks = {(path, name): fp for path, source in FILES.items()
              for name, fp in file_blocks(source).fingerprints().items()}
    calc, util = "src/pkg/calc.py", "src/pkg/util.py"
    tests = {T_ADD: {(calc, MODULE), (calc, "add")}, T_SUB: {(calc, MODULE), (calc, "sub")},
             T_LIMIT: {(calc, MODULE)}, T_SHOUT: {(util, MODULE), (util, "shout")}}
    values = dict(commit="a" * 40, python="3.12", blocks=blocks, tests={t: frozenset(b) for t, b in tests.items()},
                  session=frozenset({(calc, MODULE), (util, MODULE)}), files=frozenset(FILES))
    return ImpactMap(**{**values, **overrides})


def given(*changes: FileChange, **overrides) -> SelectionInput:
    values = dict(map=make_map(), changes=list(changes), test_files=TEST_FILES, python="3.12", map_age=3,
                  tests=[T_ADD, T_SUB, T_LIMIT, T_SHOUT])
    return SelectionInput(**{**values, **overrides})


def edit(path: str, old: str, new: str) -> FileChange:
    source = FILES.get(path, "x = 1\n")
    assert old in source
    return FileChange(path, source, source.replace(old, new))


def test_an_edited_function_selects_exactly_the_tests_that_ran_it() -> None:
    selection = select(given(edit("src/pkg/calc.py", "a + b", "a + b + 0")))
    assert not selection.full_run
    assert selection.tests == [T_ADD] and selection.why == {T_ADD: "affected"}
    assert selection.changed_blocks == ["src/pkg/calc.py::add"]
    assert selection.explanation == "ran 1 of 4 unit tests: 1 affected by 1 changed function"


def test_a_change_to_import_time_code_selects_the_tests_that_only_imported_the_module() -> None:
    selection = select(given(edit("src/pkg/calc.py", "LIMIT = 10", "LIMIT = 11")))
    assert selection.tests == [T_ADD, SUB, T_LIMIT]
    assert selection.explanation == "ran 3 of 4 unit tests: 3 affected by 1 changed block"


def test_an_affected_parametrized_test_runs_every_parameter_including_one_the_change_adds() -> None:
    # bench/impact.py found it: SIZES = (1, 2) -> (1, 2, 4) in a module the test imports at collection
    # adds test_sub[4], which the map cannot know; selecting test_sub[1] and [2] left it out
    new_param = "tests/test_calc.py::test_sub[4]"
    selection = select(given(edit("src/pkg/calc.py", "LIMIT = 10", "LIMIT = 11"),
                             tests=[T_ADD, T_SUB, new_param, T_LIMIT, T_SHOUT]))
    assert selection.tests == [T_ADD, SUB, T_LIMIT] and selection.why[SUB] == "affected"
    assert selection.explanation == "ran 4 of 5 unit tests: 4 affected by 1 changed block"
    # a parameter that also failed on the base is run once, through its function
    failed = select(given(edit("src/pkg/calc.py", "a - b", "b - a"), failed_on_base=[T_SUB]))
    assert failed.tests == [SUB] and failed.explanation == "ran 1 of 4 unit tests: 1 affected by 1 changed function"


def test_a_removed_function_selects_its_tests() -> None:
    change = FileChange("src/pkg/calc.py", CALC, CALC.replace("\n\ndef sub(a, b):\n    return a - b\n", ""))
    assert select(given(change)).tests == [T_ADD, SUB, T_LIMIT]  # removing a function is an import-time change
    deleted = FileChange("src/pkg/util.py", UTIL, None)
    assert select(given(deleted)).tests == [T_SHOUT]


def test_a_moved_module_selects_whoever_ran_it() -> None:
    moved = FileChange("src/pkg/text.py", UTIL, UTIL, old_path="src/pkg/util.py")
    assert select(given(moved)).tests == [T_SHOUT]


def test_a_new_function_alone_selects_nothing_but_the_module_shape_changes() -> None:
    selection = select(given(edit("src/pkg/util.py", "return s.upper()\n", "return s.upper()\n\n\ndef new():\n"
                                  "    return 1\n")))
    assert selection.tests == [T_SHOUT]  # via the module block: a new name may shadow or override
    formatting = select(given(edit("src/pkg/util.py", "return s.upper()", "return s.upper()  # loud")))
    assert (formatting.full_run, formatting.tests) == (False, [])
    assert formatting.explanation == "ran 0 of 4 unit tests: the change affects none"


def test_a_changed_test_file_runs_whole_and_a_renamed_test_is_new() -> None:
    old = "def test_add():\n    assert True\n"
    change = FileChange("tests/test_calc.py", old, old.replace("test_add", "test_addition"))
    renamed = "tests/test_calc.py::test_addition"
    selection = select(given(change, tests=[renamed, T_SUB, T_LIMIT, T_SHOUT]))
    assert selection.tests == ["tests/test_calc.py"]
    assert selection.why == {"tests/test_calc.py": "changed test file"}
    assert selection.explanation == "ran 2 of 4 unit tests: 2 in changed test files"


def test_new_tests_and_test_files_the_map_never_saw_always_run() -> None:
    new_test = "tests/test_util.py::TestShout::test_whisper"
    selection = select(given(tests=[T_ADD, T_SUB, T_LIMIT, T_SHOUT, new_test, "tests/test_new.py::test_it"],
                             test_files=[*TEST_FILES, "tests/test_new.py"]))
    assert selection.tests == ["tests/test_new.py", new_test]
    assert selection.explanation == "ran 2 of 6 unit tests: 2 new"
    # a new parameter of a recorded test is not new: the map has the test without its parameters
    other_param = select(given(tests=[T_ADD, "tests/test_calc.py::test_sub[2]"], test_files=TEST_FILES[:1],
                               map=make_map(tests={T_ADD: frozenset(), "tests/test_calc.py::test_sub": frozenset()})))
    assert other_param.tests == []


def test_failed_or_flaky_on_the_base_run_again_unless_gone() -> None:
    selection = select(given(failed_on_base=[T_SHOUT, "tests/test_gone.py::test_x"]))
    assert selection.tests == [T_SHOUT] and selection.why[T_SHOUT] == "failed on base"
    assert selection.explanation == "ran 1 of 4 unit tests: 1 failed or flaky on the base"


def test_a_deleted_test_file_runs_nothing() -> None:
    change = FileChange("tests/test_util.py", "def test_shout(): pass\n", None)
    selection = select(given(change, test_files=TEST_FILES[:2], tests=[T_ADD, T_SUB, T_LIMIT]))
    assert (selection.full_run, selection.tests) == (False, [])


@pytest.mark.parametrize(("path", "reason"), [
    ("tests/conftest.py", "tests/conftest.py changed: it configures every test"),
    ("conftest.py", "conftest.py changed: it configures every test"),
    ("pytest.ini", "configures every test"),
    ("setup.cfg", "configures every test"),
    ("tox.ini", "configures every test"),
    (".coveragerc", "configures every test"),
    ("pyproject.toml", "configures every test"),
    ("requirements.txt", "the installed dependencies may differ"),
    ("requirements-dev.txt", "the installed dependencies may differ"),
    ("uv.lock", "the installed dependencies may differ"),
    ("poetry.lock", "the installed dependencies may differ"),
    ("tests/data/users.json", "tests/data/users.json changed, and no test is known to read it"),
    ("README.md", "no test is known to read it"),
    ("scripts/tool.py", "scripts/tool.py changed, and the map never measured it"),
    ("tests/helpers.py", "tests/helpers.py changed, and the map never measured it"),
])
def test_what_the_map_cannot_see_runs_everything(path: str, reason: str) -> None:
    selection = select(given(FileChange(path, "a = 1\n", "a = 2\n")))
    assert selection.full_run and selection.tests == []
    assert reason in selection.reason
    assert selection.explanation == f"full run of the unit tests: {selection.reason}"
    assert selection.selected == selection.total == 4


def test_declared_inputs_select_their_tests_and_config_files_stay_visible() -> None:
    inputs = {"tests/data/*.json": ["tests/test_util.py"], "docs/*": []}
    data = FileChange("tests/data/users.json", "[]", "[1]")
    selection = select(given(data, FileChange("docs/index.md", "a", "b"), inputs=inputs))
    assert (selection.full_run, selection.tests) == (False, ["tests/test_util.py"])
    assert selection.explanation == "ran 1 of 4 unit tests: 1 reading changed inputs"
    hidden = select(given(FileChange("pyproject.toml", "a", "b"), inputs={"*": []}))
    assert hidden.full_run and "configures every test" in hidden.reason


def test_a_new_python_module_is_not_a_full_run_but_a_new_conftest_is() -> None:
    assert not select(given(FileChange("src/pkg/new.py", None, "x = 1\n"))).full_run
    assert select(given(FileChange("tests/unit/conftest.py", None, "x = 1\n"))).full_run


def test_code_that_ran_only_outside_tests_forces_a_full_run() -> None:
    plugin = "src/pkg/plugin.py"
    source = "HOOK = 1\n"
    files = {**FILES, plugin: source}
    blocks = {**make_map().blocks, (plugin, MODULE): file_blocks(source).blocks[MODULE].fingerprint}
    test_map = make_map(blocks=blocks, files=frozenset(files),
                        session=frozenset({*make_map().session, (plugin, MODULE)}))
    selection = select(given(FileChange(plugin, source, "HOOK = 2\n"), map=test_map))
    assert selection.full_run and "ran only outside any test" in selection.reason


def test_a_file_that_does_not_parse_runs_everything() -> None:
    selection = select(given(FileChange("src/pkg/util.py", UTIL, "def shout(:\n")))
    assert selection.full_run and "does not parse" in selection.reason


@pytest.mark.parametrize(("overrides", "reason"), [
    ({"map": None}, "there is no impact map of the unit tests yet"),
    ({"python": "3.13"}, "the map was recorded with Python 3.12, this run uses 3.13"),
    ({"map_age": 51}, "the map is 51 commits older than the base (at most 50"),
    ({"map_age": 5, "max_age": 4}, "the map is 5 commits older than the base (at most 4"),
    ({"map_age": None}, "the map's commit aaaaaaaaaaaa is not in the base's history"),
])
def test_a_missing_stale_or_foreign_map_runs_everything(overrides: dict, reason: str) -> None:
    selection = select(given(edit("src/pkg/calc.py", "a + b", "a * b"), **overrides))
    assert selection.full_run and reason in selection.reason
    assert selection.total == 4


def test_a_map_of_exactly_the_allowed_age_is_used() -> None:
    assert not select(given(map_age=50)).full_run
