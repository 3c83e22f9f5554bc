"""`qa tier`: run one tier: pytest under the project's interpreter, then any chaostoolkit experiments;
or, for `kind = "load"`, locust against the configured target.

Writes `<results>/<tier>/junit.xml`, `coverage.json` (this tier alone), `output.log`, `experiments/`,
the locust statistics and `tier.json` (a shard writes `<results>/<tier>-<K>of<N>/`, see shards.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..layout import (
    COVERAGE_DATA,
    COVERAGE_JSON,
    EXPERIMENTS_DIR,
    JUNIT,
    OUTPUT_LOG,
    PLUGIN_DIR,
    SELECTION_COUNTS,
    SELECTION_JSON,
)
from ..manifest import NO_TESTS, NOT_ALLOWED, TierManifest, write_manifest
from ..project.environment import tier_environ
from ..project.interpreter import Interpreter, MissingTool, probe, project_python
from ..project.process import last_meaningful_line, run_streaming
from ..project.sources import coverage_sources
from ..scrub import scrub_tree, write_text
from ..terminal import PROGRESS_ENV
from ..testing.selection import SELECTION_ENV, SELECTION_REPORT_ENV
from ..tier_selection import TierSelection
from .chaos import find_experiments, run_experiments
from .load import LOAD_FILES, run_load
from .run import TierRun
from .shards import pytest_split_args, remove_other_layouts

if TYPE_CHECKING:  # test-impact selection is imported by the tiers that select, not before every run
    from ..impact.tier import ImpactPlan

# pytest's documented exit codes
PYTEST_NO_TESTS = 5
PYTEST_BROKEN = (3, 4)  # internal error, usage error
# the pytest plugins of qa_actions.testing: entry-point name (pyproject.toml) -> module
TESTING_PLUGINS = {"qa_env": "qa_actions.testing.environment", "qa_faults": "qa_actions.testing.faults",
                   "qa_acid": "qa_actions.testing.acid"}


def run_tier(run: TierRun) -> TierManifest:
    """Run the tier and record what happened in `tier.json`; never raises for test outcomes."""
    remove_other_layouts(run.results, run.name, run.shard)
    _reset(run.folder)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    manifest = TierManifest(tier=run.name, status="skipped", started=started, coverage_gate=run.tier.coverage_gate,
                            kind=run.tier.kind, environment=run.environment.name if run.environment else None,
                            reruns=run.tier.reruns, shard=run.shard.label if run.shard else None)
    deadline = time.monotonic() + run.tier.tier_timeout
    paths = [p for p in run.tier.paths if (run.project / p).exists()]
    experiments = find_experiments(run.project, run.tier.experiments) if run.tier.kind == "pytest" else []
    env = run.environment
    if env and not env.allows(run.name):
        manifest.error_code = NOT_ALLOWED
        manifest.reason = f"not allowed in {env.name}: only {', '.join(env.tiers or ())} run there"
    elif not paths and not experiments:
        manifest.error_code = NO_TESTS
        manifest.reason = f"no tests ({', '.join(run.tier.paths)} not found)"
    else:
        try:
            interpreter = probe(project_python(run.config.python))
            if run.tier.kind == "load":
                run_load(run, paths, interpreter.executable, manifest, deadline)
            else:
                if paths:
                    _execute(run, interpreter, paths, manifest)
                # experiments are not pytest tests and are not split: the first shard runs them
                if experiments and manifest.status != "error" and (run.shard is None or run.shard.index == 1):
                    run_experiments(run, experiments, interpreter.executable, manifest, deadline)
        except MissingTool as exc:
            manifest.status, manifest.error_code, manifest.reason = "error", "missing-tool", str(exc)
    # what pytest, chaostoolkit and locust wrote, before anything reads or uploads it
    scrub_tree(run.folder, skip=[PLUGIN_DIR])
    write_manifest(run.folder, manifest)
    return manifest


def _reset(folder: Path) -> None:
    """Remove what an earlier run of this tier left, so stale reports are never collected."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in (JUNIT, COVERAGE_JSON, COVERAGE_DATA, OUTPUT_LOG, SELECTION_JSON, SELECTION_COUNTS, *LOAD_FILES):
        (folder / name).unlink(missing_ok=True)
    shutil.rmtree(folder / EXPERIMENTS_DIR, ignore_errors=True)


