"""What `qa tier` costs over running pytest yourself, measured on the same tests in the same run.

For each interpreter it times, interleaved and repeated:
  plain        python -m pytest TESTS                      (no coverage)
  plain --cov  python -m pytest TESTS --cov=SOURCE
  qa tier      qa tier TIER --project PROJECT -q            (coverage gate, JUnit, timeouts, collect)
and prints median wall times and the ratios of `qa tier` to both baselines.

    python bench/overhead.py                                  # the sample project's unit tier, 7 rounds
    python bench/overhead.py --rounds 11 --python python3.12  # another interpreter for the tests

An interpreter given with --python needs pytest, pytest-cov, pytest-timeout, pytest-asyncio and
pytest-mock; `qa` itself always runs from this interpreter.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "sample-project"


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


def measure(python: str, project: Path, tier: str, tests: str, source: str, rounds: int) -> dict[str, float]:
    env = {**os.environ, "QA_PYTHON": python}
    env.pop("COVERAGE_CORE", None)
    variants = {
        "plain": [python, "-m", "pytest", tests, "-q", "-p", "no:cacheprovider"],
        "plain --cov": [python, "-m", "pytest", tests, "-q", "-p", "no:cacheprovider", f"--cov={source}"],
        "qa tier": [sys.executable, "-m", "qa_actions", "tier", tier, "--project", str(project), "-q",
                    "--results", str(project / "bench-results")],
    }
    for command in variants.values():  # warm caches (bytecode, file system) once
        timed(command, project, env)
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, command in variants.items():
            samples[name].append(timed(command, project, env))
    return {name: statistics.median(values) for name, values in samples.items()}


def version_of(python: str) -> str:
    return subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True,
                          text=True, check=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", action="append", help="interpreter for the tests (repeatable); default: this one")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--tier", default="unit")
    parser.add_argument("--tests", default="tests/unit")
    parser.add_argument("--source", default="src/ledger")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns("qa-results", ".errors", "__pycache__"))
        print(f"tier {args.tier} of the sample project, median of {args.rounds} interleaved rounds\n")
        print(f"{'python':<10} {'plain':>8} {'plain --cov':>12} {'qa tier':>9} {'qa/--cov':>9} {'qa/plain':>9}")
        for python in args.python or [sys.executable]:
            times = measure(python, project, args.tier, args.tests, args.source, args.rounds)
            plain, cov, qa = times["plain"], times["plain --cov"], times["qa tier"]
            print(f"{version_of(python):<10} {plain:>7.2f}s {cov:>11.2f}s {qa:>8.2f}s"
                  f" {qa / cov:>9.3f} {qa / plain:>9.3f}")


if __name__ == "__main__":
    main()
