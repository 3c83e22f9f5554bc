"""Benchmark: `qa dashboard` on a history of 10,000 runs x 2,000 tests (targets: under 5 s and 500 MB).

Builds a synthetic history through the store's own append API (5 tiers x 400 tests, 1 main branch
and 40 feature branches, about 1 % flaky and 0.5 % failing outcomes, log-normal durations), then
runs `qa dashboard` as a user would, in a subprocess, and prints its wall time and peak memory
(VmHWM). The baseline, measured in the same run, is the same command on the first 100 runs.

    python bench/dashboard.py [--runs 10000] [--tests 2000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qa_actions.history.store import CaseRow, RunRecord, RunRow, ScanRow, TierRow, open_history
from qa_actions.model import Counts

TIERS = ("unit", "integration", "chaos", "acid", "smoke")
TARGET_S, TARGET_MB = 5.0, 500
BATCH = 250


def synthetic_run(i: int, tests_per_tier: int, rng: random.Random, base: dict[str, list[float]]) -> RunRecord:
    branch = "main" if i % 3 else f"feature/{i % 40}"
    tiers, tests, failed_run = [], [], False
    for tier in TIERS:
        counts = {"passed": 0, "failed": 0, "skipped": 0, "flaky": 0}
        seconds = 0.0
        for k, typical in enumerate(base[tier]):
            roll = rng.random()
            outcome = ("failed" if roll < 0.005 else "flaky" if roll < 0.015 else "skipped" if k % 50 == 0
                       else "passed")
            duration = 0.0 if outcome == "skipped" else typical * rng.uniform(0.8, 1.25)
            counts[outcome] += 1
            seconds += duration
            tests.append(CaseRow(tier, f"tests/{tier}/test_mod{k // 20}.py::TestCase::test_{k}", outcome, duration))
        failed_run |= counts["failed"] > 0
        coverage = None if tier in ("chaos", "smoke") else 70 + 20 * rng.random()
        tally = Counts(tests_per_tier, counts["passed"] + counts["flaky"], counts["failed"], 0, counts["skipped"],
                       counts["flaky"])
        tiers.append(TierRow(tier, "failed" if counts["failed"] else "passed", tally, 0, round(seconds, 3),
                             coverage, 60.0 if coverage else None))
    event = "push" if branch == "main" else "pull_request"
    run = RunRow(f"{1_000_000 + i}.1", 1_700_000_000 + i * 1800, "failed" if failed_run else "passed",
                 commit=f"{rng.getrandbits(160):040x}", branch=branch, event=event)
    scan = ScanRow("bandit", "passed", high=rng.randrange(2), medium=rng.randrange(4), low=rng.randrange(8))
    return RunRecord(run, tiers, [scan], tests)


def build(path: Path, runs: int, tests: int) -> float:
    rng = random.Random(6)
    per_tier = tests // len(TIERS)
    base = {tier: [rng.lognormvariate(-4, 1.5) for _ in range(per_tier)] for tier in TIERS}
    started = time.perf_counter()
    with open_history(path, create=True) as store:
        store.conn.execute("PRAGMA synchronous = OFF")  # setup only: the measured command reads
        for start in range(0, runs, BATCH):
            store.append(*(synthetic_run(i, per_tier, rng, base) for i in range(start, min(runs, start + BATCH))))
    return time.perf_counter() - started


# `qa dashboard` in a fresh interpreter that then reports its own peak resident memory (VmHWM: the
# child's ru_maxrss would include the pages of this process, forked before exec)
CHILD = """
import sys
from qa_actions.cli import main
code = main(sys.argv[1:])
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print("peak-kb", peak.split()[1], file=sys.stderr)
sys.exit(code)
"""


def measure(history: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of `qa dashboard`, start-up included."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, "dashboard", "--history", str(history), "--out", str(out),
                           "--project", str(out.parent)], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"qa dashboard failed: {done.stderr}")
    peak_kb = int(done.stderr.split("peak-kb")[-1])
    return elapsed, peak_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--tests", type=int, default=2_000)
    parser.add_argument("--keep", type=Path, help="build the histories here and keep them")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="qa-bench-dashboard-"))
    folder.mkdir(parents=True, exist_ok=True)
    small, large = folder / "small.sqlite", folder / "large.sqlite"
    for path in (small, large):
        path.unlink(missing_ok=True)
    build(small, 100, args.tests)
    setup = build(large, args.runs, args.tests)
    print(f"history: {args.runs:,} runs x {args.tests:,} tests = {args.runs * args.tests:,} outcomes, "
          f"{large.stat().st_size / 2**20:.1f} MB on disk (built in {setup:.1f} s)")
    base_s, base_mb = measure(small, folder / "small-out")
    big_s, big_mb = measure(large, folder / "large-out")
    page = (folder / "large-out" / "index.html").stat().st_size
    print(f"baseline  100 runs:     {base_s:6.2f} s  {base_mb:6.0f} MB peak")
    print(f"dashboard {args.runs:,} runs: {big_s:6.2f} s  {big_mb:6.0f} MB peak  (page {page / 2**20:.1f} MB)")
    print(f"ratio to baseline: {big_s / base_s:.1f}x time, {big_mb / base_mb:.1f}x memory")
    verdict = "met" if big_s < TARGET_S and big_mb < TARGET_MB else "MISSED"
    print(f"target under {TARGET_S:g} s and {TARGET_MB} MB: {verdict}")


if __name__ == "__main__":
    main()
