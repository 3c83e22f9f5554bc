"""The layer rules of scripts/qa_actions (docs/design.md), read from the imports with `ast`.

Every import counts: at module level, inside functions (the lazy ones) and under TYPE_CHECKING, so
a cycle cannot hide behind a detour.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from qa_actions import layout

PACKAGE = Path(__file__).resolve().parents[2] / "scripts" / "qa_actions"

# Lowest first: a unit may import its own modules and units before it, never one after it.
# A unit is a top-level module or a sub-package of qa_actions.
LAYERS: list[tuple[str, ...]] = [
    ("__init__", "errors", "text", "layout", "categories", "pii", "testing", "bootstrap", "extras",
     "templates"),  # leaves
    ("schema", "fsutil", "progress", "names", "tier_selection"),  # … the names of a project's reports on GitHub;
    # what a test-impact selection did to a tier (tier.json and results.json)
    ("scrub",),  # secrets out of every file we write
    ("model", "manifest", "github_env"),  # the results model and its contracts; GitHub's variables
    ("terminal",),  # the console: colour, progress, Actions' groups
    ("config",),  # [tool.qa]
    ("project",),  # the project under test
    ("collect", "evaluate"),  # raw output -> model; gates
    ("history",),  # runs over time (reads collected folders)
    ("impact",),  # test-impact selection: the map (coverage contexts, kept in the history), the rules
    ("tiers", "data"),  # running a tier (timings from history); test data
    ("security",),  # scans (the test-data scan is data's)
    ("render",),  # pure: model in, text out
    ("dashboard",),  # history -> one page
    ("publish",),  # where the report goes: its files, the runner's summary, GitHub
    ("pipeline",),  # the order of the stages
    ("commands",),  # one thin module per sub-command
    ("cli",),
    ("__main__",),
]
# stand alone: the actions run bootstrap.py before qa-actions is installed, and `qa tier` copies
# testing/ into a project interpreter that has nothing else of ours
STANDALONE = ("bootstrap", "testing")
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}
# file names of a results folder and of .errors/ (the words such as `security` double as config keys)
FOLDER_NAMES = frozenset(value for name, value in vars(layout).items() if name.isupper() and isinstance(value, str)
                         and (value in (layout.ERRORS_DIR, layout.COMBINED)
                              or (re.search(r"[.\-_]", value) and not value.startswith((".", "_")))))
NO_IO_MODULES = ("os", "shutil", "subprocess", "socket", "sqlite3", "tempfile", "urllib.request", "http",
                 "requests", "github", "io")
IO_CALLS = frozenset({"open", "read_text", "write_text", "read_bytes", "write_bytes", "mkdir", "unlink", "print"})


@dataclass(frozen=True)
class Import:
    source: str  # qa_actions.x.y, the importing module
    target: str  # the imported name, absolute (a module, or an attribute of one)
    line: int


def module_name(path: Path, root: Path) -> str:
    parts = ["qa_actions", *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path = PACKAGE) -> list[Import]:
    """Every import in `path`, resolved to absolute names."""
    name, found = module_name(path, root), []
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [Import(name, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found += [Import(name, f"{module}.{alias.name}", node.lineno) for alias in node.names]
            found.append(Import(name, module, node.lineno))
    return found


def unit_of(module: str) -> str | None:
    """The top-level module or sub-package `module` belongs to; `__init__` for the package's own names."""
    parts = module.split(".")
    if parts[0] != "qa_actions":
        return None
    return "__init__" if len(parts) == 1 or parts[1].startswith("__version") else parts[1]


