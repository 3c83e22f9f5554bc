"""Plugins the tests visibly use: found in the test files, added unless the project provides them."""

from __future__ import annotations

from pathlib import Path

from conftest import qa

from qa_actions.config import load_config
from qa_actions.tiers.plugins import MAX_TEST_FILE_BYTES, UsedPlugin, used_plugins

ASYNC_TEST = "import pytest\n\nasync def test_fetch():\n    assert True\n"
MOCKER_TEST = "def test_patch(\n    tmp_path,\n    mocker,\n):\n    mocker.patch('os.getcwd')\n"
GIVEN_TEST = ("from hypothesis import given, strategies as st\n\n@given(st.integers())\n"
              "def test_any(n):\n    assert n == n\n")


def project_with(root: Path, files: dict[str, str]) -> Path:
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "1"\n')
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def requirements(found: list[UsedPlugin]) -> list[str]:
    return [plugin.requirement.split(">=")[0] for plugin in found]


def test_each_sign_adds_its_plugin_with_the_file_that_shows_it(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"tests/unit/test_a.py": ASYNC_TEST, "tests/unit/test_b.py": MOCKER_TEST,
                                      "tests/integration/test_c.py": GIVEN_TEST})
    needed, provided = used_plugins(load_config(project), ["unit", "integration"], frozenset())
    assert requirements(needed) == ["pytest-asyncio", "pytest-mock", "hypothesis"]
    assert [p.why for p in needed] == ["tests/unit/test_a.py uses `async def test…` or the `asyncio` marker",
                                       "tests/unit/test_b.py uses the `mocker` fixture",
                                       "tests/integration/test_c.py uses `@given` from hypothesis"]
    assert provided == []


def test_only_the_selected_tiers_are_read(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"tests/unit/test_a.py": "def test_x():\n    pass\n",
                                      "tests/integration/test_c.py": GIVEN_TEST})
    assert used_plugins(load_config(project), ["unit"], frozenset()) == ([], [])


def test_the_marker_and_conftest_fixtures_count(tmp_path: Path) -> None:
    project = project_with(tmp_path, {
        "tests/unit/test_a.py": "import pytest\n\n@pytest.mark.asyncio\nasync def helper_style():\n    pass\n",
        "tests/unit/conftest.py": "import pytest\n\n@pytest.fixture\ndef clock(session_mocker):\n    return 1\n"})
    needed, _ = used_plugins(load_config(project), ["unit"], frozenset())
    assert requirements(needed) == ["pytest-asyncio", "pytest-mock"]


def test_anyio_tests_do_not_need_pytest_asyncio(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"tests/unit/test_a.py": "import pytest\n\n@pytest.mark.anyio\n" + ASYNC_TEST})
    assert used_plugins(load_config(project), ["unit"], frozenset()) == ([], [])


def test_what_the_project_declares_or_has_is_not_added(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"tests/unit/test_a.py": ASYNC_TEST + MOCKER_TEST,
                                      "requirements/test.txt": "pytest-mock==3.14.0  # mocks\n"})
    needed, provided = used_plugins(load_config(project), ["unit"], frozenset({"pytest_asyncio"}))
    assert needed == []
    assert provided == [
        "pytest-asyncio: tests/unit/test_a.py uses `async def test…` or the `asyncio` marker; the project's"
        " interpreter has it",
        "pytest-mock: tests/unit/test_a.py uses the `mocker` fixture; the project declares it in requirements/test.txt"]


def test_a_mention_that_is_not_a_requirement_does_not_count(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"tests/unit/test_a.py": MOCKER_TEST,
                                      "requirements-dev.txt": "# we used to need pytest-mock here\npytest-mockito\n"})
    needed, _ = used_plugins(load_config(project), ["unit"], frozenset())
    assert requirements(needed) == ["pytest-mock"]


def test_large_files_and_hidden_folders_are_skipped(tmp_path: Path) -> None:
    padding = "#" * MAX_TEST_FILE_BYTES
    project = project_with(tmp_path, {"tests/unit/test_big.py": MOCKER_TEST + padding,
                                      "tests/unit/.venv/lib/test_dep.py": GIVEN_TEST,
                                      "tests/unit/helpers.py": ASYNC_TEST})
    assert used_plugins(load_config(project), ["unit"], frozenset()) == ([], [])


def test_qa_plugins_lists_them_and_says_why(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"tests/unit/test_a.py": MOCKER_TEST})
    done = qa("plugins", "--project", project, "--tiers", "unit", env={"QA_PYTHON": str(tmp_path / "no-python")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("pytest-mock")
    assert "qa plugins: adding pytest-mock" in done.stderr
    assert "tests/unit/test_a.py uses the `mocker` fixture" in done.stderr
