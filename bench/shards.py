"""Benchmark: a tier of 400 tests with skewed durations, run whole and as 4 shards (target: the longest
shard within 15 % of the ideal, a quarter of the whole).

The suite is generated: 20 modules of 20 tests, each test sleeping a log-normal time (median
40 ms, a long tail up to 2 s, about 50 s in all), the slowest tests packed into the first
modules, as slow integration-like tests cluster in real suites. Sleeping keeps the durations the
same however loaded the machine is.

Each round, measured in the same run:
  whole        `qa tier unit` (the baseline), then `qa collect` and `qa history add`
  by duration  `qa tier unit --shard K/4` for K = 1..4, split with the timings of the history
  by count     the same without a history: every test counts the same
The shards run one after another (in CI they are 4 jobs at once), each timed alone. Printed:
the whole tier, the ideal (whole / 4), each way's longest shard and its ratio to the ideal, both
as wall time of the `qa tier` command and as the sum of the shard's test durations (the split
alone, without pytest's start-up).

    python bench/shards.py [--rounds 3] [--shards 4] [--tests 400] [--python 3.12]

The tests run under a venv of this Python version with the test plugins (bench/pythons.py), as a
project's would; --python takes another version or a path (which needs pytest-split).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pythons import THIS_VERSION, available, bench_python, load_average

TARGET = 1.15
MODULE_SIZE = 20
ENV = {**os.environ}

PYPROJECT = """[tool.pytest.ini_options]
asyncio_default_fixture_loop_scope = "function"

[tool.qa.tiers.unit]
coverage = false
"""

TESTS = """import time

import pytest

SECONDS = {seconds!r}


@pytest.mark.parametrize("seconds", SECONDS, ids=[f"case{{i}}" for i in range(len(SECONDS))])
def test_work(seconds):
    time.sleep(seconds)
"""


def skewed_durations(count: int, seed: int = 4) -> list[float]:
    rng = random.Random(seed)
    return sorted((min(2.0, round(rng.lognormvariate(-3.2, 1.4), 4)) for _ in range(count)), reverse=True)


def generated_project(root: Path, tests: int) -> float:
    """Write the suite; returns the sum of its test durations."""
    durations = skewed_durations(tests)
    (root / "tests" / "unit").mkdir(parents=True)
    for module, start in enumerate(range(0, tests, MODULE_SIZE)):
        chunk = durations[start:start + MODULE_SIZE]
        (root / "tests" / "unit" / f"test_mod_{module:02d}.py").write_text(TESTS.format(seconds=chunk))
    (root / "pyproject.toml").write_text(PYPROJECT)
    return sum(durations)


def qa(*args: str | Path, cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "qa_actions", *map(str, args)], cwd=cwd, env=ENV,
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"qa {' '.join(map(str, args))} failed ({done.returncode}): {done.stdout[-1500:]}{done.stderr}")
    return elapsed


def test_seconds(folder: Path) -> float:
    from qa_actions.collect.junit import iter_cases

    return sum(case.duration_s for case in iter_cases(folder / "junit.xml"))


def run_shards(project: Path, results: Path, shards: int) -> tuple[list[float], list[float], str]:
    """Wall seconds and test seconds of each shard, and the timings' source."""
    shutil.rmtree(results, ignore_errors=True)
    walls, sums = [], []
    for k in range(1, shards + 1):
        walls.append(qa("tier", "unit", "--shard", f"{k}/{shards}", "-q", "--results", results, cwd=project))
        folder = results / f"unit-{k}of{shards}"
        sums.append(test_seconds(folder))
    qa("collect", "--results", results, cwd=project)
    counts = json.loads((results / "results.json").read_text())["tiers"]["unit"]["counts"]
    source = json.loads((results / f"unit-1of{shards}" / "tier.json").read_text())["shard_timings"]
    return walls, sums, f"{source}; collected {counts['passed']} passed of {counts['tests']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--tests", type=int, default=400)
    parser.add_argument("--python", help="interpreter for the tests: a version (3.12) or a path")
    args = parser.parse_args()
    spec = args.python or (THIS_VERSION if available(THIS_VERSION) else sys.executable)
    ENV["QA_PYTHON"] = bench_python(spec)
    with tempfile.TemporaryDirectory(prefix="qa-bench-shards-") as tmp:
        project = Path(tmp) / "project"
        total = generated_project(project, args.tests)
        durations = skewed_durations(args.tests)
        print(f"{args.tests} tests, {total:.1f} s of sleeping in all (slowest {durations[0]:.2f} s, median"
              f" {statistics.median(durations) * 1000:.0f} ms); {args.rounds} rounds; load average {load_average()}")
        samples: dict[str, list[float]] = {}
        sources: dict[str, str] = {}

        def keep(name: str, value: float) -> None:
            samples.setdefault(name, []).append(value)

        for _ in range(args.rounds):
            history = project / "qa-history.sqlite"
            history.unlink(missing_ok=True)
            whole = project / "whole"
            keep("whole wall", qa("tier", "unit", "-q", "--results", whole, cwd=project))
            keep("whole tests", test_seconds(whole / "unit"))
            qa("collect", "--results", whole, cwd=project)
            qa("history", "add", "--results", whole, cwd=project)
            for way in ("by duration", "by count"):
                if way == "by count":
                    history.unlink()
                walls, sums, sources[way] = run_shards(project, project / way.replace(" ", "-"), args.shards)
                keep(f"{way} wall", max(walls))
                keep(f"{way} tests", max(sums))
        print(f"load average after: {load_average()}\n")

        median = {name: statistics.median(values) for name, values in samples.items()}
        ideal_wall, ideal_tests = median["whole wall"] / args.shards, median["whole tests"] / args.shards

        def row(label: str, wall: float, tests: float) -> None:
            print(f"{label:<28} {wall:>7.2f}s {wall / ideal_wall:>9.3f} {tests:>9.2f}s {tests / ideal_tests:>9.3f}")

        print(f"{f'medians of {args.rounds} rounds':<28} {'wall':>8} {'vs ideal':>9} {'tests':>10} {'vs ideal':>9}")
        row("whole tier", median["whole wall"], median["whole tests"])
        row(f"ideal (whole / {args.shards})", ideal_wall, ideal_tests)
        for way in ("by duration", "by count"):
            row(f"longest shard, {way}", median[f"{way} wall"], median[f"{way} tests"])
        for way, source in sources.items():
            print(f"  {way}: {source}")
        ratio = median["by duration wall"] / ideal_wall
        print(f"\ntarget: longest shard by duration within {TARGET - 1:.0%} of the ideal (wall): "
              f"{ratio:.3f} {'met' if ratio <= TARGET else 'MISSED'}")


if __name__ == "__main__":
    main()
