"""`qa collect`: raw tool output in a results folder becomes one typed `RunResult`.

Tier folders are found by their `tier.json` anywhere under the results folder, so folders
downloaded from several matrix jobs (one artifact per tier or shard) merge without renaming.
"""

from __future__ import annotations

import heapq
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .chaos_journal import read_experiment
from .coverage_report import read_coverage
from .errors import InputError
from .fsutil import read_limited
from .junit import MAX_FAILURES, SLOWEST, JUnitReport, parse_junit
from .load_stats import read_load
from .manifest import COVERAGE_DATA, COVERAGE_JSON, JUNIT, MANIFEST, TierManifest, read_manifest
from .model import Counts, CoverageResult, RunInfo, RunResult, ScanResult, TierResult
from .schema import Rules, build, same_key

SCAN_MANIFEST = "scan.json"
COMBINED = "combined"
MAX_SCAN_BYTES = 256 * 1024 * 1024


@dataclass
class TierPart:
    """One folder of one tier: the whole tier, or one shard of it."""

    folder: Path
    manifest: TierManifest
    junit: JUnitReport | None


def collect(results: Path, run: RunInfo) -> RunResult:
    """Build the model from everything under `results` (gates are applied later, by evaluate)."""
    if not results.is_dir():
        raise InputError(f"results folder {results} does not exist: run `qa tier` or `qa run` first")
    parts: dict[str, list[TierPart]] = defaultdict(list)
    for folder in tier_folders(results):
        part = read_part(folder)
        parts[part.manifest.tier].append(part)
    tiers = {name: merge_tier(name, group, results) for name, group in parts.items()}
    scans = {scan.name: scan for scan in read_scans(results)}
    return RunResult(run=run, tiers=tiers, scans=scans)


def tier_folders(results: Path) -> list[Path]:
    """Every folder `qa tier` wrote under `results` (a tier, or one shard of it), in a stable order."""
    return [path.parent for path in sorted(results.rglob(MANIFEST))]


def read_part(folder: Path) -> TierPart:
    """Read one tier folder written by `qa tier`."""
    manifest = read_manifest(folder / MANIFEST)
    junit_path = folder / JUNIT
    junit = parse_junit(junit_path, reruns=manifest.reruns > 0) if junit_path.is_file() else None
    return TierPart(folder, manifest, junit)


def merge_tier(name: str, parts: list[TierPart], results: Path) -> TierResult:
    """One TierResult from the tier's parts; shards add up, coverage is combined across them."""
    manifests = [p.manifest for p in parts]
    reports = [p.junit for p in parts if p.junit is not None]
    result = TierResult(name=name, status="skipped", shards=len(parts), kind=manifests[0].kind)
    result.duration_s = max(m.duration_s for m in manifests)
    result.environment = next((m.environment for m in manifests if m.environment), None)
    for report in reports:
        result.counts += report.counts
        result.failures.extend(report.failures[: MAX_FAILURES - len(result.failures)])
        result.flaky.extend(report.flaky[: MAX_FAILURES - len(result.flaky)])
    result.slowest = heapq.nlargest(SLOWEST, (t for r in reports for t in r.slowest), key=lambda t: t.duration_s)
    _add_experiments(result, parts)
    loaded = next((p for p in parts if p.manifest.load is not None and p.manifest.status == "ran"), None)
    if loaded is not None and loaded.manifest.load is not None:
        result.load = read_load(loaded.folder, loaded.manifest.load)
    result.status = _status(parts, result)
    problem = next((m for m in manifests if m.status == "error"), None)
    if problem is not None:
        result.reason, result.error_code = problem.reason, problem.error_code
    elif result.status == "skipped":
        result.reason = manifests[0].reason
    if result.status in ("passed", "failed"):
        result.coverage = _coverage(name, parts, results)
    return result


def _add_experiments(result: TierResult, parts: list[TierPart]) -> None:
    """Each chaostoolkit experiment counts as one test; its failures join the tier's."""
    for part in parts:
        for run in part.manifest.experiments:
            experiment, failures = read_experiment(part.folder, run)
            result.experiments.append(experiment)
            result.counts += Counts(tests=1, passed=int(experiment.status == "passed"),
                                    failed=int(experiment.status == "failed"), errors=int(experiment.status == "error"))
            result.failures.extend(failures[: MAX_FAILURES - len(result.failures)])


def _status(parts: list[TierPart], result: TierResult) -> str:
    if any(p.manifest.status == "error" for p in parts):
        return "error"
    if result.counts.failed or result.counts.errors or (result.load is not None and result.load.misses()):
        return "failed"
    if any(p.manifest.status == "ran" for p in parts):
        return "passed"
    return "skipped"


def _coverage(name: str, parts: list[TierPart], results: Path) -> CoverageResult | None:
    gate = next((p.manifest.coverage_gate for p in parts), None)
    measured = [p for p in parts if (p.folder / COVERAGE_JSON).is_file()]
    if not measured:
        return None if gate is None else CoverageResult(percent=None, gate=gate)
    if len(measured) == 1:
        report = measured[0].folder / COVERAGE_JSON
        result = read_coverage(report, gate)
    else:
        result = combine_coverage([p.folder / COVERAGE_DATA for p in measured], results / COMBINED / name, gate)
        report = results / COMBINED / name / COVERAGE_JSON
    result.report = report.relative_to(results).as_posix()
    return result


def combine_coverage(data_files: list[Path], out: Path, gate: float | None) -> CoverageResult:
    """Exact coverage of a sharded tier: combine the shards' data, then report once."""
    from coverage import Coverage
    from coverage.exceptions import CoverageException

    missing = [str(p) for p in data_files if not p.is_file()]
    if missing:
        raise InputError(f"cannot combine coverage: {missing[0]} is missing (upload coverage.data with each shard)")
    out.mkdir(parents=True, exist_ok=True)
    try:
        coverage = Coverage(data_file=str(out / COVERAGE_DATA))
        coverage.combine([str(p) for p in data_files], keep=True, strict=True)
        coverage.save()
        coverage.json_report(outfile=str(out / COVERAGE_JSON))
    except CoverageException as exc:
        raise InputError(f"cannot combine coverage of {len(data_files)} shards: {exc}") from None
    return read_coverage(out / COVERAGE_JSON, gate)


def read_scans(results: Path) -> list[ScanResult]:
    """Every `scan.json` below `results`, whichever job wrote it."""
    scans = []
    for path in sorted(results.rglob(SCAN_MANIFEST)):
        try:
            data = json.loads(read_limited(path, MAX_SCAN_BYTES))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: not valid JSON: {exc}") from None
        scans.append(build(ScanResult, data, "scan", Rules(path, key=same_key, strict=False, error=InputError)))
    return scans