def all_modules(root: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def internal_edges(modules: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the qa_actions modules it imports (an imported attribute counts as its module)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        for imp in imports_of(path):
            target = imp.target if imp.target in modules else imp.target.rpartition(".")[0]
            if target in modules and target != module:
                edges[module].add(target)
    return edges


def upward_imports(root: Path = PACKAGE) -> list[str]:
    wrong = []
    for module, path in all_modules(root).items():
        unit = unit_of(module)
        for imp in imports_of(path, root):
            target = unit_of(imp.target)
            if target is None or target == unit:
                continue
            if unit not in RANK or target not in RANK or RANK[target] >= RANK[unit]:
                wrong.append(f"{path.relative_to(root)}:{imp.line}: {unit} imports {imp.target}")
    return sorted(set(wrong))


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                group.append(item)
                if item == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def string_constants(path: Path) -> list[tuple[int, str]]:
    """String literals of a module, docstrings left out (they describe, they do not spell a path)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_every_unit_has_a_layer() -> None:
    units = {unit_of(m) for m in all_modules()}
    assert units - set(RANK) == set()


def test_imports_point_down_the_layers() -> None:
    assert upward_imports() == []


def test_no_import_cycles() -> None:
    assert cycles(internal_edges(all_modules())) == []


def test_standalone_parts_import_nothing_else_of_ours() -> None:
    wrong = [f"{path.relative_to(PACKAGE)}:{imp.line}: {imp.target}"
             for module, path in all_modules().items() if unit_of(module) in STANDALONE
             for imp in imports_of(path)
             if unit_of(imp.target) not in (None, unit_of(module))]
    assert wrong == []


def test_render_does_no_io_and_never_reaches_github() -> None:
    wrong = []
    for module, path in all_modules().items():
        if unit_of(module) != "render":
            continue
        for imp in imports_of(path):
            if any(imp.target == m or imp.target.startswith(m + ".") for m in NO_IO_MODULES) \
                    or unit_of(imp.target) == "publish":
                wrong.append(f"{path.name}:{imp.line}: imports {imp.target}")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if called in IO_CALLS:
                    wrong.append(f"{path.name}:{node.lineno}: calls {called}()")
    assert wrong == []


def test_only_publish_imports_pygithub() -> None:
    wrong = [f"{path.relative_to(PACKAGE)}:{imp.line}" for module, path in all_modules().items()
             if unit_of(module) != "publish" for imp in imports_of(path) if imp.target.split(".")[0] == "github"]
    assert wrong == []


def test_only_github_env_names_github_and_runner_variables() -> None:
    variable = re.compile(r"(?:GITHUB|RUNNER)_[A-Z_]+")
    wrong = [f"{path.relative_to(PACKAGE)}:{line}: {value}" for module, path in all_modules().items()
             if unit_of(module) not in ("github_env", "bootstrap")
             for line, value in string_constants(path) if variable.fullmatch(value)]
    assert wrong == []


def test_only_scrub_writes_through_the_raw_writer() -> None:
    """Every file of ours goes through scrub.write_text, which removes secrets on the way to disk."""
    wrong = [f"{path.relative_to(PACKAGE)}:{imp.line}" for module, path in all_modules().items()
             if unit_of(module) not in ("scrub", "fsutil")
             for imp in imports_of(path) if imp.target == "qa_actions.fsutil.atomic_write_text"]
    assert wrong == []


def test_results_folder_names_are_spelled_only_in_layout() -> None:
    spelled = {"results.json", "tier.json", "junit.xml", "errors.jsonl", "qa-results", ".errors", "combined"}
    assert spelled <= FOLDER_NAMES
    wrong = [f"{path.relative_to(PACKAGE)}:{line}: {value!r}" for module, path in all_modules().items()
             if unit_of(module) not in ("layout", "testing", "bootstrap")
             for line, value in string_constants(path) if value in FOLDER_NAMES]
    assert wrong == []


@pytest.mark.parametrize(("unit", "planted"), [
    ("render", "from ..publish import publish_report\n"),  # a lower layer reaching up
    ("config", "from ..tiers.runner import run_tier\n"),
    ("model", "from .collect.merge import collect\n"),
])
def test_a_planted_upward_import_is_found(tmp_path: Path, unit: str, planted: str) -> None:
    """The rules catch what they are for: a copy of the package with one upward import fails them."""
    copy = tmp_path / "qa_actions"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / unit / "__init__.py" if (copy / unit).is_dir() else copy / f"{unit}.py"
    target.write_text(target.read_text(encoding="utf-8") + "\n" + planted, encoding="utf-8")
    found = upward_imports(copy)
    assert len(found) == 2  # the module, and the name imported from it
    assert all(line.startswith(f"{target.relative_to(copy).as_posix()}:") for line in found)
