"""What coverage measures when a tier sets no `source`: what the project's coverage configuration names,
else the packages its packaging metadata ships, else `src/*/` or top-level packages. Tests, docs and
examples are never source."""

from __future__ import annotations

import configparser
import re
import tomllib
from typing import Any

from .tree import Tree, join

NOT_SOURCE = frozenset({"tests", "test", "docs", "doc", "examples", "example", "bench", "benchmarks", "build",
                        "dist", "scripts", "tools", "site-packages", "node_modules", "venv"})
NOT_SOURCE_FILES = frozenset({"setup.py", "conftest.py", "noxfile.py", "fabfile.py", "tasks.py", "manage.py",
                              "docs.py"})
COVERAGE_INI = ((".coveragerc", "run"), ("setup.cfg", "coverage:run"), ("tox.ini", "coverage:run"))


def read_pyproject(tree: Tree) -> dict[str, Any]:
    text = tree.read_text("pyproject.toml")
    if text is None:
        return {}
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return {}


def coverage_chooses(tree: Tree, pyproject: dict[str, Any]) -> bool:
    """The project's coverage settings name the files to measure with `include` and no `source`: a
    `--cov=<source>` would make coverage ignore them (and warn, an error under filterwarnings = error)."""
    run = _table(pyproject, "tool", "coverage", "run")
    if run:
        return bool(run.get("include")) and not run.get("source") and not run.get("source_pkgs")
    for name, section in COVERAGE_INI:
        parser = _ini(tree, name)
        if parser is not None and parser.has_section(section):
            return parser.has_option(section, "include") and not any(
                parser.has_option(section, key) for key in ("source", "source_pkgs"))
    return False


def _ini(tree: Tree, name: str) -> configparser.ConfigParser | None:
    text = tree.read_text(name)
    if text is None:
        return None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    return parser


def detect_source(tree: Tree, pyproject: dict[str, Any]) -> tuple[list[str], str]:
    """The source folders or module names to measure, and in words where they came from."""
    for finder in (_coverage_config, _packaging):
        found, why = finder(tree, pyproject)
        if found:
            return found, why
    return _by_layout(tree)


def _table(document: Any, *keys: str) -> dict[str, Any]:
    for key in keys:
        document = document.get(key) if isinstance(document, dict) else None
    return document if isinstance(document, dict) else {}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part for part in re.split(r"[\s,]+", value) if part]
    return [item for item in value if isinstance(item, str) and item] if isinstance(value, list) else []


def _coverage_config(tree: Tree, pyproject: dict[str, Any]) -> tuple[list[str], str]:
    run = _table(pyproject, "tool", "coverage", "run")
    for key in ("source", "source_pkgs"):
        if _strings(run.get(key)):
            return _as_paths(tree, _strings(run.get(key))), f"[tool.coverage.run] {key} in pyproject.toml"
    for name, section in COVERAGE_INI:
        parser = _ini(tree, name)
        if parser is None:
            continue
        for key in ("source", "source_pkgs"):
            if parser.has_option(section, key) and _strings(parser.get(section, key)):
                return _as_paths(tree, _strings(parser.get(section, key))), f"[{section}] {key} in {name}"
    return [], ""


def _as_paths(tree: Tree, entries: list[str]) -> list[str]:
    """Coverage's `source` holds folders or importable names: a name becomes its folder when one is
    found (bandit scans folders), else it stays a name (coverage imports it)."""
    paths = []
    for entry in entries:
        entry = entry.strip("/") or "."
        located = [] if tree.is_dir(entry) or tree.is_file(entry) else _in_roots(tree, [entry])
        paths.append(located[0] if located else entry)
    return paths


def _packaging(tree: Tree, pyproject: dict[str, Any]) -> tuple[list[str], str]:
    """The import packages the build backend ships, from its own settings in pyproject.toml or setup.cfg."""
    tool = _table(pyproject, "tool")
    name = _table(pyproject, "project").get("name") or _table(tool, "poetry").get("name") or _declared_name(tree)
    module = _module_name(name) if isinstance(name, str) else None
    setuptools = _table(tool, "setuptools")
    checks: list[tuple[str, list[str]]] = [
        ("[tool.setuptools] packages (or packages.find)", _setuptools(tree, setuptools)),
        ("[tool.hatch.build.targets.wheel] packages", _strings(_table(tool, "hatch", "build", "targets", "wheel")
                                                                .get("packages"))),
        ("[tool.hatch.build] packages", _strings(_table(tool, "hatch", "build").get("packages"))),
        ("[tool.flit.module] name", _in_roots(tree, [_table(tool, "flit", "module").get("name")])),
        ("[tool.poetry] packages", _poetry(tool)),
        ("[tool.pdm.build] package-dir", _under(tree, _table(tool, "pdm", "build").get("package-dir"), module)),
        ("[tool.maturin] python-source", _maturin(tree, _table(tool, "maturin"), module)),
        ("[tool.uv.build-backend] module-name", _uv_build(tree, _table(tool, "uv", "build-backend"), module)),
        ("[options] packages in setup.cfg", _setup_cfg(tree)),
    ]
    for why, found in checks:
        existing = [path for path in found if tree.is_dir(path) or tree.is_file(path) or tree.is_file(f"{path}.py")]
        if existing:
            return existing, why
    if module:
        found = _in_roots(tree, [module])
        if found:
            return found, f"the project's name, {name}"
    return [], ""


