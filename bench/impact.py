"""Benchmark: replay a project's history with test-impact selection, and prove it misses no failure.

The project is generated from `--seed` (bench/impact_project.py): a package of 13 to 15 modules
(parsers, models with methods, utilities, constants read at import time, samples imported only by
the tests' parametrize lists, a loader of a data file), about 200 fast tests (parametrized, in
classes, a conftest fixture), `[tool.qa.impact-inputs]` declaring tests/data/*.json, and a git
history of `--commits` commits: mostly one function's body rewritten, and also a function added
with its test, a test edited or renamed, a method rewritten, a constant changed, the declared data
file, an undeclared file or conftest.py touched (these two must run everything), several files at
once. Every commit keeps the suite passing (checked: the bench stops if it does not).

For each commit C with parent P, in order:
  map        pytest --cov=ledger --cov-context=test at P (COVERAGE_CORE unset), then
             qa_actions.impact.run.record_map: the map the selection reads (recorded once per commit,
             at C for its successor)
  selection  qa_actions.impact.run.select_tests for P..C, the real code `qa impact select` runs
  full       the whole suite at C, timed: what a pull request runs without selection (no coverage)
  selected   pytest on `selection.tests` (files and node ids), timed; a full-run selection is the
             full run itself, an empty one costs nothing
  faults     up to `--faults` mutants on the lines C changed in source (non-test) files: a comparison
             flipped (< to <=, == to !=, is to is not), a return value dropped (return None), an integer
             constant plus one, + and - swapped. Each alone, uncommitted: the selection is recomputed
             on the mutated working tree, then the full suite and the selection run. A missed failure
             is a test that fails in the full run but that the selection did not run; a refused
             selection one that pytest ran none of (a node id it cannot find stops the whole run).
Times are wall seconds of the pytest process (start-up included), run as the project's own
environment would: pytest and pytest-cov only (PYTEST_DISABLE_PLUGIN_AUTOLOAD=1), no bytecode
written (so a mutant is never hidden by a stale .pyc). The shares are tests run by the selection
over tests in the full run. Exit 1 when a failure is missed or a selection refused, when a change
the map cannot see does not run everything, or when the median share on one-file changes is over 30 %.

    python bench/impact.py [--commits 60] [--faults 2] [--seed 1] [--keep] [--quiet]
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from impact_project import FULL_RUN_KINDS, PACKAGE, Commit, generate
from pythons import load_average

from qa_actions.collect.changed_lines import Git
from qa_actions.collect.gitdiff import added_lines
from qa_actions.collect.junit import iter_cases
from qa_actions.config import load_config
from qa_actions.impact.map import RECORD_ARGS
from qa_actions.impact.run import record_map, select_tests
from qa_actions.impact.select import Selection

TIER = "unit"
PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
ONE_FILE_TARGET = 0.30
ENV = {**{k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "PYTEST_", "GITHUB_"))},
       "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"}
FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
REASONS = (("configures every test", "conftest.py or configuration changed"),
           ("no test is known to read it", "undeclared non-Python file changed"),
           ("never measured", "unmeasured Python file changed"),
           ("ran only outside any test", "code run only outside tests changed"),
           ("does not parse", "a file does not parse"))


@dataclass
class Run:
    """One pytest process: its wall time and each test's outcome (from its JUnit report)."""

    seconds: float = 0.0
    outcomes: dict[str, str] = field(default_factory=dict)
    test_seconds: float = 0.0  # the tests' own durations, from JUnit: the run without pytest's start-up
    code: int = 0
    output: str = ""

    def failed(self) -> set[str]:
        return {test for test, outcome in self.outcomes.items() if outcome in ("failed", "error")}


