"""The order of the stages: run (tiers, scans) -> collect -> evaluate -> write; every sub-command that runs
more than one stage calls it from here.

Only what runs a tier is imported at the top: `qa tier` imports this module before pytest starts, and
the stages after the run (the model, collect, evaluate) where they are used, on a side thread while
the tests run.
"""

from __future__ import annotations

import dataclasses
import importlib
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .config import QaConfig
from .errors import QaError
from .github_env import untrusted
from .layout import MANIFEST, RESULTS_JSON, SCAN_MANIFEST
from .progress import say, step
from .project.trusted import TrustedSide
from .text import duration, plural
from .tiers.run import ImpactRequest, TierRun
from .tiers.runner import run_tier

if TYPE_CHECKING:
    from .collect.external import ExternalReports
    from .manifest import Shard, TierManifest
    from .model import RunInfo, RunResult, ScanResult
    from .project.environment import Environment
    from .terminal import Terminal

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


def impact_request(base: str | None, full_run: bool = False, history: Path | None = None) -> ImpactRequest:
    """What test-impact selection compares with: `base` (--base), else a pull request's base commit;
    none (a push, the nightly run, a laptop): a full run that records the map. A full run is asked
    for by `full_run` (--full-run), QA_FULL_RUN=true or the pull request's label `qa:full-run`."""
    import os

    from .github_env import PULL_REQUEST_EVENTS, read_github_env
    from .tier_selection import FULL_RUN_LABEL

    env = read_github_env()
    if base is None and env.event.name in PULL_REQUEST_EVENTS:
        base = env.event.base_sha
    pull = env.event.pull
    reason = ("a full run was asked for (--full-run)" if full_run
              else "a full run was asked for (QA_FULL_RUN)" if os.environ.get("QA_FULL_RUN", "").lower() in TRUTHY
              else f"the pull request has the label {FULL_RUN_LABEL}" if pull and FULL_RUN_LABEL in pull.labels
              else None)
    return ImpactRequest(base, reason, history)


TRUTHY = frozenset({"1", "true", "yes", "on"})


def run_tiers(config: QaConfig, names: list[str], results: Path, echo: bool,
              environment: Environment | None = None, impact: ImpactRequest | None = None) -> list[TierManifest]:
    """Run each tier, its output folded in Actions and counted by a progress bar on a terminal."""
    from .terminal import open_terminal

    terminal = open_terminal()

    def one(name: str) -> TierManifest:
        run = TierRun(config, name, results, echo=echo, environment=environment, impact=impact or ImpactRequest())
        return _run_shown(run, terminal)

    return _in_steps("tier", names, one,
                     lambda m: f"{m.tier}: {m.status} in {duration(m.duration_s)}"
                               + (f" — {m.reason}" if m.reason else
                                  f", exit code {m.exit_code}" if m.exit_code is not None else ""))


def _run_shown(run: TierRun, terminal: Terminal | None = None) -> TierManifest:
    """One tier's run, its output folded in `::group::` in Actions (no workflow command in it obeyed)
    and counted by a progress bar on a terminal: for `qa run` and `qa tier` alike."""
    from .terminal import open_terminal, tier_output

    terminal = terminal or open_terminal()
    with tempfile.TemporaryDirectory(prefix="qa-progress-") as folder:
        progress = Path(folder) / "progress" if terminal.live else None
        with tier_output(terminal, run.name, run.echo, progress):
            return run_tier(dataclasses.replace(run, progress_file=progress))


def run_scans(config: QaConfig, kinds: list[str], results: Path, update_baseline: bool = False) -> list[ScanResult]:
    """Run the security scans `kinds` (bandit, deps) into `<results>/security/`."""
    from .security.context import ScanRun
    from .security.runner import run_scan

    def scan(kind: str) -> ScanResult:
        return run_scan(ScanRun(config, kind, results, update_baseline=update_baseline))

    return _in_steps("scan", kinds, scan,
                     lambda s: f"{s.name}: {s.status} in {duration(s.duration_s)} — "
                               + (s.reason or f"{plural(len(s.findings), 'open finding')}, "
                                              f"{len(s.suppressed)} accepted"))