def _execute(run: TierRun, interpreter: Interpreter, paths: list[str], manifest: TierManifest) -> None:
    plan = _impact_plan(run, interpreter)
    command, env = pytest_invocation(run, interpreter, paths, plan)
    manifest.python, manifest.python_version = interpreter.executable, ".".join(map(str, interpreter.version))
    manifest.command = command
    manifest.shard_timings = run.timings.summary if run.shard else None
    outcome = run_streaming(
        command, cwd=run.project, env=env, log_path=run.folder / OUTPUT_LOG,
        timeout_s=run.tier.tier_timeout, echo=run.echo, while_running=run.while_running,
    )
    manifest.duration_s = round(outcome.duration_s, 3)
    manifest.exit_code = outcome.exit_code
    junit_written = (run.folder / JUNIT).is_file()
    if outcome.timed_out:
        manifest.status, manifest.error_code = "error", "tier-timeout"
        manifest.reason = f"the whole tier ran longer than tier-timeout = {run.tier.tier_timeout:g} s and was stopped"
    elif outcome.exit_code == PYTEST_NO_TESTS and junit_written and plan is not None and plan.targets is not None:
        manifest.status = "ran"  # the selection kept none of the tier's tests: the change can break none
    elif outcome.exit_code == PYTEST_NO_TESTS:
        manifest.error_code, manifest.reason = NO_TESTS, "no tests collected"
    elif outcome.exit_code in PYTEST_BROKEN or outcome.exit_code is None or outcome.exit_code < 0 or not junit_written:
        manifest.status, manifest.error_code = "error", "tier-error"
        manifest.reason = f"pytest exited with {outcome.exit_code}: {last_meaningful_line(outcome.tail)}"
    else:
        manifest.status = "ran"
    if plan is not None:
        from ..impact.tier import finish_impact

        folder = run.folder
        manifest.selection = finish_impact(plan, run.name, run.project, folder / SELECTION_COUNTS,
                                           folder / COVERAGE_JSON, folder / JUNIT)


def _impact_plan(run: TierRun, interpreter: Interpreter) -> ImpactPlan | None:
    """Test-impact selection for this run (`select = "affected"`), None for a tier that runs every test.
    A shard runs every test and records nothing: each shard would select on its own."""
    if run.tier.select != "affected":
        return None
    from ..impact.tier import ImpactPlan, plan_impact

    if run.shard is not None:
        return ImpactPlan(TierSelection("full", f"full run of the {run.name} tests: a sharded tier runs every test",
                                        "a sharded tier runs every test", base=run.impact.base))
    python = ".".join(map(str, interpreter.version[:2]))
    return plan_impact(run.config, run.name, base=run.impact.base, full_run=run.impact.full_run, python=python,
                       history=run.impact.history)


def _own_folders(run: TierRun) -> list[str]:
    """qa's folders inside the project (results, .errors/): never collected, whatever the tier's paths
    (`.`, with --doctest-modules, would import the plugin copy in the results folder)."""
    project = run.project.resolve()
    folders = [run.results.resolve(), run.config.errors_path.resolve()]
    return [str(folder) for folder in folders if folder.is_relative_to(project) and folder != project]


def _standalone_plugins(folder: Path, env: dict[str, str]) -> list[str]:
    """qa-actions' fixtures for a project interpreter that lacks qa-actions (docs/design.md keeps the two
    environments apart): `qa_actions.testing` needs nothing but pytest, so a copy of that package alone
    goes next to the results and its plugins are loaded by name. Their entry-point names are blocked:
    an interpreter whose qa-actions cannot be imported may still list its entry points (a stale or
    editable install whose path is gone), and pytest would load the copy a second time under them."""
    from .. import testing

    root = folder / PLUGIN_DIR
    shutil.rmtree(root, ignore_errors=True)
    # __pycache__ too: copytree keeps the sources' times, so a project on qa's Python version skips compiling
    shutil.copytree(Path(testing.__file__).parent, root / "qa_actions" / "testing")
    (root / "qa_actions" / "__init__.py").write_text('"""qa-actions\' pytest fixtures alone, for a project '
                                                     'environment without qa-actions."""\n', encoding="utf-8")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    return [arg for name, module in TESTING_PLUGINS.items() for arg in ("-p", f"no:{name}", "-p", module)]