def pytest(project: Path, out: Path, args: list[str], *, record: bool = False) -> Run:
    junit = out / ("record.xml" if record else "junit.xml")
    junit.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}",
               "-o", "junit_family=xunit1"]
    if record:
        command += ["-p", "pytest_cov", f"--cov={PACKAGE}", *RECORD_ARGS, "--cov-report="]
    started = time.perf_counter()
    done = subprocess.run([*command, *args], cwd=project, env={**ENV, "COVERAGE_FILE": str(out / ".coverage")},
                          capture_output=True, text=True, timeout=600, check=False)
    seconds = time.perf_counter() - started
    cases = list(iter_cases(junit)) if junit.is_file() else []
    return Run(seconds, {case.test: case.outcome for case in cases}, sum(case.duration_s for case in cases),
               done.returncode, done.stdout[-3000:] + done.stderr[-1000:])


def selected_run(project: Path, out: Path, selection: Selection, full: Run) -> Run:
    """The selection's run: the full run when it is one (the same command), nothing when it is empty."""
    if selection.full_run:
        return full
    return pytest(project, out, selection.tests) if selection.tests else Run()


@dataclass(frozen=True)
class Mutant:
    """A fault: the source between `start` and `end` (line, UTF-8 column, as ast gives) replaced."""

    path: str
    line: int
    what: str
    start: tuple[int, int]
    end: tuple[int, int]
    replacement: str

    def apply(self, source: str) -> str:
        lines = source.splitlines(keepends=True)

        def offset(line: int, column: int) -> int:
            return sum(map(len, lines[:line - 1])) + len(lines[line - 1].encode()[:column].decode())

        return source[:offset(*self.start)] + self.replacement + source[offset(*self.end):]


def mutants(path: str, source: str, lines: set[int]) -> Iterator[Mutant]:
    """Every mutant of a node that starts on one of `lines` (f-strings left alone: their positions lie in 3.11)."""
    tree = ast.parse(source)
    in_fstrings = {id(node) for top in ast.walk(tree) if isinstance(top, ast.JoinedStr) for node in ast.walk(top)}

    def at(node: ast.expr | ast.stmt, replacement: str, what: str) -> Mutant:
        return Mutant(path, node.lineno, what, (node.lineno, node.col_offset),
                      (node.end_lineno or node.lineno, node.end_col_offset or 0), replacement)

    for node in ast.walk(tree):
        if getattr(node, "lineno", None) not in lines or id(node) in in_fstrings:
            continue
        if isinstance(node, ast.Compare) and type(node.ops[0]) in FLIPS:
            flipped = copy.deepcopy(node)
            flipped.ops[0] = FLIPS[type(node.ops[0])]()
            yield at(node, ast.unparse(flipped), f"{ast.unparse(node)} -> {ast.unparse(flipped)}")
        elif isinstance(node, ast.Return) and node.value is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value is None):
            yield at(node, "return None", f"{ast.unparse(node)} -> return None")
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            yield at(node, str(node.value + 1), f"{node.value} -> {node.value + 1}")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            swapped = copy.copy(node)
            swapped.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
            yield at(node, ast.unparse(swapped), f"{ast.unparse(node)} -> {ast.unparse(swapped)}")


@dataclass
class Fault:
    mutant: Mutant
    selection: Selection
    killed_full: bool
    killed_selection: bool
    missed: list[str]  # failed in the full run, not run by the selection
    refused: bool  # pytest ran none of the selection: a node id it cannot find (exit 4) or nothing collected (5)


@dataclass
class Replayed:
    commit: Commit
    selection: Selection
    full: Run
    selected: Run
    faults: list[Fault]

    @property
    def share(self) -> float:
        return len(self.selected.outcomes) / len(self.full.outcomes)