def _in_steps(what: str, names: list[str], run_one: Callable[[str], T], summary: Callable[[T], str]) -> list[T]:
    """Run each of `names` as a progress step (with heartbeat), then say in one line how it went."""
    outcomes = []
    for index, name in enumerate(names, 1):
        with step(f"{what} {name} ({index}/{len(names)})"):
            outcome = run_one(name)
        say(untrusted(f"■ {what} {summary(outcome)}"))  # a reason may quote the tool's output
        outcomes.append(outcome)
    return outcomes


def external_reports(config: QaConfig, names: list[str] | None = None, junit: tuple[str, ...] = (),
                     coverage: tuple[str, ...] = ()) -> list[ExternalReports]:
    """The external tiers to read: those of `names` (default: every enabled one) from `[tool.qa]`, and
    those `qa collect --junit-files/--coverage-files` name (`[TIER=]GLOB`, relative to the current
    folder; several a value, one a line), whose globs add to a configured tier's."""
    from .collect.external import ExternalReports, parse_spec
    from .errors import ConfigError

    found: dict[str, ExternalReports] = {}
    for name in config.external_tiers(names):
        tier = config.tiers[name]
        found[name] = ExternalReports(name, list(tier.junit_files), list(tier.coverage_files), tier.coverage_gate,
                                      tier.allow_empty, config.project)
    for option, values in (("--junit-files", junit), ("--coverage-files", coverage)):
        for value in values:
            for line in filter(None, (line.strip() for line in value.splitlines())):
                name, pattern = parse_spec(line)
                tier = config.tiers.get(name)
                if tier is not None and tier.kind != "external":
                    raise ConfigError(f"{option} {line!r}: tier {name} is a {tier.kind} tier of {config.source};"
                                      " name another tier for the reports of another test runner")
                if name not in found:
                    gate = tier.coverage_gate if tier is not None else None
                    found[name] = ExternalReports(name, gate=gate, allow_empty=tier is not None and tier.allow_empty,
                                                  base=config.project)
                patterns = found[name].junit if option == "--junit-files" else found[name].coverage
                patterns.append(str(Path(pattern).absolute()))
    return list(found.values())


def collect_results(config: QaConfig, results: Path, base: str | None = None,
                    external: list[ExternalReports] | None = None) -> RunResult:
    """Collect the results folder and the external tiers' reports (default: every enabled external
    tier of the configuration), apply the gates and write `results.json` (and the scans' SARIF).

    Changed-lines coverage compares with `base`, by default the base commit of the GitHub event.
    """
    from .collect.changed_lines import measure_changed_lines
    from .collect.external import collect_external
    from .collect.merge import collect
    from .evaluate.gates import evaluate
    from .github_env import read_github_env
    from .model import TierResult, save_results
    from .project.runinfo import current_run

    specs = external_reports(config) if external is None else external
    if specs:
        results.mkdir(parents=True, exist_ok=True)  # another tool's reports alone make a run
    run = collect(results, current_run(config.project), config.project)
    for spec in specs:
        if spec.tier in run.tiers:
            run.tiers[spec.tier] = TierResult(
                spec.tier, "error", kind="external", error_code="tier-error",
                reason=f"tier {spec.tier} is both an external tier and a tier folder of the results (a {MANIFEST}):"
                       " give the other test runner's tier a name of its own")
        else:
            run.tiers[spec.tier] = collect_external(spec)
    order = {name: index for index, name in enumerate(config.tiers)}
    run.tiers = dict(sorted(run.tiers.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))
    base = base or read_github_env().event.base_sha
    run.changed_lines = measure_changed_lines(config.project, results, run, config.changed_lines_gate, base)
    preexisting = compare_failures(config, run, results, config.history.path(config.project))
    evaluate(run, config.categories, config.fail_on, config.quarantine(), config.expect_tests(),
             preexisting=preexisting)
    save_results(run, results / RESULTS_JSON)
    if run.scans:
        from .security.runner import write_security_sarif

        write_security_sarif(results, config.project, list(run.scans.values()))
    return run


