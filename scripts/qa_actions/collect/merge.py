"""`qa collect`: raw tool output in a results folder becomes one typed `RunResult`.

Tier folders are found by their `tier.json` anywhere under the results folder, so folders
downloaded from several matrix jobs (one artifact per tier or shard) merge without renaming.
"""

from __future__ import annotations

import contextlib
import heapq
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..fsutil import read_json
from ..layout import COMBINED, COVERAGE_DATA, COVERAGE_JSON, JUNIT, MANIFEST, SCAN_MANIFEST, inside
from ..manifest import Shard, TierManifest, read_manifest
from ..model import Counts, CoverageResult, RunInfo, RunResult, ScanResult, TierResult
from ..schema import Rules, build, same_key
from .chaos_journal import read_experiment
from .coverage import read_coverage
from .junit import MAX_FAILURES, SLOWEST, JUnitReport, parse_junit
from .load_stats import read_load

MAX_SCAN_BYTES = 256 * 1024 * 1024


@dataclass
class TierPart:
    """One folder of one tier: the whole tier, or one shard of it."""

    folder: Path
    manifest: TierManifest
    junit: JUnitReport | None


def collect(results: Path, run: RunInfo, project: Path | None = None) -> RunResult:
    """Build the model from everything under `results` (gates are applied later, by evaluate).

    `project` holds the coverage configuration that combining shards' coverage reports with.
    """
    if not results.is_dir():
        raise InputError(f"results folder {results} does not exist: no tier or scan wrote results there"
                         " (qa tier, qa scan and qa run write it; a report job downloads it from their jobs)")
    parts: dict[str, list[TierPart]] = defaultdict(list)
    for folder in tier_folders(results):
        part = read_part(folder)
        parts[part.manifest.tier].append(part)
    tiers = {name: merge_tier(name, group, results, project) for name, group in parts.items()}
    scans = {scan.name: scan for scan in read_scans(results)}
    return RunResult(run=run, tiers=tiers, scans=scans)


def tier_folders(results: Path) -> list[Path]:
    """Every folder `qa tier` wrote under `results` (a tier, or one shard of it), in a stable order."""
    return [path.parent for path in sorted(results.rglob(MANIFEST))]


def read_part(folder: Path) -> TierPart:
    """Read one tier folder written by `qa tier`; a file of it that is a link out of it is refused."""
    for name in (MANIFEST, JUNIT, COVERAGE_JSON, COVERAGE_DATA):
        if (folder / name).is_symlink() and inside(folder, name) is None:
            raise InputError(f"{folder / name}: a symbolic link out of the tier folder (refused)")
    manifest = read_manifest(folder / MANIFEST)
    junit_path = folder / JUNIT
    junit = parse_junit(junit_path, reruns=manifest.reruns > 0) if junit_path.is_file() else None
    return TierPart(folder, manifest, junit)


def merge_tier(name: str, parts: list[TierPart], results: Path, project: Path | None = None,
               one_shard: bool = False) -> TierResult:
    """One TierResult from the tier's parts; shards add up, coverage is combined across them.

    `one_shard`: the parts are one shard seen alone (by `qa tier --shard`), so the others are not missed.
    """
    manifests = [p.manifest for p in parts]
    reports = [p.junit for p in parts if p.junit is not None]
    shard_problem = None if one_shard else check_shards(name, parts)
    result = TierResult(name=name, status="skipped", shards=len(parts), kind=manifests[0].kind)
    result.duration_s = max(m.duration_s for m in manifests)
    result.shard_durations = {m.shard: m.duration_s for m in manifests if m.shard}
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
    result.status = "error" if shard_problem else _status(parts, result)
    problem = next((m for m in manifests if m.status == "error"), None)
    if shard_problem is not None:
        result.error_code, result.reason = shard_problem
    elif problem is not None:
        result.reason, result.error_code = problem.reason, problem.error_code
    elif result.status == "skipped":
        # why (`no-tests`, `not-allowed`): a claim of the results, which evaluate judges by the configuration;
        # one shard that collected nothing while the others ran leaves the tier passed (or failed)
        skipped = next((m for m in manifests if m.error_code), manifests[0])
        result.reason, result.error_code = skipped.reason, skipped.error_code
    result.selection = next((m.selection for m in manifests if m.selection is not None), None)
    if result.status in ("passed", "failed"):
        result.coverage = _coverage(name, parts, results, project)
        carried = result.selected_part.coverage if result.selected_part else None
        if result.coverage is not None and carried is not None and carried.consistent:
            # a selected run measured part of the tests: the blocks the change left alone carry the map's counts
            result.coverage.percent = round(carried.percent, 2)
            result.coverage.covered_lines, result.coverage.num_statements = carried.covered, carried.statements
    return result