def _declared_name(tree: Tree) -> str | None:
    """The distribution's name from setup.cfg's [metadata], or an sdist's PKG-INFO."""
    parser = _ini(tree, "setup.cfg")
    if parser is not None and parser.get("metadata", "name", fallback=""):
        return parser.get("metadata", "name")
    for line in (tree.read_text("PKG-INFO") or "").splitlines()[:50]:
        if line.startswith("Name:"):
            return line.removeprefix("Name:").strip() or None
    return None


def _module_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _in_roots(tree: Tree, names: list[Any]) -> list[str]:
    """Where package or module `name` lives: src/<name>, <name>, or <name>.py."""
    found = []
    for name in names:
        if not isinstance(name, str) or not name:
            continue
        path = name.replace(".", "/")
        for candidate in (f"src/{path}", path):
            if tree.is_dir(candidate) or tree.is_file(f"{candidate}.py"):
                found.append(candidate if tree.is_dir(candidate) else f"{candidate}.py")
                break
    return found


def _top_packages(paths: list[str]) -> list[str]:
    """`a`, `a.b`, `c` -> the top-level ones, `a` and `c` (coverage measures what is under them)."""
    top = sorted({path.split(".")[0] for path in paths if path and "*" not in path})
    return top


def _setuptools(tree: Tree, setuptools: dict[str, Any]) -> list[str]:
    package_dir = setuptools.get("package-dir")
    root = package_dir.get("", "") if isinstance(package_dir, dict) else ""
    packages = setuptools.get("packages")
    if isinstance(packages, list):
        return [join(root if isinstance(root, str) else "", name) for name in _top_packages(_strings(packages))]
    find = _table(setuptools, "packages", "find")
    if find or isinstance(packages, dict):
        wheres = _strings(find.get("where")) or ["."]
        return [path for where in wheres for path in _packages_in(tree, where)]
    if isinstance(root, str) and root:
        return _packages_in(tree, root)
    return []


def _packages_in(tree: Tree, folder: str) -> list[str]:
    """Top-level packages (folders with __init__.py) and namespace folders holding them, under `folder`."""
    base = "" if folder in (".", "") else folder.strip("/")
    found = []
    for name in tree.children(base):
        path = join(base, name)
        if name.startswith((".", "_")) or name in NOT_SOURCE or not tree.is_dir(path) or not name.isidentifier():
            continue
        if tree.is_file(join(path, "__init__.py")) or (base and any(f.endswith(".py") for f in tree.files_under(path))):
            found.append(path)
    return found


def _poetry(tool: dict[str, Any]) -> list[str]:
    found = []
    for entry in _table(tool, "poetry").get("packages") or []:
        if isinstance(entry, dict) and isinstance(entry.get("include"), str):
            base = entry.get("from") if isinstance(entry.get("from"), str) else ""
            found.append(join(base, entry["include"]))
    return found


def _under(tree: Tree, root: Any, module: str | None) -> list[str]:
    if not isinstance(root, str) or not root:
        return []
    named = [join(root, module)] if module and tree.is_dir(join(root, module)) else []
    return named or _packages_in(tree, root)


def _maturin(tree: Tree, maturin: dict[str, Any], module: str | None) -> list[str]:
    if not maturin:
        return []
    root = maturin.get("python-source") if isinstance(maturin.get("python-source"), str) else ""
    name = maturin.get("module-name")
    top = name.split(".")[0] if isinstance(name, str) and name else module
    return [join(root, top)] if top else _packages_in(tree, root)


def _uv_build(tree: Tree, backend: dict[str, Any], module: str | None) -> list[str]:
    if not backend:
        return []
    root = backend.get("module-root") if isinstance(backend.get("module-root"), str) else "src"
    names = _strings(backend.get("module-name")) or ([module] if module else [])
    return [join(root, name.replace(".", "/")) for name in names]


def _setup_cfg(tree: Tree) -> list[str]:
    parser = _ini(tree, "setup.cfg")
    if parser is None or not parser.has_section("options"):
        return []
    root = ""
    package_dir = parser.get("options", "package_dir", fallback="")
    for line in package_dir.splitlines():
        key, _, value = line.partition("=")
        if not key.strip() and value.strip():
            root = value.strip()
    packages = parser.get("options", "packages", fallback="").strip()
    if packages.startswith("find"):
        where = parser.get("options.packages.find", "where", fallback=root or ".").strip()
        return _packages_in(tree, where)
    return [join(root, name) for name in _top_packages(_strings(packages))]


def _by_layout(tree: Tree) -> tuple[list[str], str]:
    """No metadata says: packages under src/ (namespace folders too), else top-level packages."""
    found = _packages_in(tree, "src")
    if found:
        return found, "packages under src/"
    found = _packages_in(tree, "")
    if found:
        return found, "top-level packages (folders with __init__.py)"
    modules = [name for name in tree.children("") if name.endswith(".py") and tree.is_file(name)
               and name not in NOT_SOURCE_FILES and not is_test_module(name)]
    if modules:
        return modules, "modules at the project's root"
    return [], "no package found"


def is_test_module(name: str) -> bool:
    return name.startswith("test_") or name.endswith("_test.py")