def compare_failures(config: QaConfig, run: RunResult, results: Path, history: Path) -> dict[str, set[str]] | None:
    """For `fail-on-failures = "new"`: the tests of `run` that also fail in the base branch's latest run
    of `history`, by tier, for `evaluate`; sets `run.fail_on_failures` and `run.failure_base` (what was
    compared, the tests fixed since, or why nothing was: then every failure fails, as `any`).

    `history` is the file this job owns (restored from the cache or a branch before the report), so
    one inside the results folder, which holds the artifacts' contents, is never read for this."""
    from .errors import QaError
    from .github_env import read_github_env
    from .history.deltas import BaseFailures, base_branch_for, failing_on_base
    from .model import FailureBase

    run.fail_on_failures = config.fail_on_failures
    run.failure_base = None
    if config.fail_on_failures != "new":
        return None
    env = read_github_env(payload=False)
    branch = base_branch_for(config.history, env)
    this_run = f"{env.run_id}.{env.run_attempt or '1'}" if env.run_id else run.run.run_id
    if history.resolve().is_relative_to(results.resolve()):
        found = BaseFailures(branch, None, frozenset(), f"the history file {history.name} is inside the results "
                             "folder (the artifacts' contents), so it cannot decide the gate")
    else:
        try:
            found = failing_on_base(history, branch, this_run)
        except QaError as exc:
            found = BaseFailures(branch, None, frozenset(), f"the history could not be read: {exc}")
    if not found.known or found.base is None:
        run.failure_base = FailureBase(branch, note=found.note)
        return None
    from .history.record import passing_tests

    try:  # what passes now is the results' word: it names fixed tests, it decides nothing
        fixed = sorted(found.failing & passing_tests(results))
    except QaError:
        fixed = []
    run.failure_base = FailureBase(branch, found.base.run_id, found.base.commit,
                                   fixed=[f"{tier}: {test}" for tier, test in fixed])
    preexisting: dict[str, set[str]] = {}
    for tier, test in found.failing:
        preexisting.setdefault(tier, set()).add(test)
    return preexisting


@dataclass
class GateSettings:
    """Where `qa gate` takes its gates from: the trusted side (the base branch's configuration), whether
    its values apply (`protect`), the tiers the workflow runs, and the change the changed-lines gate
    measures (`base`..`head`; None: not measured again)."""

    trusted: TrustedSide | None = None  # None: the checkout's configuration is the trusted one
    protect: bool = False
    tiers: list[str] | None = None
    base: str | None = None
    head: str | None = None
    compare: bool = False  # name the gates the results (a pull request) lower against the trusted side
    coverage_only: bool = False  # the step gates coverage alone: a gate without data is `coverage-missing`
    history: Path | None = None  # the history file (--history); None: the judging configuration's


