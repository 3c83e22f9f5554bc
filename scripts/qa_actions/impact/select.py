"""Which tests a change must run, from the map: a pure function, `select(SelectionInput) -> Selection`.

Selected: the tests whose recorded blocks the change edits or removes (with all their parameters,
as the change may add one: a new value in a list imported at collection); every test of a new or
changed test file; the tests that failed or were flaky on the base run; the tests the map has
never seen; and the tests `[tool.qa] impact-inputs` names for a changed data file. Everything
runs (`full_run`, with the reason) when the change touches what the map cannot see: a
`conftest.py`, pytest's or coverage's configuration, `pyproject.toml`, a lock or requirements file,
a non-Python file no `impact-inputs` glob declares, a Python file the map never measured, code that
ran only outside any test; or when the map is missing, from another Python version, or too old.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .blocks import MODULE, file_blocks
from .map import BlockKey, ImpactMap, strip_params, test_file

DEFAULT_MAX_AGE = 50  # commits between the map's commit and the base
CONFIG_FILES = frozenset({"conftest.py", "pytest.ini", "setup.cfg", "tox.ini", ".coveragerc", "pyproject.toml",
                          "setup.py", "noxfile.py"})
LOCK_PATTERNS = ("requirements*.txt", "requirements*.in", "constraints*.txt", "*.lock", "Pipfile", "pylock*.toml")
REASONS = ("affected", "changed test file", "new", "failed on base", "input")


@dataclass(frozen=True)
class FileChange:
    """One file of the change: its source before (None: added) and after (None: deleted)."""

    path: str
    old: str | None
    new: str | None
    old_path: str | None = None  # a rename's path at the base


@dataclass
class SelectionInput:
    map: ImpactMap | None
    changes: list[FileChange]
    test_files: list[str]  # the test files at the head
    tests: list[str] | None = None  # the node ids collected at the head, when known
    failed_on_base: list[str] = field(default_factory=list)  # failed or flaky in the base's latest run
    python: str | None = None  # major.minor of the interpreter that will run the tests
    map_age: int | None = None  # commits from the map's commit to the base; None: not in the base's history
    max_age: int = DEFAULT_MAX_AGE
    inputs: dict[str, list[str]] = field(default_factory=dict)  # [tool.qa] impact-inputs: glob -> tests
    tier: str = "unit"


@dataclass
class Selection:
    full_run: bool
    reason: str | None  # why everything runs
    tests: list[str]  # what to pass to pytest: test files and node ids
    why: dict[str, str] = field(default_factory=dict)  # selected node id or file -> one of REASONS
    changed_blocks: list[str] = field(default_factory=list)  # `file::block` of the recorded blocks changed
    selected: int = 0
    total: int = 0
    explanation: str = ""


class _FullRun(Exception):
    pass


def select(given: SelectionInput) -> Selection:
    """The selection for one tier; see the module's docstring for the rules."""
    try:
        return _select(given)
    except _FullRun as full:
        total = len(given.tests) if given.tests is not None else len(given.map.tests) if given.map else 0
        reason = str(full)
        return Selection(True, reason, [], selected=total, total=total,
                         explanation=f"full run of the {given.tier} tests: {reason}")


def _select(given: SelectionInput) -> Selection:
    test_map = _usable_map(given)
    present = set(given.test_files)
    known_files = test_map.test_files()
    why: dict[str, str] = {}
    changed: set[BlockKey] = set()
    for change in given.changes:
        _check_visible(change, given, test_map, present | known_files)
        if change.path.endswith(".py") and (change.path in present or change.path in known_files
                                            or change.old_path in known_files):
            if change.new is not None and change.path in present:
                why.setdefault(change.path, "changed test file")
        elif change.path.endswith(".py"):
            changed |= _changed_blocks(change, test_map)
        else:
            for target in _declared_targets(change.path, given.inputs):
                why.setdefault(target, "input")
    orphans = sorted(key for key in changed if key in test_map.session
                     and not any(key in ran for ran in test_map.tests.values()))
    if orphans:
        file, block = orphans[0]
        raise _FullRun(f"`{block}` in {file} changed, and it ran only outside any test (at collection or "
                       "session start), so the map cannot tell which tests depend on it")
    for test, ran in test_map.tests.items():
        if ran & changed and test_file(test) in present:  # every parameter: the change may add one the map lacks
            why.setdefault(strip_params(test), "affected")
    for path in sorted(present - known_files):
        why.setdefault(path, "new")
    for test in given.tests or ():
        if not test_map.knows(test):
            why.setdefault(test, "new")
    for test in given.failed_on_base:
        if test_file(test) in present:
            why.setdefault(test, "failed on base")
    return _result(given, test_map, why, changed)


