"""locust's statistics: percentiles by locust's rule, totals, rates, thresholds, problems and the table row."""

import json
from pathlib import Path

import pytest

from qa_actions.collect.load_stats import percentile, read_load
from qa_actions.errors import InputError
from qa_actions.evaluate.gates import evaluate
from qa_actions.manifest import LoadRun
from qa_actions.model import EndpointStats, LoadResult, RunInfo, RunResult, Thresholds, TierResult
from qa_actions.render.console import report
from qa_actions.terminal import render_text

HISTOGRAM = {10.0: 50, 20.0: 40, 100.0: 10}


@pytest.mark.parametrize(("fraction", "expected"), [(0.5, 20.0), (0.9, 100.0), (0.4, 10.0), (0.95, 100.0)])
def test_percentile_follows_locust(fraction: float, expected: float) -> None:
    assert percentile(HISTOGRAM, 100, fraction) == expected


def entry(name: str, method: str, histogram: dict, failures: int, start: float, end: float) -> dict:
    requests = sum(histogram.values())
    return {"name": name, "method": method, "num_requests": requests, "num_failures": failures,
            "num_none_requests": 0, "total_response_time": sum(k * v for k, v in histogram.items()),
            "min_response_time": min(histogram), "max_response_time": max(histogram) + 3,
            "response_times": {str(k): v for k, v in histogram.items()}, "start_time": start,
            "last_request_timestamp": end, "num_reqs_per_sec": {}, "num_fail_per_sec": {}}


def test_read_load_totals_rates_and_errors(tmp_path: Path) -> None:
    (tmp_path / "locust.json").write_text(json.dumps([
        entry("/a", "GET", {10: 60, 20: 20}, 0, 1000.0, 1009.0),
        entry("/b", "POST", {100: 20}, 5, 1001.0, 1010.0),
    ]))
    (tmp_path / "locust_failures.csv").write_text(
        "Method,Name,Error,Occurrences,First Seen,Last Seen\n"
        "POST,/b,HTTPError('500'),2,x,y\nPOST,/b,ConnectionResetError(),3,x,y\n")
    run = LoadRun(host="http://127.0.0.1:1", users=4, spawn_rate=2, run_time_s=10, p95_ms=50, fail_ratio=0.01)
    load = read_load(tmp_path, run)
    total = load.total
    assert (total.name, total.requests, total.failures) == ("Aggregated", 100, 5)
    assert total.rps == 10.0 and total.avg_ms == 30.0
    assert (total.p50_ms, total.p95_ms, total.p99_ms, total.max_ms) == (10.0, 100.0, 100.0, 103.0)
    assert [(e.name, e.requests, e.rps) for e in load.endpoints] == [("/a", 80, 8.0), ("/b", 20, 2.0)]
    assert [(e.message, e.occurrences) for e in load.errors] == [("ConnectionResetError()", 3),
                                                                 ("HTTPError('500')", 2)]
    assert load.thresholds == Thresholds(p95_ms=50, fail_ratio=0.01, rps_min=None)
    assert load.misses() == ["p95 response time 100 ms is over the 50 ms threshold",
                             "5 of 100 requests failed (5.00%), over the 1.00% threshold"]


@pytest.mark.parametrize(("text", "words"), [("{", "not valid JSON"), ('{"a": 1}', "not locust statistics")])
def test_malformed_statistics(tmp_path: Path, text: str, words: str) -> None:
    (tmp_path / "locust.json").write_text(text)
    with pytest.raises(InputError, match=words):
        read_load(tmp_path, LoadRun(host=None, users=1, spawn_rate=1, run_time_s=1))


def test_missing_statistics(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"locust\.json is missing"):
        read_load(tmp_path, LoadRun(host=None, users=1, spawn_rate=1, run_time_s=1))


def load_tier(total: EndpointStats, thresholds: Thresholds) -> TierResult:
    return TierResult("load", "failed", kind="load", load=LoadResult(total=total, thresholds=thresholds))


def test_threshold_misses_are_medium_load_threshold_problems() -> None:
    total = EndpointStats("", "Aggregated", requests=200, failures=0, rps=12.5, p50_ms=5, p95_ms=40, p99_ms=90)
    run = RunResult(run=RunInfo("r", "t"), tiers={"load": load_tier(total, Thresholds(30, 0.01, 20))})
    evaluate(run, {}, "medium")
    assert run.verdict == "failed"
    assert [(p.code, p.category, p.source) for p in run.problems] == [("load-threshold", "medium", "load")] * 2
    table = console_text(run)
    tier_row, header, load_row = table.splitlines()[1:4]
    assert tier_row.split()[:5] == ["load", "—", "—", "—", "—"] and tier_row.endswith("failed")
    assert header.split() == ["load", "requests", "failed", "req/s", "p50", "p95", "p99", "thresholds"]
    assert load_row.split()[:10] == ["load", "200", "0.00%", "12.5", "5", "ms", "40", "ms", "90", "ms"]
    assert load_row.endswith("p95 ≤ 30 ms ✗, failed ≤ 1.00% ✓, req/s ≥ 20 ✗")
    evaluate(run, {"load-threshold": "low"}, "medium")
    assert run.verdict == "passed"


def test_no_requests_never_passes() -> None:
    assert LoadResult(total=EndpointStats("", "Aggregated")).misses() == [
        "no requests were made, so no threshold can hold"]


def console_text(run: RunResult) -> str:
    """What `qa run` prints about `run`, as plain text."""
    return render_text(report(run))