def marker_expression(tier: str, project: str | None) -> str:
    """The tier's `-m` and the project's own (from addopts): a later `-m` replaces an earlier one in
    pytest, so both go into one expression; but where the project's deselects the tier's marker
    (`-m "not integration"`: those tests run apart, with `-m integration`), the tier's replaces it."""
    if not project or project.strip() == tier.strip():
        return tier
    name = tier.strip()
    if re.fullmatch(r"[A-Za-z_]\w*", name) and re.search(rf"\bnot\s+\(?\s*{re.escape(name)}\b", project):
        return tier
    return f"({project}) and ({tier})"


def pytest_invocation(run: TierRun, interpreter: Interpreter, paths: list[str],
                      plan: ImpactPlan | None = None) -> tuple[list[str], dict[str, str]]:
    """The pytest command line and environment for this tier (and its test-impact `plan`)."""
    tier, folder = run.tier, run.folder.resolve()
    interpreter.require("pytest")
    command = [interpreter.executable, "-m", "pytest", *paths,
               f"--junitxml={folder / JUNIT}", "-o", "junit_family=xunit1"]
    env = {**tier_environ(run.pass_env), "QA_TIER": run.name, "QA_RESULTS_DIR": str(folder)}
    if run.environment is not None:
        env.update(run.environment.process_env())
    if run.progress_file is not None:
        env[PROGRESS_ENV] = str(run.progress_file)
    if "qa_actions" not in interpreter.modules:
        command += _standalone_plugins(folder, env)
    if tier.markers:
        command += ["-m", marker_expression(tier.markers, run.config.pytest.marker_expression())]
    command += [f"--ignore={path}" for path in _own_folders(run)]
    if run.config.pytest.file is None:
        command.append(f"--rootdir={run.project.resolve()}")  # as plain `pytest` in the project: its conftest.py
    if tier.test_timeout is not None:
        interpreter.require("pytest_timeout")
        command.append(f"--timeout={tier.test_timeout:g}")
    recording = plan is not None and plan.contexts
    if plan is not None and plan.targets is not None:
        write_text(folder / SELECTION_JSON, json.dumps({"tests": plan.targets}) + "\n")
        env[SELECTION_ENV], env[SELECTION_REPORT_ENV] = str(folder / SELECTION_JSON), str(folder / SELECTION_COUNTS)
    if tier.coverage_gate is not None or recording:
        interpreter.require("pytest_cov")
        sources = coverage_sources(run.config, tier)
        if not sources and not run.config.detection.coverage_config:
            raise MissingTool(
                f"tier `{run.name}` has a coverage gate{' or records an impact map' if recording else ''} but"
                " nothing to measure: set "
                f"`[tool.qa.tiers.{run.name}] source` in {run.config.source}"
            )
        # no source named: the project's coverage settings (`include`) choose what is measured
        command += [f"--cov={s}" for s in sources] or ["--cov"]
        command += [f"--cov-report=json:{folder / COVERAGE_JSON}"]
        if tier.branch:
            command.append("--cov-branch")
        env["COVERAGE_FILE"] = str(folder / COVERAGE_DATA)
        if recording:  # sys.monitoring cannot switch contexts: the recording run measures with the C tracer
            from ..impact.map import RECORD_ARGS

            command += list(RECORD_ARGS)
            env.pop("COVERAGE_CORE", None)
        elif interpreter.supports_sysmon and (not tier.branch or interpreter.sysmon_branch):
            env.setdefault("COVERAGE_CORE", "sysmon")
    if tier.reruns:
        interpreter.require("pytest_rerunfailures")
        command.append(f"--reruns={tier.reruns}")
    if tier.workers != 1:
        interpreter.require("xdist")
        command += ["-n", str(tier.workers)]
    if run.shard is not None:
        interpreter.require("pytest_split")
        command += pytest_split_args(run.shard, run.timings, folder)
    command += [*tier.pytest_args, *run.extra_args]
    return command, env
