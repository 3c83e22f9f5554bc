"""A results folder (results.json and the tiers' JUnit reports) as one history record, and appending it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..collect.junit import iter_cases
from ..collect.merge import tier_folders
from ..layout import JUNIT, MANIFEST, RESULTS_JSON
from ..manifest import read_manifest
from ..model import RunResult, load_results
from ..text import plural
from .store import CaseRow, RunRecord, RunRow, ScanRow, TierRow, epoch, open_history


def build_record(results: Path) -> RunRecord:
    """The record of the run in `results`: summaries from results.json, every test from the JUnit files."""
    record = summarise(load_results(results / RESULTS_JSON))
    record.tests = case_rows(results)
    return record


def case_rows(results: Path) -> list[CaseRow]:
    """Every test of the tiers' JUnit reports in `results`, with its final outcome."""
    rows = []
    for folder in tier_folders(results):
        manifest = read_manifest(folder / MANIFEST)
        if (folder / JUNIT).is_file():
            rows += [CaseRow(manifest.tier, case.test, case.outcome, case.duration_s)
                     for case in iter_cases(folder / JUNIT, reruns=manifest.reruns > 0, max_failures=0)]
    return rows


def passing_tests(results: Path) -> set[tuple[str, str]]:
    """(tier, test id) of every test that passed (or passed on a rerun) in the tiers' JUnit reports."""
    return {(case.tier, case.name) for case in case_rows(results) if case.outcome in ("passed", "flaky")}


def summarise(run: RunResult) -> RunRecord:
    """Everything of `run` that the history keeps, except the per-test outcomes."""
    info = run.run
    problems = Counter(p.category for p in run.problems)
    row = RunRow(run_id=info.run_id, time=epoch(info.time), verdict=run.verdict, commit=info.commit,
                 branch=info.branch, event=info.event, repository=info.repository, critical=problems["critical"],
                 high=problems["high"], medium=problems["medium"], low=problems["low"])
    tiers = [
        TierRow(t.name, t.status, t.counts, len(t.quarantined), t.duration_s,
                t.coverage.percent if t.coverage else None, t.coverage.gate if t.coverage else None)
        for t in run.tiers.values()
    ]
    scans = []
    for scan in run.scans.values():
        severities = Counter(f.severity for f in scan.findings)
        scans.append(ScanRow(scan.name, scan.status, severities["high"], severities["medium"], severities["low"],
                             scan.duration_s))
    return RunRecord(row, tiers, scans)


@dataclass
class Added:
    record: RunRecord
    runs: int


def add_results(results: Path, history: Path, keep_test_details: int = 0) -> Added:
    """Append the run in `results` to the history file `history` (created when missing)."""
    record = build_record(results)
    with open_history(history, create=True) as store:
        store.append(record, keep_test_details=keep_test_details)
        return Added(record, store.run_count())


def describe(added: Added, history: Path) -> str:
    """The line `qa history add` and `qa run` print."""
    run = added.record.run
    return (f"history: recorded run {run.run_id} ({run.branch or 'no branch'}, "
            f"{plural(len(added.record.tests), 'test')}) in {history}, which holds {plural(added.runs, 'run')}")