def check_shards(name: str, parts: list[TierPart]) -> tuple[str, str] | None:
    """(problem code, reason) when a sharded tier's folders do not make one whole run, else None.

    A tier error, not an input error: the rest of the run is still collected and reported.
    """
    labels = [p.manifest.shard for p in parts]
    if all(label is None for label in labels):
        return None  # unsharded folders of one tier (from several jobs) add up as before
    where = ", ".join(str(p.folder) for p in parts)
    stale = "remove the older ones or download each shard's folder of this run only"
    if None in labels:
        return "shard-mismatch", f"sharded and unsharded results of tier {name} ({where}): {stale}"
    try:
        shards = [Shard.parse(label) for label in labels if label is not None]
    except ValueError as exc:
        return "shard-mismatch", f"a {MANIFEST} of tier {name} has a bad `shard` ({exc}): {where}"
    counts = sorted({s.count for s in shards})
    if len(counts) > 1:
        return "shard-mismatch", f"results of tier {name} from runs in {' and '.join(map(str, counts))} shards" \
                                 f" ({where}): {stale}"
    if len({p.manifest.shard_timings for p in parts}) > 1:
        return "shard-mismatch", (f"the shards of tier {name} were split with different timings ({where}), so"
                                  " some tests may have run twice or not at all: give every shard job the same"
                                  " history or durations file")
    seen = [s.index for s in shards]
    twice = sorted({i for i in seen if seen.count(i) > 1})
    if twice:
        return "shard-mismatch", f"shard {twice[0]}/{counts[0]} of tier {name} has more than one results folder" \
                                 f" ({where}): {stale}"
    missing = [f"{i}/{counts[0]}" for i in range(1, counts[0] + 1) if i not in seen]
    if missing:
        return "missing-shard", (f"no results from shard {', '.join(missing)} of tier {name}: each shard's folder"
                                 f" ({name}-KofN) must reach the results folder before `qa collect`")
    return None


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


def _coverage(name: str, parts: list[TierPart], results: Path, project: Path | None) -> CoverageResult | None:
    gate = next((p.manifest.coverage_gate for p in parts), None)
    measured = [p for p in parts if (p.folder / COVERAGE_JSON).is_file()]
    if not measured:
        return None if gate is None else CoverageResult(percent=None, gate=gate)
    if len(measured) == 1:
        report = measured[0].folder / COVERAGE_JSON
        result = read_coverage(report, gate)
    else:
        result = combine_coverage([p.folder / COVERAGE_DATA for p in measured], results / COMBINED / name, gate,
                                  project)
        report = results / COMBINED / name / COVERAGE_JSON
    result.report = report.relative_to(results).as_posix()
    return result


def combine_coverage(data_files: list[Path], out: Path, gate: float | None,
                     project: Path | None = None) -> CoverageResult:
    """Exact coverage of a sharded tier: combine the shards' data, then report once.

    The report reads the measured source files and the project's coverage configuration (found in
    `project` as pytest-cov finds it there: .coveragerc, setup.cfg, tox.ini, pyproject.toml), so
    the job that collects needs the project checked out at the path the shards ran in.
    """
    from coverage import Coverage
    from coverage.exceptions import CoverageException

    missing = [str(p) for p in data_files if not p.is_file()]
    if missing:
        raise InputError(f"cannot combine coverage: {missing[0]} is missing (upload {COVERAGE_DATA} with each shard)")
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    shards = [str(p.resolve()) for p in data_files]
    # in the project, as pytest-cov ran: coverage.py reads its configuration there and names files relative to it
    try:
        with contextlib.chdir(project or Path()):
            coverage = Coverage(data_file=str(out / COVERAGE_DATA))
            coverage.combine(shards, keep=True, strict=True)
            coverage.save()
            coverage.json_report(outfile=str(out / COVERAGE_JSON))
    except CoverageException as exc:
        raise InputError(f"cannot combine coverage of {len(data_files)} shards: {exc}"
                         " (the project must be checked out where the shards ran)") from None
    return read_coverage(out / COVERAGE_JSON, gate)


def read_scans(results: Path) -> list[ScanResult]:
    """Every `scan.json` below `results`, whichever job wrote it."""
    scans = []
    for path in sorted(results.rglob(SCAN_MANIFEST)):
        data = read_json(path, MAX_SCAN_BYTES)
        scans.append(build(ScanResult, data, "scan", Rules(path, key=same_key, strict=False, error=InputError)))
    return scans
