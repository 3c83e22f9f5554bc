"""Install detection: each small layout a project may have, the command it must give and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import qa

from qa_actions.config.detect.install import PIP, detect_install, detect_python_version
from qa_actions.errors import ConfigError

PACKAGE = '[build-system]\nrequires = ["setuptools"]\n[project]\nname = "demo"\nversion = "1"\n'


def layout(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_uv_lock_syncs_the_test_groups_into_the_interpreter(tmp_path: Path) -> None:
    project = layout(tmp_path, {"uv.lock": "version = 1\n", "pyproject.toml": PACKAGE + (
        '[dependency-groups]\ndev = ["ruff"]\ntest = ["pytest"]\ndocs = ["mkdocs"]\n'
        '[project.optional-dependencies]\ntests = ["pytest-mock"]\n')})
    plan = detect_install(project)
    assert plan.tool == "uv"
    assert plan.command.endswith("uv sync --locked --inexact --group test --group dev --extra tests")
    assert "UV_PROJECT_ENVIRONMENT=\"$(python -c 'import sys; print(sys.prefix)')\"" in plan.command
    assert plan.command.startswith("{ command -v uv >/dev/null 2>&1 || " + PIP + " uv; }")
    assert plan.why == "uv.lock: uv sync into the project's interpreter (group test, group dev, extra tests)"


def test_uv_lock_wins_over_everything_else(tmp_path: Path) -> None:
    project = layout(tmp_path, {"uv.lock": "", "poetry.lock": "", "requirements-test.txt": "pytest\n",
                                "pyproject.toml": PACKAGE})
    plan = detect_install(project)
    assert (plan.tool, plan.why) == ("uv", "uv.lock: uv sync into the project's interpreter (no test group)")


def test_poetry_installs_only_the_groups_that_exist(tmp_path: Path) -> None:
    project = layout(tmp_path, {"poetry.lock": "", "pyproject.toml": (
        '[tool.poetry]\nname = "demo"\n[tool.poetry.group.test.dependencies]\npytest = "^8"\n'
        '[tool.poetry.group.docs.dependencies]\nmkdocs = "*"\n')})
    plan = detect_install(project)
    assert plan.command.endswith("POETRY_VIRTUALENVS_CREATE=false poetry install --no-interaction --with=test")
    assert plan.why == "poetry.lock: poetry install into the project's interpreter (group test)"


def test_pdm_exports_the_lock_with_its_groups_to_pip(tmp_path: Path) -> None:
    project = layout(tmp_path, {"pdm.lock": "", "pyproject.toml": PACKAGE + (
        '[project.optional-dependencies]\ntest = ["pytest"]\n[tool.pdm.dev-dependencies]\ndev = ["ruff"]\n')})
    plan = detect_install(project)
    assert plan.command.endswith(f"pdm export --without-hashes -G test -G dev | {PIP} -e . -r /dev/stdin")
    assert plan.why == "pdm.lock: the locked versions (pdm export, group test, group dev) installed with pip"


def test_dependency_groups_make_sure_pip_knows_them(tmp_path: Path) -> None:
    project = layout(tmp_path, {"pyproject.toml": PACKAGE + '[dependency-groups]\ntests = ["pytest"]\n'})
    plan = detect_install(project)
    assert plan.command == f"{PIP} 'pip>=25.1' && {PIP} -e . --group tests"
    assert plan.why.startswith("pyproject.toml [dependency-groups] tests (pip 25.1")


def test_dependency_groups_of_a_project_that_is_not_a_package(tmp_path: Path) -> None:
    project = layout(tmp_path, {"pyproject.toml": '[dependency-groups]\ntest = ["pytest"]\ndev = ["ruff"]\n'})
    assert detect_install(project).command == f"{PIP} 'pip>=25.1' && {PIP} --group test --group dev"


def test_extras_named_for_tests(tmp_path: Path) -> None:
    project = layout(tmp_path, {"pyproject.toml": PACKAGE + (
        '[project.optional-dependencies]\npostgres = ["psycopg"]\ndev = ["ruff"]\ntesting = ["pytest"]\n')})
    plan = detect_install(project)
    assert plan.command == f"{PIP} -e '.[testing,dev]'"
    assert plan.why == "optional dependencies (extras) testing, dev of the package"


def test_extras_from_setup_cfg(tmp_path: Path) -> None:
    project = layout(tmp_path, {"setup.cfg": "[metadata]\nname = demo\n[options.extras_require]\ntest =\n  pytest\n"})
    assert detect_install(project).command == f"{PIP} -e '.[test]'"


def test_requirements_files_for_tests_with_the_base_one(tmp_path: Path) -> None:
    project = layout(tmp_path, {"setup.py": "", "requirements.txt": "requests\n", "requirements/test.txt": "pytest\n",
                                "requirements-dev.txt": "ruff\n", "docs/requirements.txt": "mkdocs\n"})
    plan = detect_install(project)
    assert plan.command == f"{PIP} -e . -r requirements.txt -r requirements-dev.txt -r requirements/test.txt"
    assert plan.why == "requirements files for the tests: requirements.txt, requirements-dev.txt, requirements/test.txt"


def test_tox_deps_simple_forms_and_what_is_left_out(tmp_path: Path) -> None:
    project = layout(tmp_path, {"setup.py": "", "requirements-ci.txt": "pytest\n", "tox.ini": (
        "[tox]\nenvlist = py311\n[testenv]\nextras = http\ndeps =\n"
        "    -r{toxinidir}/requirements-ci.txt\n    pytest-xdist>=3  # parallel\n    py311: tomli\n"
        "    {env:EXTRA_DEP}\n    -rmissing.txt\ncommands = pytest\n")})
    plan = detect_install(project)
    assert plan.command == f"{PIP} -e '.[http]' -r requirements-ci.txt 'pytest-xdist>=3'"
    assert plan.why == ("tox.ini [testenv] deps; left out: `py311: tomli` (a factor, substitution or option qa does"
                        " not expand), `{env:EXTRA_DEP}` (a factor, substitution or option qa does not expand),"
                        " `-rmissing.txt` (no such file)")


def test_a_plain_requirements_file_of_scripts(tmp_path: Path) -> None:
    project = layout(tmp_path, {"requirements.txt": "requests\n", "tests/test_x.py": ""})
    assert detect_install(project).command == f"{PIP} -r requirements.txt"


def test_a_package_without_test_dependencies(tmp_path: Path) -> None:
    plan = detect_install(layout(tmp_path, {"pyproject.toml": PACKAGE}))
    assert (plan.command, plan.tool) == (f"{PIP} -e .", "pip")
    assert "pyproject.toml has a [project] or [build-system] table" in plan.why


def test_nothing_installable_installs_nothing(tmp_path: Path) -> None:
    plan = detect_install(layout(tmp_path, {"pyproject.toml": "[tool.pytest.ini_options]\n", "tests/test_x.py": ""}))
    assert (plan.command, plan.tool) == ("", None)
    assert plan.why.startswith("nothing to install")


@pytest.mark.parametrize(("text", "message"), [
    ('project = "demo"\n', "`project` must be a table"),
    ("dependency-groups = [1]\n", "`dependency-groups` must be a table"),
    ('[tool]\npoetry = 3\n', None),
    ('[project]\noptional-dependencies = "test"\n', "`project.optional-dependencies` must be a table"),
])
def test_weird_types_are_one_config_error(tmp_path: Path, text: str, message: str | None) -> None:
    project = layout(tmp_path, {"pyproject.toml": text})
    if message is None:  # a table nobody reads here: no error
        detect_install(project)
        return
    with pytest.raises(ConfigError, match=message):
        detect_install(project)


def test_the_command_line_says_it_in_one_line(tmp_path: Path) -> None:
    project = layout(tmp_path, {"pyproject.toml": '[project]\nrequires-python = 3.11\n'})
    done = qa("install", "--python-version", "--project", project)
    assert done.returncode == 2
    assert done.stderr.strip() == "qa: error: pyproject.toml: `project.requires-python` must be a string"
    done = qa("install", "--print", "--project", layout(tmp_path, {"pyproject.toml": PACKAGE}))
    assert (done.returncode, done.stdout) == (0, f"{PIP} -e .\n")
    assert done.stderr.startswith("why: the project is a package")


def test_python_version_file_comes_first(tmp_path: Path) -> None:
    project = layout(tmp_path, {".python-version": "# pinned\n3.13.1\n", "pyproject.toml": (
        '[project]\nrequires-python = ">=3.10"\n')})
    assert detect_python_version(project) == ("3.13.1", ".python-version asks for 3.13.1")


@pytest.mark.parametrize(("specifier", "version"), [
    (">=3.10.4,<4", "3.10"), (">=3.8", "3.9"), ("~=3.12", "3.12"), ("!=3.9.*,>=3.9", "3.10"), ("<3.9", None)])
def test_the_lowest_supported_minor_requires_python_allows(tmp_path: Path, specifier: str,
                                                           version: str | None) -> None:
    project = layout(tmp_path, {"pyproject.toml": f'[project]\nrequires-python = "{specifier}"\n'})
    found, why = detect_python_version(project)
    assert found == version
    assert f"requires-python `{specifier}`" in why


def test_python_version_from_setup_cfg_or_none(tmp_path: Path) -> None:
    assert detect_python_version(tmp_path) == (None, "no .python-version or requires-python: the setup's default")
    layout(tmp_path, {"setup.cfg": "[options]\npython_requires = >=3.11\n"})
    assert detect_python_version(tmp_path)[0] == "3.11"
    done = qa("install", "--python-version", "--project", layout(tmp_path, {"setup.cfg": "[options]\n"}))
    assert (done.returncode, done.stdout) == (0, "\n")


def test_a_bad_specifier_or_version_file_is_refused(tmp_path: Path) -> None:
    layout(tmp_path, {"pyproject.toml": '[project]\nrequires-python = "three"\n'})
    with pytest.raises(ConfigError, match="`three` is not a version specifier"):
        detect_python_version(tmp_path)
    layout(tmp_path, {".python-version": "3.12; rm -rf /\n"})
    with pytest.raises(ConfigError, match="is not a Python version"):
        detect_python_version(tmp_path)


def test_a_failing_install_is_exit_code_1_and_one_line(tmp_path: Path) -> None:
    project = layout(tmp_path, {"requirements-test.txt": "-r does-not-exist.txt\n"})  # pip stops before installing
    done = qa("install", "--project", project)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        f"qa: error: installing the project failed (exit code 1): {PIP} -r requirements-test.txt")


def test_nothing_to_install_says_so(tmp_path: Path) -> None:
    done = qa("install", "--project", layout(tmp_path, {"tests/test_x.py": ""}))
    assert (done.returncode, done.stderr.strip()) == (0, "qa install: nothing to install: no lock file, requirements,"
                                                         " tox.ini, pyproject [project] or setup.py")
