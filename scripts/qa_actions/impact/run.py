"""Recording a map and selecting for a change in a project: the inputs gathered from git, the history
and the configuration around the pure `select` (what `qa impact record` and `qa impact select` call)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

from ..collect.changed_lines import Git
from ..collect.junit import iter_cases
from ..config import QaConfig
from ..errors import ConfigError, InputError
from ..history.store import ERROR, FAILED, FLAKY, HistoryStore, open_history
from ..layout import COVERAGE_DATA, COVERAGE_JSON, JUNIT, MANIFEST
from .changes import changes_since
from .map import ImpactMap, build_map
from .select import FileChange, Selection, SelectionInput, select
from .store import latest_map, save_map

_FAILING = frozenset({FAILED, ERROR, FLAKY})


@dataclass
class Recorded:
    map: ImpactMap
    history: Path


def record_map(config: QaConfig, tier: str, coverage: Path, junit: Path, *, commit: str | None, branch: str | None,
               python: str, history: Path | None = None, report: Path | None = None,
               measured_in: Path | None = None) -> Recorded:
    """Build the map of a run (its coverage data file, recorded with contexts, and its JUnit report;
    with its coverage.py JSON `report`, the lines each block covered, which a selected run carries
    forward) and store it in the history, for `branch` at `commit` (default: HEAD)."""
    _require_tier(config, tier)
    commit = commit or Git(config.project).commit("HEAD")
    if not coverage.is_file() or not junit.is_file():
        raise InputError(f"{coverage if not coverage.is_file() else junit} is missing: record a map from a run "
                         "with `--cov-context=test` and a JUnit report")
    tests = [case.test for case in iter_cases(junit)]
    test_map = build_map(coverage, config.project, tests, commit=commit, python=python, tier=tier,
                         report=report if report is not None and report.is_file() else None, measured_in=measured_in)
    if not any(test_map.tests.values()):
        raise InputError(f"{coverage} holds no per-test contexts: run pytest with `--cov-context=test`")
    target = config.history.path(config.project, history)
    with open_history(target, create=True) as store:
        save_map(store, test_map, branch)
    return Recorded(test_map, target)


def select_tests(config: QaConfig, tier: str, base: str, *, head: str | None = None, python: str,
                 branch: str | None = None, history: Path | None = None) -> Selection:
    """The selection of `tier` for the change from `base` to `head` (default: the working tree), from
    the newest map of `branch` (default: `[tool.qa.history] base-branch`)."""
    return select_with_map(config, tier, base, head=head, python=python, branch=branch, history=history).selection


@dataclass
class Selected:
    """A selection with what it was made from: the map (None: there is none) and the change."""

    selection: Selection
    map: ImpactMap | None
    changes: list[FileChange]
    branch: str = ""  # whose map
    map_verdict: str | None = None  # how the base branch's run at the map's commit ended, when recorded


def select_with_map(config: QaConfig, tier: str, base: str, *, head: str | None = None, python: str,
                    branch: str | None = None, history: Path | None = None) -> Selected:
    """`select_tests`, with the map that decided and the change."""
    _require_tier(config, tier)
    since, changes = changes_since(config.project, base, head)
    branch = branch or config.history.base_branch
    target = config.history.path(config.project, history)
    changes = [c for c in changes if not _ours(config, target, c.path)]
    test_map, failed, verdict = None, [], None
    if target.is_file():
        with open_history(target) as store:
            test_map = latest_map(store, branch, tier, python)
            failed = base_failures(store, branch, tier)
            verdict = next((run.verdict for run in reversed(store.runs(branch))
                            if test_map and run.commit == test_map.commit), None)
    age = Git(config.project).commit_distance(test_map.commit, since) if test_map and test_map.commit else None
    given = SelectionInput(test_map, changes, tier_test_files(config, tier), failed_on_base=failed, python=python,
                           map_age=age, max_age=config.impact_max_age, inputs=config.impact_inputs, tier=tier)
    return Selected(select(given), test_map, changes, branch, verdict)


def base_failures(store: HistoryStore, branch: str, tier: str) -> list[str]:
    """The tests of `tier` that failed, errored or were flaky in `branch`'s latest run with test outcomes."""
    for run in reversed(store.runs(branch)):
        parts = [part for part in store.outcomes([run.key]) if part.tier == tier]
        if parts:
            names = store.test_names()
            return sorted(names[test][1] for part in parts for test, code in zip(part.tests, part.outcomes,
                                                                                strict=True) if code in _FAILING)
    return []


def tier_test_files(config: QaConfig, tier: str) -> list[str]:
    """The tier's test files now, relative to the project (pytest's `python_files` patterns)."""
    root = config.project.resolve()
    patterns = config.pytest.python_files
    found: set[str] = set()
    for folder in config.tiers[tier].paths:
        start = root / folder
        candidates = [start] if start.is_file() else start.rglob("*.py") if start.is_dir() else []
        for path in candidates:
            if any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns):
                found.add(path.relative_to(root).as_posix())
    return sorted(found)


def _ours(config: QaConfig, history: Path, path: str) -> bool:
    """Our own files in a working tree (the history, results and error log) are not the change."""
    root = config.project.resolve()
    try:
        own_history = history.resolve().relative_to(root).as_posix()
    except ValueError:
        own_history = None
    return path == own_history or any(path == folder or path.startswith(f"{folder}/")
                                      for folder in (config.results_dir.strip("/"), config.errors_dir.strip("/")))


def _require_tier(config: QaConfig, tier: str) -> None:
    if tier not in config.tiers:
        raise ConfigError(f"no tier `{tier}` in {config.source}; tiers: {', '.join(config.tiers)}")


def record_run_maps(config: QaConfig, results: Path, history: Path, *, branch: str | None,
                    commit: str | None) -> list[Recorded]:
    """The map of every tier folder of `results` that recorded per-test contexts (a full run of a
    `select = "affected"` tier on the base branch), stored in `history` for `branch` at `commit`."""
    from ..collect.merge import tier_folders
    from ..manifest import read_manifest

    done = []
    for folder in tier_folders(results):
        manifest = read_manifest(folder / MANIFEST)
        recorded = manifest.selection is not None and manifest.selection.mode == "recorded"
        if not recorded or manifest.status != "ran" or manifest.tier not in config.tiers or not manifest.python_version:
            continue
        python = ".".join(manifest.python_version.split(".")[:2])
        measured_in = manifest.selection.measured_in  # the tier job's checkout, maybe not this job's
        done.append(record_map(config, manifest.tier, folder / COVERAGE_DATA, folder / JUNIT, commit=commit,
                               branch=branch, python=python, history=history, report=folder / COVERAGE_JSON,
                               measured_in=Path(measured_in) if measured_in else None))
    return done