def _usable_map(given: SelectionInput) -> ImpactMap:
    test_map = given.map
    if test_map is None:
        raise _FullRun(f"there is no impact map of the {given.tier} tests yet (a full run on the base branch "
                       "records one)")
    if given.python and test_map.python and given.python != test_map.python:
        raise _FullRun(f"the map was recorded with Python {test_map.python}, this run uses {given.python}")
    if given.map_age is None:
        commit = (test_map.commit or "unknown")[:12]
        raise _FullRun(f"the map's commit {commit} is not in the base's history")
    if given.map_age > given.max_age:
        raise _FullRun(f"the map is {given.map_age} commits older than the base (at most {given.max_age}: "
                       "`[tool.qa] impact-max-age`)")
    return test_map


def _check_visible(change: FileChange, given: SelectionInput, test_map: ImpactMap, test_files: set[str]) -> None:
    """Raise _FullRun when the map cannot see what `change` does."""
    for path in {change.path, change.old_path} - {None}:
        name = PurePosixPath(path).name
        if name in CONFIG_FILES:
            raise _FullRun(f"{path} changed: it configures every test")
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in LOCK_PATTERNS):
            raise _FullRun(f"{path} changed: the installed dependencies may differ")
    if not change.path.endswith(".py"):
        if not any(fnmatch.fnmatchcase(change.path, glob) for glob in given.inputs):
            raise _FullRun(f"{change.path} changed, and no test is known to read it or not (declare it in "
                           "`[tool.qa] impact-inputs`)")
        return
    if change.path in test_files or change.old_path in test_files:
        return
    measured = change.path in test_map.files or change.old_path in test_map.files
    if not measured and change.old is not None:
        raise _FullRun(f"{change.old_path or change.path} changed, and the map never measured it "
                       "(outside the tier's coverage source)")


def _changed_blocks(change: FileChange, test_map: ImpactMap) -> set[BlockKey]:
    """The recorded blocks of `change` that it edits or removes; an added file has none."""
    if change.old is None:
        return set()
    old_path = change.old_path or change.path
    try:
        old = file_blocks(change.old).fingerprints()
        new = file_blocks(change.new).fingerprints() if change.new is not None else {}
    except (SyntaxError, ValueError):
        raise _FullRun(f"{change.path} does not parse, so its changed blocks are unknown") from None
    if change.old_path and change.old_path != change.path:
        return {(old_path, name) for name in old}  # a moved module: whoever imported it is affected
    return {(old_path, name) for name, fp in old.items() if new.get(name) != fp}


def _declared_targets(path: str, inputs: dict[str, list[str]]) -> list[str]:
    return [target for glob, targets in inputs.items() if fnmatch.fnmatchcase(path, glob) for target in targets]


def _result(given: SelectionInput, test_map: ImpactMap, why: dict[str, str], changed: set[BlockKey]) -> Selection:
    universe = list(given.tests) if given.tests is not None else list(test_map.tests)
    whole_files = {target for target in why if "::" not in target}
    targets = sorted(t for t in why if (t in whole_files or test_file(t) not in whole_files)
                     and (strip_params(t) == t or strip_params(t) not in why))  # test_x runs test_x[1] too
    counted: dict[str, str] = {}
    for test in universe:
        found = [why.get(test), why.get(strip_params(test)), why.get(test_file(test))]
        reasons = [reason for reason in found if reason is not None]
        if reasons:
            counted[test] = min(reasons, key=REASONS.index)  # one reason a test, the first that holds
    functions = {strip_params(t) for t in counted}  # a target without parameters counts as its parameters
    uncounted = [t for t in targets if t not in whole_files and t not in counted and t not in functions]
    counted.update({t: why[t] for t in uncounted})
    recorded = sorted(f"{file}::{block}" for file, block in changed
                      if any((file, block) in ran for ran in test_map.tests.values()))
    selection = Selection(False, None, targets, {t: why[t] for t in targets}, recorded, len(counted),
                          max(len(universe), len(counted)))
    selection.explanation = explain(selection, counted, given.tier)
    return selection


def explain(selection: Selection, counted: dict[str, str], tier: str) -> str:
    """"ran 41 of 612 unit tests: 37 affected by 3 changed functions, 4 new"."""
    parts = []
    by_reason = {reason: sum(1 for r in counted.values() if r == reason) for reason in REASONS}
    if by_reason["affected"]:
        blocks = selection.changed_blocks
        noun = "block" if any(b.endswith(f"::{MODULE}") for b in blocks) else "function"
        count = len(blocks)
        parts.append(f"{by_reason['affected']} affected by {count} changed {noun}{'' if count == 1 else 's'}")
    labels = {"changed test file": "in changed test files", "new": "new",
              "failed on base": "failed or flaky on the base", "input": "reading changed inputs"}
    parts += [f"{by_reason[reason]} {label}" for reason, label in labels.items() if by_reason[reason]]
    head = f"ran {selection.selected} of {selection.total} {tier} tests"
    return f"{head}: {', '.join(parts)}" if parts else f"{head}: the change affects none"