def gate_results(config: QaConfig, results: Path, settings: GateSettings | None = None) -> RunResult:
    """Re-apply the gates to `results.json` and write `.errors/`.

    The results say which tiers ran with which gates, and whoever made them controlled that (a fork's
    pull request, its artifact). So the gates come from the configuration: every tier it runs must be
    in the results (`tier-missing`), coverage gates are its own, the changed lines are measured again
    when `settings` say which change, and a drop in tests against the base branch is a problem. With
    `settings.protect`, the trusted side's configuration decides; without, the checkout's does, and
    every gate the pull request lowers against the trusted side is named either way."""
    from .collect.changed_lines import measure_changed_lines
    from .evaluate.errorlog import write_error_log
    from .evaluate.gates import add_problems, collected_nothing, evaluate, unmeasured_gates
    from .evaluate.protection import GATES, GateSet, lowered_gates, mark_missing_tiers, tests_removed
    from .github_env import read_github_env
    from .history.deltas import base_branch_for, base_test_count
    from .model import CoverageResult, load_results, save_results

    settings = settings or GateSettings()
    trusted = settings.trusted or TrustedSide(config)
    judge = trusted.config if settings.protect else config
    run = load_results(results / RESULTS_JSON)
    pr_config = config if settings.trusted is not None and settings.trusted.ref is not None else None
    proposed = GateSet.of_run(run, pr_config)
    lowered = (lowered_gates(GateSet.of_config(trusted.config, settings.tiers), proposed, trusted.has_tests)
               if settings.compare else [])
    expected = settings.tiers if settings.tiers is not None else judge.enabled_tiers()
    has_tests = trusted.has_tests if settings.protect else TrustedSide(config).has_tests
    mark_missing_tiers(run, [name for name in expected if name in judge.tiers], has_tests)
    for name, tier in run.tiers.items():
        gate = judge.tiers[name].coverage_gate if name in judge.tiers else None
        ran = tier.status in ("passed", "failed") and not collected_nothing(tier)
        if tier.coverage is None and gate is not None and ran:
            tier.coverage = CoverageResult(percent=None)  # ran without measuring: the gate cannot pass
        if tier.coverage is None:
            continue
        tier.coverage.gate = gate
        if tier.coverage.gate is None and tier.coverage.percent is None:
            tier.coverage = None  # nothing measured and nothing to gate
    if settings.base is not None or settings.protect:
        run.changed_lines = measure_changed_lines(config.project, results, run, judge.changed_lines_gate,
                                                  settings.base, settings.head)
    history = settings.history or judge.history.path(judge.project)
    preexisting = compare_failures(judge, run, results, history)
    run = evaluate(run, judge.categories, judge.fail_on, judge.quarantine(), judge.expect_tests(),
                   preexisting=preexisting)
    applied = "the base branch's value applies" if settings.protect else "its own value applies: protect-gates is off"
    found = [(GATES, "gate-lowered", f"this pull request {change} ({applied})", False) for change in lowered]
    before = base_test_count(history, base_branch_for(judge.history, read_github_env()), run)
    # a selected tier ran part of its tests: what it collected is the count to compare
    count = sum(t.selected_part.total if t.selected_part else t.counts.tests for t in run.tiers.values())
    removed = tests_removed(count, before, judge.tests_removed_share)
    if removed:
        found.append((GATES, "tests-removed", removed, True))
    found += [(name, "selection-not-allowed", f"tier {name} ran a test-impact selection ({chosen.explanation})"
               " but the judging configuration runs every test of it (select = \"all\"): the tests left out"
               " did not run", True)
              for name, tier in run.tiers.items() if (chosen := tier.selected_part) is not None
              and (name not in judge.tiers or judge.tiers[name].select != "affected")]
    if settings.coverage_only:
        gates = {name: gate for name in expected if name in judge.tiers
                 and (gate := judge.tiers[name].coverage_gate) is not None}
        found += unmeasured_gates(run, gates)
    run = add_problems(run, judge.categories, found)
    save_results(run, results / RESULTS_JSON)
    write_error_log(run, config.errors_path)
    return run


def run_everything(config: QaConfig, tiers: list[str], scans: list[str], results: Path, environment: Environment,
                   echo: bool = True, base: str | None = None) -> tuple[RunResult, Path]:
    """`qa run`: a fresh results folder, the tiers, the scans, then collect, gate and write `.errors/`.

    Returns the gated run and the error log's path."""
    from .evaluate.errorlog import write_error_log

    fresh_results(results)
    results.mkdir(parents=True, exist_ok=True)  # collected even when what ran wrote nothing
    read_only = " (read-only)" if environment.read_only else ""
    data = environment.data_dir if environment.data_dir.is_dir() else "none (no tests/data folder for it)"
    say(f"■ environment {environment.name}: data {data}{read_only}")
    run_tiers(config, config.runnable(tiers), results, echo=echo, environment=environment,
              impact=impact_request(base))
    run_scans(config, scans, results)
    outcome = collect_results(config, results, base, external_reports(config, config.external_tiers(tiers)))
    return outcome, write_error_log(outcome, config.errors_path)


