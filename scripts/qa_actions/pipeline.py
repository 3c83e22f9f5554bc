"""The steps of a run wired together: tiers, then collect, evaluate, write; shared by the CLI commands."""

from __future__ import annotations

import shutil
from pathlib import Path

from .collect import SCAN_MANIFEST, collect
from .config import QaConfig
from .errorlog import write_error_log
from .errors import QaError
from .evaluate import evaluate
from .manifest import MANIFEST, TierManifest
from .model import RunResult, load_results, save_results
from .progress import say, step
from .render.format import duration
from .runinfo import current_run
from .tier_runner import TierRun, run_tier

RESULTS_JSON = "results.json"


def fresh_results(results: Path) -> None:
    """Empty the results folder before a whole run, so no earlier run's tiers are collected with it."""
    if not results.exists():
        return
    if not results.is_dir():
        raise QaError(f"results folder {results} is a file")
    entries = list(results.iterdir())
    ours = (results / RESULTS_JSON).exists() or any(results.rglob(MANIFEST)) or any(results.rglob(SCAN_MANIFEST))
    if entries and not ours:
        raise QaError(f"results folder {results} holds files qa did not write; choose another with --results")
    shutil.rmtree(results)


def run_tiers(config: QaConfig, names: list[str], results: Path, echo: bool) -> list[TierManifest]:
    manifests = []
    for index, name in enumerate(names, 1):
        with step(f"tier {name} ({index}/{len(names)})"):
            manifest = run_tier(TierRun(config, name, results, echo=echo))
        detail = manifest.reason or f"exit code {manifest.exit_code}"
        say(f"■ tier {name}: {manifest.status} in {duration(manifest.duration_s)} ({detail})")
        manifests.append(manifest)
    return manifests


def collect_results(config: QaConfig, results: Path) -> RunResult:
    """Collect the results folder, apply the gates and write `results.json`."""
    run = collect(results, current_run(config.project))
    order = {name: index for index, name in enumerate(config.tiers)}
    run.tiers = dict(sorted(run.tiers.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))
    evaluate(run, config.categories, config.fail_on)
    save_results(run, results / RESULTS_JSON)
    return run


def gate_results(config: QaConfig, results: Path) -> RunResult:
    """Re-apply the gates to `results.json` with the current config and write `.errors/`.

    Coverage gates come from the config too, not from the run that measured the coverage: results
    made elsewhere (a fork's pull request) are judged by the gates of the project at hand."""
    run = load_results(results / RESULTS_JSON)
    for name, tier in run.tiers.items():
        if tier.coverage is None or name not in config.tiers:
            continue
        tier.coverage.gate = config.tiers[name].coverage_gate
        if tier.coverage.gate is None and tier.coverage.percent is None:
            tier.coverage = None  # nothing measured and nothing to gate
    run = evaluate(run, config.categories, config.fail_on)
    save_results(run, results / RESULTS_JSON)
    write_error_log(run, config.errors_path)
    return run
