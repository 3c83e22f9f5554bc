"""locust's final statistics (`--json-file`) and failures (`--csv`) become a `LoadResult`.

Percentiles are computed from locust's response-time histogram with locust's own rule
(`calculate_response_time_percentile`), so they match what locust prints; the rate of each request
name is its count over the whole run's span, as locust's `total_rps` is.
"""

from __future__ import annotations

import csv
import dataclasses
import heapq
import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..fsutil import check_plain, check_size, read_json
from ..layout import LOCUST_FAILURES_CSV, LOCUST_FAILURES_JSON, LOCUST_JSON
from ..manifest import LoadRun
from ..model import EndpointStats, LoadError, LoadResult, Thresholds
from ..text import clip

MAX_STATS_BYTES = 256 * 1024 * 1024
MAX_ERRORS = 10
FIELD_CHARS = 1_000


def read_load(folder: Path, run: LoadRun) -> LoadResult:
    path = folder / LOCUST_JSON
    if not path.is_file():
        raise InputError(f"{path} is missing: the load tier's folder is incomplete")
    data = read_json(path, MAX_STATS_BYTES)
    if not isinstance(data, list):
        raise InputError(f"{path}: not locust statistics (expected a JSON list of request entries)")
    entries = [e for e in data if isinstance(e, dict)]
    starts = [e["start_time"] for e in entries if _is_number(e.get("start_time"))]
    ends = [e["last_request_timestamp"] for e in entries if _is_number(e.get("last_request_timestamp"))]
    span = max(ends) - min(starts) if starts and ends else 0.0
    endpoints = sorted((_endpoint(e, span) for e in entries), key=lambda s: (s.name, s.method))
    result = LoadResult(
        total=_endpoint(_merge(entries), span), host=run.host, users=run.users, spawn_rate=run.spawn_rate,
        run_time_s=run.run_time_s, thresholds=Thresholds(run.p95_ms, run.fail_ratio, run.rps_min),
        endpoints=endpoints, errors=_errors(folder / LOCUST_FAILURES_JSON, folder / LOCUST_FAILURES_CSV),
    )
    check_plain(dataclasses.asdict(result), path, InputError)  # sums of huge numbers overflow to inf
    return result


def percentile(histogram: dict[float, int], count: int, fraction: float) -> float:
    """locust's rule: the smallest bucket that at least `fraction` of the requests finished within."""
    wanted = int(count * fraction)
    processed = 0
    for response_time in sorted(histogram, reverse=True):
        processed += histogram[response_time]
        if count - processed <= wanted:
            return response_time
    return 0.0


def _endpoint(entry: dict[str, Any], span: float) -> EndpointStats:
    histogram = _histogram(entry.get("response_times"))
    requests, failures = _int(entry.get("num_requests")), _int(entry.get("num_failures"))
    timed = requests - _int(entry.get("num_none_requests"))
    low, high = _number(entry.get("min_response_time")), _number(entry.get("max_response_time"))

    def at(fraction: float) -> float:
        return round(min(max(percentile(histogram, timed, fraction), low), high), 1) if timed > 0 else 0.0

    return EndpointStats(
        method=str(entry.get("method") or ""), name=str(entry.get("name") or ""), requests=requests,
        failures=failures, rps=round(requests / span, 2) if span > 0 else 0.0,
        avg_ms=round(_number(entry.get("total_response_time")) / timed, 1) if timed > 0 else 0.0,
        p50_ms=at(0.5), p95_ms=at(0.95), p99_ms=at(0.99), max_ms=round(high, 1),
    )


def _merge(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """All request names as one entry, the way locust builds its `Aggregated` row."""
    histogram: Counter[float] = Counter()
    for entry in entries:
        histogram.update(_histogram(entry.get("response_times")))
    mins = [_number(e.get("min_response_time")) for e in entries if _is_number(e.get("min_response_time"))]
    return {
        "method": "", "name": "Aggregated", "response_times": dict(histogram),
        **{key: sum(_number(e.get(key)) for e in entries)
           for key in ("num_requests", "num_failures", "num_none_requests", "total_response_time")},
        "min_response_time": min(mins, default=0.0),
        "max_response_time": max((_number(e.get("max_response_time")) for e in entries), default=0.0),
    }


def _errors(complete: Path, snapshot: Path) -> list[LoadError]:
    """The most frequent failures: from what locust counted when it quit (locust_failures.json, written by
    our hook), else from its failures CSV, a snapshot of up to a second before the end (absent when
    nothing failed)."""
    top: list[tuple[int, int, LoadError]] = []  # the MAX_ERRORS most frequent so far, as the rows stream
    for index, row in enumerate(_failure_rows(complete, snapshot)):
        error = LoadError(method=clip(str(row.get("Method") or ""), FIELD_CHARS),
                          name=clip(str(row.get("Name") or ""), FIELD_CHARS),
                          message=clip(str(row.get("Error") or ""), FIELD_CHARS),
                          occurrences=_int(row.get("Occurrences")))
        entry = (error.occurrences, -index, error)
        if len(top) < MAX_ERRORS:
            heapq.heappush(top, entry)
        elif entry[:2] > top[0][:2]:
            heapq.heapreplace(top, entry)
    return [error for _, _, error in sorted(top, key=lambda e: (-e[0], -e[1]))]


def _histogram(value: Any) -> dict[float, int]:
    if not isinstance(value, dict):
        return {}
    histogram = {}
    for key, count in value.items():
        try:
            bucket = float(key)
            if math.isfinite(bucket):
                histogram[bucket] = int(count)
        except (TypeError, ValueError, OverflowError):
            continue
    return histogram


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: Any) -> float:
    return float(value) if _is_number(value) else 0.0


def _int(value: Any) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):  # "nan", "inf", "1e999"
        return 0


def _failure_rows(complete: Path, snapshot: Path) -> Iterator[dict[str, Any]]:
    if complete.is_file():
        rows = read_json(complete, MAX_STATS_BYTES)
        if not isinstance(rows, list):
            raise InputError(f"{complete}: not a list of locust failures")
        yield from (row for row in rows if isinstance(row, dict))
        return
    if not snapshot.is_file():
        return
    check_size(snapshot, MAX_STATS_BYTES)
    try:
        with snapshot.open(encoding="utf-8", errors="replace", newline="") as handle:
            yield from csv.DictReader(handle)
    except csv.Error as exc:
        raise InputError(f"{snapshot}: not a locust failures CSV ({exc})") from None