def record_history(config: QaConfig, results: Path, history: Path | None = None) -> str:
    """Add the collected run to the history file, and the impact maps its tiers recorded; what was done."""
    from .history.record import add_results, describe

    target = config.history.path(config.project, history)
    added = add_results(results, target, config.history.keep_test_details)
    return "\n".join([describe(added, target), *record_maps(config, results, target, added.record.run)])


def record_maps(config: QaConfig, results: Path, history: Path, run: RunInfo) -> list[str]:
    """The impact maps of the tiers that recorded per-test contexts, one line each. Only a run of the
    base branch itself records: a pull request's results (its artifact, a fork's) never decide which
    tests later runs leave out."""
    from .collect.changed_lines import GitUnavailable
    from .github_env import PULL_REQUEST_EVENTS, read_github_env
    from .impact.run import record_run_maps

    env = read_github_env(payload=False)
    event = env.event.name if env.in_actions else None
    if event in PULL_REQUEST_EVENTS or event == "workflow_run":
        return []
    branch = (env.ref_name if env.in_actions else run.branch) or config.history.base_branch
    if branch != config.history.base_branch:
        return []  # selection reads the base branch's maps: another branch's would never be used
    try:
        done = record_run_maps(config, results, history, branch=branch, commit=(env.sha if env.in_actions else None)
                               or run.commit)
    except (QaError, GitUnavailable) as exc:
        return [f"impact map: not recorded: {exc}"]
    return [f"impact map of {d.map.tier} at {(d.map.commit or '')[:12]}: {len(d.map.tests)} tests, "
            f"{len(d.map.blocks)} blocks in {len(d.map.files)} files" for d in done]


def run_one_tier(config: QaConfig, name: str, results: Path, *, echo: bool = True,
                 environment: Environment | None = None, extra_args: list[str] | None = None,
                 shard: Shard | None = None, impact: ImpactRequest | None = None,
                 ) -> tuple[TierRun, TierManifest, RunResult]:
    """`qa tier`: run one tier (or one shard of it), read its folder back and gate it alone.

    A shard covers part of the code, so its coverage gate waits for `qa collect` over all shards."""
    run = TierRun(config, name, results, echo=echo, environment=environment, while_running=_preload_collector,
                  extra_args=extra_args or [], shard=shard, impact=impact or ImpactRequest())
    manifest = _run_shown(run)

    from .collect.merge import merge_tier, read_part
    from .evaluate.gates import evaluate
    from .model import RunInfo, RunResult

    tier = merge_tier(name, [read_part(run.folder)], results, one_shard=shard is not None)
    if shard is not None and tier.coverage is not None:
        tier.coverage.gate = None
    outcome = RunResult(run=RunInfo(run_id="tier", time=""), tiers={name: tier})
    # one shard may collect nothing while the others run: `qa collect` over all of them judges the tier
    expect = config.expect_tests() if shard is None else {}
    evaluate(outcome, config.categories, config.fail_on, config.quarantine(), expect, whole_run=False)
    return run, manifest, outcome


def scan_project(config: QaConfig, kinds: list[str], results: Path,
                 update_baseline: bool = False) -> tuple[RunResult, Path]:
    """`qa scan`: the scans, their SARIF, and their gate; returns the gated run and the SARIF file."""
    from .evaluate.gates import evaluate
    from .model import RunResult
    from .project.runinfo import current_run
    from .security.runner import write_security_sarif

    scans = run_scans(config, kinds, results, update_baseline=update_baseline)
    sarif = write_security_sarif(results, config.project)
    outcome = RunResult(run=current_run(config.project), scans={s.name: s for s in scans})
    return evaluate(outcome, config.categories, config.fail_on), sarif


def _preload_collector() -> None:
    """Import the collector on a side thread while the tests run, instead of after them."""
    def load() -> None:
        for module in ("qa_actions.model", "qa_actions.collect.merge", "qa_actions.evaluate.gates"):
            importlib.import_module(module)

    threading.Thread(target=load, daemon=True).start()