class Replay:
    """Walks the history: the map at each parent, the selection, the runs, the faults."""

    def __init__(self, project: Path, out: Path, faults: int, rng: Random) -> None:
        self.project, self.out, self.faults, self.rng = project, out, faults, rng
        self.history = out / "history.sqlite"

    def checkout(self, commit: str) -> None:
        subprocess.run(["git", "checkout", "-q", "--detach", commit], cwd=self.project, check=True)

    def record(self, commit: str) -> None:
        """The map at `commit` (checked out), the only one in the history."""
        run = pytest(self.project, self.out, [], record=True)
        self.require_passing(run, commit, "recording run")
        self.history.unlink(missing_ok=True)
        record_map(load_config(self.project), TIER, self.out / ".coverage", self.out / "record.xml", commit=commit,
                   branch="main", python=PYTHON, history=self.history)

    def require_passing(self, run: Run, commit: str, what: str) -> None:
        if run.code != 0 or run.failed() or not run.outcomes:
            sys.exit(f"the generated suite does not pass at {commit[:12]} ({what}, exit {run.code}):\n{run.output}")

    def select(self, parent: str, head: str | None) -> Selection:
        return select_tests(load_config(self.project), TIER, parent, head=head, python=PYTHON, history=self.history)

    def commit(self, commit: Commit) -> Replayed:
        self.checkout(commit.sha)
        selection = self.select(commit.parent, commit.sha)
        full = pytest(self.project, self.out, [])
        self.require_passing(full, commit.sha, "full run")
        selected = selected_run(self.project, self.out, selection, full)
        if selection.tests:  # passing, and run at all: pytest refuses a node id it cannot find
            self.require_passing(selected, commit.sha, "selected run")
        faults = [self.fault(commit, mutant) for mutant in self.draw(commit)]
        self.record(commit.sha)  # the map the next commit's selection reads
        return Replayed(commit, selection, full, selected, faults)

    def draw(self, commit: Commit) -> list[Mutant]:
        changed = added_lines(Git(self.project).diff(commit.parent, commit.sha))
        found = [mutant for path, lines in sorted(changed.items())
                 if path.endswith(".py") and not path.startswith("tests/")
                 for mutant in mutants(path, (self.project / path).read_text(encoding="utf-8"), lines)]
        return self.rng.sample(found, min(self.faults, len(found)))

    def fault(self, commit: Commit, mutant: Mutant) -> Fault:
        target = self.project / mutant.path
        original = target.read_text(encoding="utf-8")
        target.write_text(mutant.apply(original), encoding="utf-8")
        try:
            selection = self.select(commit.parent, None)  # the working tree: the commit and the mutant
            full = pytest(self.project, self.out, [])
            selected = selected_run(self.project, self.out, selection, full)
        finally:
            target.write_text(original, encoding="utf-8")
        missed = sorted(full.failed() - set(selected.outcomes))
        return Fault(mutant, selection, bool(full.failed()), bool(selected.failed()), missed,
                     selected.code in (4, 5))


def reason_of(selection: Selection) -> str:
    reason = selection.reason or ""
    return next((label for needle, label in REASONS if needle in reason), reason)


def percent(value: float) -> str:
    return f"{value:.1%}"


