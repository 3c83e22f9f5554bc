"""The impact map: per test, the code blocks it ran, reduced from a coverage data file with contexts.

The run that records a map measures with pytest-cov's `--cov-context=test` (RECORD_ARGS): each
line is recorded with the node ids of the tests that ran it (`tests/test_a.py::test_x|run`, and
`|setup` / `|teardown` for its fixtures). coverage's own `[run] dynamic_context = test_function`
is read too (its contexts are `module.Class.function`, mapped to node ids through the test
files), but it loses parameters and fixtures, so pytest-cov's is the one to use.

Code that runs outside any test (at collection: the module level of everything the test files
import) is recorded with the empty context. So that a change to a module's import-time code selects
the tests that depend on it, every test depends on the module block of each file it ran a line of,
and of each file its test file imports, directly or through other measured files (read with
`ast`: a module imported only at collection time still counts). Blocks run only outside tests are
kept as `session`: a change to one the map attributes to no test forces a full run.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..collect.changed_lines import project_relative
from ..collect.coverage import FileLines, read_line_coverage
from .blocks import MODULE, FileBlocks, file_blocks

# what the recording run adds to pytest's arguments; sys.monitoring (COVERAGE_CORE=sysmon) cannot
# switch contexts, so the run must leave COVERAGE_CORE unset
RECORD_ARGS = ("--cov-context=test",)
PHASE = re.compile(r"\|(setup|run|teardown)$")

BlockKey = tuple[str, str]  # (file relative to the project, block name)
BlockCoverage = tuple[int, int, int, int]  # covered lines, statements, covered branches, branches


@dataclass
class ImpactMap:
    """What each test ran. `blocks` holds every recorded block's fingerprint; `files` the measured files."""

    commit: str | None = None
    python: str | None = None  # major.minor of the interpreter that ran the tests
    tier: str = "unit"
    blocks: dict[BlockKey, str] = field(default_factory=dict)
    tests: dict[str, frozenset[BlockKey]] = field(default_factory=dict)
    session: frozenset[BlockKey] = frozenset()
    files: frozenset[str] = frozenset()
    # each block's counts in the full run, what a selected run carries forward
    lines: dict[BlockKey, BlockCoverage] = field(default_factory=dict)

    def test_files(self) -> set[str]:
        return {test_file(t) for t in self.tests}

    def knows(self, test: str) -> bool:
        return test in self.tests or strip_params(test) in self.tests


def test_file(test: str) -> str:
    return test.split("::", 1)[0]


def strip_params(test: str) -> str:
    return test[:test.index("[")] if test.endswith("]") and "[" in test else test


def build_map(data_file: Path, project: Path, test_ids: Iterable[str], *, commit: str | None = None,
              python: str | None = None, tier: str = "unit", report: Path | None = None,
              measured_in: Path | None = None) -> ImpactMap:
    """The map of a run: its coverage data file (with contexts) and every test id it ran (from JUnit,
    so that a test that ran no measured line is known too); with the run's coverage.py JSON
    `report`, each block's covered and statement lines too. `measured_in`: where the project was
    when the run measured it, if not at `project` (another job's checkout)."""
    from coverage import CoverageData  # the map is built in qa's environment, which has coverage

    root = project.resolve()
    data = CoverageData(str(data_file))
    data.read()
    tests = {t: set[BlockKey]() for t in test_ids}
    session: set[BlockKey] = set()
    sources: dict[str, FileBlocks] = {}
    imports: dict[str, set[str]] = {}
    blocks: dict[BlockKey, str] = {}
    dotted = _dotted_tests(tests)
    for measured in sorted(data.measured_files()):
        path = project_relative(measured, root)
        if path is None and measured_in is not None:
            path = project_relative(measured, measured_in)
        if path is None or not path.endswith(".py"):
            continue
        try:
            text = (root / path).read_text(encoding="utf-8")
            parsed = file_blocks(text)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue  # gone or not Python now: a change to it is then a file the map cannot see
        sources[path] = parsed
        imports[path] = _imported_names(text, path)
        blocks.update({(path, name): fp for name, fp in parsed.fingerprints().items()})
        for line, contexts in (data.contexts_by_lineno(measured) or {}).items():
            key = (path, parsed.block_of(line))
            for context in contexts:
                test = _test_of(context, dotted)
                (session if test is None else tests.setdefault(test, set())).add(key)
    files = frozenset(sources)
    by_module = _module_index(files)
    closures: dict[str, set[str]] = {}
    for test, ran in tests.items():
        file = test_file(test)
        if file not in closures:
            closures[file] = _import_closure(_test_file_imports(root, file), imports, by_module)
        ran |= {(path, MODULE) for path in {path for path, _ in ran} | closures[file]}
    lines = block_lines(read_line_coverage(report), root, sources) if report is not None else {}
    return ImpactMap(commit, python, tier, blocks, {t: frozenset(b) for t, b in tests.items()}, frozenset(session),
                     files, lines)


