"""The steps of a run wired together: tiers and scans, then collect, evaluate, write; shared by the CLI commands."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .collect.changed_lines import measure_changed_lines
from .collect.merge import collect
from .config import QaConfig
from .errors import QaError
from .evaluate.errorlog import write_error_log
from .evaluate.gates import evaluate
from .github_env import read_github_env
from .layout import MANIFEST, RESULTS_JSON, SCAN_MANIFEST
from .manifest import TierManifest
from .model import RunResult, ScanResult, load_results, save_results
from .progress import say, step
from .project.environment import Environment
from .project.runinfo import current_run
from .text import duration
from .tiers.run import TierRun
from .tiers.runner import run_tier

T = TypeVar("T")


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


def run_tiers(config: QaConfig, names: list[str], results: Path, echo: bool,
              environment: Environment | None = None) -> list[TierManifest]:
    return _in_steps("tier", names,
                     lambda name: run_tier(TierRun(config, name, results, echo=echo, environment=environment)),
                     lambda m: f"{m.tier}: {m.status} in {duration(m.duration_s)} "
                               f"({m.reason or f'exit code {m.exit_code}'})")


def run_scans(config: QaConfig, kinds: list[str], results: Path, update_baseline: bool = False) -> list[ScanResult]:
    """Run the security scans `kinds` (bandit, deps) into `<results>/security/`."""
    from .security.context import ScanRun
    from .security.runner import run_scan

    def scan(kind: str) -> ScanResult:
        return run_scan(ScanRun(config, kind, results, update_baseline=update_baseline))

    return _in_steps("scan", kinds, scan,
                     lambda s: f"{s.name}: {s.status} in {duration(s.duration_s)} "
                               f"({s.reason or f'{len(s.findings)} open, {len(s.suppressed)} accepted findings'})")


def _in_steps(what: str, names: list[str], run_one: Callable[[str], T], summary: Callable[[T], str]) -> list[T]:
    """Run each of `names` as a progress step (with heartbeat), then say in one line how it went."""
    outcomes = []
    for index, name in enumerate(names, 1):
        with step(f"{what} {name} ({index}/{len(names)})"):
            outcome = run_one(name)
        say(f"■ {what} {summary(outcome)}")
        outcomes.append(outcome)
    return outcomes


def collect_results(config: QaConfig, results: Path, base: str | None = None) -> RunResult:
    """Collect the results folder, apply the gates and write `results.json` (and the scans' SARIF).

    Changed-lines coverage compares with `base`, by default the base commit of the GitHub event.
    """
    run = collect(results, current_run(config.project), config.project)
    order = {name: index for index, name in enumerate(config.tiers)}
    run.tiers = dict(sorted(run.tiers.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))
    base = base or read_github_env(os.environ).event.base_sha
    run.changed_lines = measure_changed_lines(config.project, results, run, config.changed_lines_gate, base)
    evaluate(run, config.categories, config.fail_on, config.quarantine())
    save_results(run, results / RESULTS_JSON)
    if run.scans:
        from .security.runner import write_security_sarif

        write_security_sarif(results, config.project, list(run.scans.values()))
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
    run = evaluate(run, config.categories, config.fail_on, config.quarantine())
    save_results(run, results / RESULTS_JSON)
    write_error_log(run, config.errors_path)
    return run