def report(results: list[Replayed], seconds: float) -> int:
    """Print the table; the exit code."""
    full_runs = [r for r in results if r.selection.full_run]
    reasons = Counter(reason_of(r.selection) for r in full_runs)
    unseen = [r for r in results if r.commit.kind in FULL_RUN_KINDS and not r.selection.full_run]
    shares = [r.share for r in results]
    one_file = [r.share for r in results if len(r.commit.files) == 1]
    p90 = statistics.quantiles(shares, n=10, method="inclusive")[-1]
    full_time, selected_time = sum(r.full.seconds for r in results), sum(r.selected.seconds for r in results)
    full_tests = sum(r.full.test_seconds for r in results)
    selected_tests = sum(r.selected.test_seconds for r in results)
    faults = [f for r in results for f in r.faults]
    missed = [(r.commit, f) for r in results for f in r.faults if f.missed]
    missed_tests = sum(len(f.missed) for _, f in missed)
    refused = [(r.commit, f) for r in results for f in r.faults if f.refused]
    one_file_median = statistics.median(one_file) if one_file else 0.0
    rows = [
        ("commits replayed", f"{len(results)}"),
        ("  full runs", f"{len(full_runs)}" + "".join(f"\n    {n:>3}  {why}" for why, n in reasons.most_common())),
        ("  unseen changes that did not run everything", f"{len(unseen)} (must be 0)"),
        ("share of tests run: median / 90th percentile", f"{percent(statistics.median(shares))} / {percent(p90)}"),
        ("share of tests run on one-file changes: median", f"{percent(one_file_median)} of {len(one_file)} commits "
                                                          f"(target at most {ONE_FILE_TARGET:.0%})"),
        ("time: full runs / selected runs", f"{full_time:.1f} s / {selected_time:.1f} s "
                                            f"({percent(1 - selected_time / full_time)} saved)"),
        ("  of which in the tests themselves (JUnit)", f"{full_tests:.1f} s / {selected_tests:.1f} s "
                                                       f"({percent(1 - selected_tests / full_tests)} saved)"),
        ("faults injected", f"{len(faults)}"),
        ("  killed by the full suite", f"{sum(f.killed_full for f in faults)}"),
        ("  killed by the selection", f"{sum(f.killed_selection for f in faults)}"),
        ("  missed failures (must be 0)", f"{missed_tests} in {len(missed)} faults"),
        ("  selections pytest refused (must be 0)", f"{len(refused)}"),
    ]
    print()
    for label, value in rows:
        print(f"{label:<48} {value}")
    for commit, fault in missed:
        print(f"MISSED at {commit.sha[:12]} ({commit.message}): {fault.mutant.path}:{fault.mutant.line} "
              f"{fault.mutant.what}: {', '.join(fault.missed)}")
    for commit, fault in refused:
        print(f"REFUSED at {commit.sha[:12]} ({commit.message}): {fault.mutant.path}:{fault.mutant.line} "
              f"{fault.mutant.what}: pytest ran none of {', '.join(fault.selection.tests)}")
    for result in unseen:
        print(f"NOT A FULL RUN at {result.commit.sha[:12]} ({result.commit.message}): {result.selection.explanation}")
    print(f"\nreplay took {seconds:.0f} s; load average {load_average()}")
    return 1 if missed or refused or unseen or one_file_median > ONE_FILE_TARGET else 0


def progress(index: int, result: Replayed) -> None:
    r, files = result, ", ".join(result.commit.files)
    killed = "".join("M" if f.missed else "k" if f.killed_selection else "." for f in r.faults)
    shown = "full run" if r.selection.full_run else f"{len(r.selected.outcomes):>3} of {len(r.full.outcomes)}"
    print(f"{index:>3} {r.commit.sha[:8]} {r.commit.kind:<11} {shown:<10} {r.full.seconds:5.2f}s "
          f"{r.selected.seconds:5.2f}s  faults {killed:<4} {r.commit.message} [{files}]", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=60, help="commits to generate and replay (at least 50)")
    parser.add_argument("--faults", type=int, default=2, help="mutants per commit that changes source lines")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the generated project and print where")
    parser.add_argument("--quiet", action="store_true", help="print the table only, not a line per commit")
    args = parser.parse_args()
    if args.commits < 50:
        parser.error("--commits: at least 50, for the figures to mean something")
    tmp = Path(tempfile.mkdtemp(prefix="qa-bench-impact-"))
    try:
        started = time.perf_counter()
        project, out = tmp / "project", tmp / "out"
        out.mkdir()
        first, commits, _ = generate(project, args.seed, args.commits)
        modules = len(list((project / PACKAGE).glob("*.py")))
        print(f"seed {args.seed}: {modules} modules, {len(commits)} commits after the first; {args.faults} faults "
              f"a commit; Python {PYTHON}; load average {load_average()}")
        replay = Replay(project, out, args.faults, Random(args.seed))
        replay.checkout(first)
        replay.record(first)
        results = []
        for index, commit in enumerate(commits, 1):
            results.append(replay.commit(commit))
            if not args.quiet:
                progress(index, results[-1])
        code = report(results, time.perf_counter() - started)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
