"""A synthetic history of 200 hourly runs on 3 branches, with planted patterns whose metrics are known.

Run i (0-199) starts at T0 + i hours on `main` when i % 4 is 0 or 1, `feature/a` when 2, `release` when 3.
- unit: tests/unit/test_m.py::test_0 … test_9, duration 10 + i % 5 s, coverage 80 + (i % 10) / 2 %
  - test_0 is flaky (failed, then passed on rerun) when i % 10 == 0
  - test_1 fails on main when 100 <= i < 110 (the only red streak on main: runs 100 to 109)
  - test_2 is skipped when i is odd
  - test_3 fails on feature/a when i % 8 == 2 (every other feature run)
  - test_k takes (k + 1) / 10 s, except test_9: 1 + (i % 5) / 10 s
- smoke: test_boot 2.5 s, test_health 0.05 s, test_version 0.01 s; tier 3 s; never fails
- bandit: one high finding while i < 50, i % 3 low findings
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from qa_actions.history.store import CaseRow, RunRecord, RunRow, ScanRow, TierRow, open_history
from qa_actions.model import Counts

T0 = int(datetime(2026, 1, 5, tzinfo=UTC).timestamp())
HOUR = 3600
RUNS = 200
BRANCHES = {0: "main", 1: "main", 2: "feature/a", 3: "release"}
UNIT = [f"tests/unit/test_m.py::test_{k}" for k in range(10)]
SMOKE = {"tests/smoke/test_up.py::test_boot": 2.5, "tests/smoke/test_up.py::test_health": 0.05,
         "tests/smoke/test_up.py::test_version": 0.01}


def branch_of(i: int) -> str:
    return BRANCHES[i % 4]


def unit_outcome(i: int, k: int) -> str:
    branch = branch_of(i)
    if k == 0 and i % 10 == 0:
        return "flaky"
    if k == 1 and branch == "main" and 100 <= i < 110:
        return "failed"
    if k == 2 and i % 2:
        return "skipped"
    if k == 3 and branch == "feature/a" and i % 8 == 2:
        return "failed"
    return "passed"


def unit_duration(i: int, k: int) -> float:
    return 1 + (i % 5) / 10 if k == 9 else (k + 1) / 10


def run_record(i: int) -> RunRecord:
    outcomes = [unit_outcome(i, k) for k in range(10)]
    failed = outcomes.count("failed")
    skipped = outcomes.count("skipped")
    flaky = outcomes.count("flaky")
    counts = Counts(tests=10, passed=10 - failed - skipped, failed=failed, skipped=skipped, flaky=flaky)
    unit = TierRow("unit", "failed" if failed else "passed", counts, duration_s=10 + i % 5,
                   coverage=80 + (i % 10) / 2, coverage_gate=80.0)
    smoke = TierRow("smoke", "passed", Counts(tests=3, passed=3), duration_s=3.0)
    tests = [CaseRow("unit", name, outcome, unit_duration(i, k))
             for k, (name, outcome) in enumerate(zip(UNIT, outcomes, strict=True))]
    tests += [CaseRow("smoke", name, "passed", seconds) for name, seconds in SMOKE.items()]
    run = RunRow(f"run-{i}", T0 + i * HOUR, "failed" if failed else "passed", commit=f"{i:040x}",
                 branch=branch_of(i), event="push" if branch_of(i) == "main" else "pull_request",
                 high=failed, low=flaky)
    scan = ScanRow("bandit", "passed", high=1 if i < 50 else 0, low=i % 3, duration_s=1.5)
    return RunRecord(run, [unit, smoke], [scan], tests)


def build_history(path: Path, runs: int = RUNS) -> Path:
    with open_history(path, create=True) as store:
        store.append(*(run_record(i) for i in range(runs)))
    return path
