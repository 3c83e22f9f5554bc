"""Where a project keeps its tests, and which tiers they form, as the repository already declares it.

The order, first match wins: tiers whose `[tool.qa]` table sets `paths` (the other tiers still get
their `tests/<tier>/` folder when it exists); tier folders `tests/<tier>/` (tests beside them, in no
tier folder, are the `unit` tier when it has no folder); tiers declared as pytest markers (`-m`; the
unmarked rest is `unit`); pytest's `testpaths`; a flat `tests/` or `test/`; tests inside the package
(`src/<pkg>/tests`, `<pkg>/tests`). A suite found without tiers is the `unit` tier."""

from __future__ import annotations

import fnmatch

from . import DetectedTier, Detection
from .pytest_config import DEFAULT_PYTHON_FILES, PytestConfig
from .tree import Tree, join

TESTS_FOLDERS = ("tests", "test")
UNIT = "unit"
PROJECT = "."  # what plain `pytest` collects when the project declares no testpaths


def is_test_file(path: str, patterns: list[str] | tuple[str, ...] = DEFAULT_PYTHON_FILES) -> bool:
    name = path.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def has_tests(tree: Tree, folder: str, patterns: list[str] | tuple[str, ...] = DEFAULT_PYTHON_FILES) -> bool:
    return any(is_test_file(path, patterns) for path in tree.files_under(folder))


def detect_tests(tree: Tree, pytest: PytestConfig, tiers: list[str], configured: set[str]) -> Detection:
    """Detect the tests of the pytest tiers `tiers` (defaults and the project's own); `configured` are
    those whose `[tool.qa]` table sets `paths`, which detection leaves alone."""
    detection = Detection(pytest_config=pytest.file)
    folders = {name: f"tests/{name}" for name in tiers if tree.is_dir(f"tests/{name}")}
    detection.looked_in = [f"tests/{name}" for name in tiers if name not in configured]
    detection.tiers = {name: DetectedTier([path], why=f"folder {path}/") for name, path in folders.items()
                       if name not in configured}
    if configured:
        detection.layout, detection.why = "configured", "[tool.qa] sets the paths of " + ", ".join(sorted(configured))
        return detection
    if folders:
        detection.layout = "tier-folders"
        detection.why = "tier folders: " + ", ".join(f"{path}/" for path in folders.values())
        _rest_is_unit(tree, pytest, detection, folders)
        return detection
    marker_source = f"pytest markers ({pytest.file})" if pytest.file else "pytest markers"
    detection.looked_in.append(marker_source)
    suite, suite_why = _suite(tree, pytest, detection)
    marked = [name for name in tiers if name != UNIT and name in pytest.markers]
    if marked and suite:
        detection.layout = "markers"
        detection.why = (f"markers {', '.join(marked)} declared in {pytest.file}; the unmarked rest is `unit`"
                         f" ({suite_why})")
        detection.tiers = {name: DetectedTier(suite, markers=name, why=f"marker `{name}` in {suite_why}")
                           for name in marked}
        rest = " or ".join(marked)
        detection.tiers[UNIT] = DetectedTier(suite, markers=f"not ({rest})" if len(marked) > 1 else f"not {rest}",
                                             why=f"tests without the markers {', '.join(marked)} in {suite_why}")
        return detection
    if suite:
        detection.layout = "testpaths" if suite_why.startswith("testpaths") else (
            "in-package" if suite_why.startswith("tests inside") else
            "root-files" if suite_why.startswith("test files at") else "flat")
        detection.why = suite_why
        detection.tiers = {UNIT: DetectedTier(suite, why=suite_why)}
    else:
        detection.why = "no tests found"
    return detection


def _rest_is_unit(tree: Tree, pytest: PytestConfig, detection: Detection, folders: dict[str, str]) -> None:
    """Tests in tests/ outside every tier folder run as `unit` when it has no folder, so none is left out."""
    if UNIT in folders or UNIT in detection.tiers:
        return
    inside = tuple(f"{path}/" for path in folders.values())
    rest = [path for path in tree.files_under("tests") if is_test_file(path, pytest.python_files)
            and not path.startswith(inside)]
    if rest:
        ignore = sorted(folders.values())
        detection.tiers[UNIT] = DetectedTier(["tests"], ignore=ignore,
                                             why=f"tests/ without the tier folders ({len(rest)} test files)")


def _suite(tree: Tree, pytest: PytestConfig, detection: Detection) -> tuple[list[str], str]:
    """The paths of the whole suite and how they were found. pytest's `testpaths` when declared; else
    the project folder, as plain `pytest` collects it (doctests, a README, files its python_files names,
    tests outside tests/ included), once tests were found in tests/, test/, the project's root or the
    package."""
    detection.looked_in.append("testpaths")
    # inside the project only: a tier's paths are the project's (an absolute or `..` path is left out)
    declared = [path.rstrip("/") or PROJECT for path in pytest.testpaths
                if "*" not in path and not path.startswith("/") and ".." not in path.split("/")]
    found = [path for path in declared if tree.is_dir(path) or tree.is_file(path)]
    if found:
        return found, f"testpaths {' '.join(found)} in {pytest.file}"
    whole = "collected from the project folder, as plain pytest does"
    patterns = pytest.python_files
    for folder in TESTS_FOLDERS:
        detection.looked_in.append(f"{folder}/")
        if tree.is_dir(folder) and has_tests(tree, folder, patterns):
            return [PROJECT], f"folder {folder}/ ({whole})"
    detection.looked_in.append("the project's root")
    at_root = [name for name in tree.children("") if tree.is_file(name) and is_test_file(name, patterns)]
    if at_root:
        return [PROJECT], f"test files at the project's root: {', '.join(at_root[:3])} ({whole})"
    detection.looked_in.append("src/*/tests, */tests")
    inside = in_package_tests(tree, patterns)
    if inside:
        return [PROJECT], "tests inside the package: " + ", ".join(f"{p}/" for p in inside) + f" ({whole})"
    return [], ""


def in_package_tests(tree: Tree, patterns: list[str] | tuple[str, ...] = DEFAULT_PYTHON_FILES) -> list[str]:
    """`src/<pkg>/tests`, `src/<pkg>/test`, `<pkg>/tests`, `<pkg>/test` folders that hold test files."""
    found = []
    for base in ("src", ""):
        for name in tree.children(base):
            package = join(base, name)
            if name.startswith((".", "_")) or name in TESTS_FOLDERS or not tree.is_dir(package):
                continue
            for folder in TESTS_FOLDERS:
                candidate = join(package, folder)
                if tree.is_dir(candidate) and has_tests(tree, candidate, patterns):
                    found.append(candidate)
        if found:
            return found
    return found