def block_lines(report: dict[str, FileLines], root: Path, sources: dict[str, FileBlocks] | None = None,
                ) -> dict[BlockKey, BlockCoverage]:
    """The counts (BlockCoverage) of each block of every Python file of a coverage report, a branch
    counted in the block of the line it leaves; `sources` holds the files already parsed (the rest
    is read from `root`)."""
    found: dict[BlockKey, list[int]] = {}
    for name, measured in report.items():
        path = project_relative(name, root)
        parsed = (sources or {}).get(path) if path else None
        if path is None or not path.endswith(".py"):
            continue
        if parsed is None:
            try:
                parsed = file_blocks((root / path).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
                continue
        for line in measured.statements:
            counts = found.setdefault((path, parsed.block_of(line)), [0, 0, 0, 0])
            counts[0] += line in measured.executed
            counts[1] += 1
        for arc in measured.branches:
            counts = found.setdefault((path, parsed.block_of(arc[0])), [0, 0, 0, 0])
            counts[2] += arc in measured.executed_branches
            counts[3] += 1
    return {key: (lines, statements, taken, branches) for key, (lines, statements, taken, branches) in found.items()}


def _test_of(context: str, dotted: dict[str, str]) -> str | None:
    """The node id a context names, or None for code run outside any test."""
    if not context:
        return None
    if "::" in context:
        return PHASE.sub("", context)
    return dotted.get(context, context)


def _dotted_tests(tests: Iterable[str]) -> dict[str, str]:
    """coverage's `test_function` contexts (`pkg.test_a.TestX.test_y`) -> node ids without parameters."""
    found: dict[str, str] = {}
    for test in tests:
        file, _, rest = strip_params(test).partition("::")
        if not file.endswith(".py") or not rest:
            continue
        parts = PurePosixPath(file[:-3]).parts
        for start in range(len(parts)):  # the module name depends on rootdir and sys.path
            found.setdefault(".".join([*parts[start:], *rest.split("::")]), strip_params(test))
    return found


def _module_names(path: str) -> list[str]:
    parts = list(PurePosixPath(path[:-3]).parts)
    if parts[-1] == "__init__":
        parts.pop()
    return [".".join(parts[start:]) for start in range(len(parts))]


def _module_index(files: Iterable[str]) -> dict[str, set[str]]:
    """Every dotted name a measured file may be imported as (any suffix of its path) -> files."""
    index: dict[str, set[str]] = {}
    for path in files:
        for name in _module_names(path):
            index.setdefault(name, set()).add(path)
    return index


def _imported_names(source: str, path: str) -> set[str]:
    """Dotted names a module imports, at any depth (a function's lazy import counts), relative ones resolved."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    package = list(PurePosixPath(path).parent.parts)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1] if node.level <= len(package) + 1 else []
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module:
                names.add(module)
                names |= {f"{module}.{alias.name}" for alias in node.names}
    return names


def _test_file_imports(root: Path, file: str) -> set[str]:
    try:
        return _imported_names((root / file).read_text(encoding="utf-8"), file)
    except (OSError, UnicodeDecodeError):
        return set()


def _import_closure(names: set[str], imports: dict[str, set[str]], index: dict[str, set[str]]) -> set[str]:
    """The measured files `names` import, and the files those import, and so on."""
    found: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        parts = name.split(".")
        for end in range(1, len(parts) + 1):  # importing a.b.c runs a, a.b and a.b.c
            for file in index.get(".".join(parts[:end]), ()):
                if file not in found:
                    found.add(file)
                    pending += imports.get(file, ())
    return found
