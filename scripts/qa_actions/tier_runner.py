"""`qa tier`: run one tier's tests with pytest under the project's interpreter.

Writes `<results>/<tier>/junit.xml`, `coverage.json` (this tier alone), `output.log` and `tier.json`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .config import QaConfig, TierConfig
from .interpreter import Interpreter, MissingTool, probe, project_python
from .manifest import COVERAGE_DATA, COVERAGE_JSON, JUNIT, OUTPUT_LOG, TierManifest, write_manifest
from .process import run_streaming
from .sources import coverage_sources

_ERROR_LINE = re.compile(r"error:|^E\s|^INTERNALERROR|^ERROR", re.IGNORECASE)

# pytest's documented exit codes
PYTEST_NO_TESTS = 5
PYTEST_BROKEN = (3, 4)  # internal error, usage error


@dataclass
class TierRun:
    """Everything one run of one tier needs to know."""

    config: QaConfig
    name: str
    results: Path
    echo: bool = True
    while_running: Callable[[], None] | None = None
    extra_args: list[str] = field(default_factory=list)  # from --pytest-args, after the tier's own

    @property
    def tier(self) -> TierConfig:
        return self.config.tiers[self.name]

    @property
    def folder(self) -> Path:
        return self.results / self.name

    @property
    def project(self) -> Path:
        return self.config.project


def run_tier(run: TierRun) -> TierManifest:
    """Run the tier and record what happened in `tier.json`; never raises for test outcomes."""
    _reset(run.folder)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    manifest = TierManifest(tier=run.name, status="skipped", started=started, coverage_gate=run.tier.coverage_gate)
    paths = [p for p in run.tier.paths if (run.project / p).exists()]
    if not paths:
        manifest.reason = f"no tests ({', '.join(run.tier.paths)} not found)"
    else:
        try:
            interpreter = probe(project_python(run.config.python))
            _execute(run, interpreter, paths, manifest)
        except MissingTool as exc:
            manifest.status, manifest.error_code, manifest.reason = "error", "missing-tool", str(exc)
    write_manifest(run.folder, manifest)
    return manifest


def _reset(folder: Path) -> None:
    """Remove what an earlier run of this tier left, so stale reports are never collected."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in (JUNIT, COVERAGE_JSON, COVERAGE_DATA, OUTPUT_LOG):
        (folder / name).unlink(missing_ok=True)


def _execute(run: TierRun, interpreter: Interpreter, paths: list[str], manifest: TierManifest) -> None:
    command, env = pytest_invocation(run, interpreter, paths)
    manifest.python, manifest.python_version = interpreter.executable, ".".join(map(str, interpreter.version))
    manifest.command = command
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
    elif outcome.exit_code == PYTEST_NO_TESTS:
        manifest.reason = "no tests collected"
    elif outcome.exit_code in PYTEST_BROKEN or outcome.exit_code is None or outcome.exit_code < 0 or not junit_written:
        manifest.status, manifest.error_code = "error", "tier-error"
        manifest.reason = f"pytest exited with {outcome.exit_code}: {_last_meaningful(outcome.tail)}"
    else:
        manifest.status = "ran"


def _last_meaningful(tail: list[str]) -> str:
    """The line of pytest's output most likely to explain a crash."""
    for line in reversed(tail):
        text = line.strip()
        if _ERROR_LINE.search(text) and "usage:" not in text:
            return text.removeprefix("E ").strip()
    meaningful = [line.strip() for line in tail if line.strip() and not set(line.strip()) <= set("=-_ ")]
    return meaningful[-1] if meaningful else "no output"


def pytest_invocation(run: TierRun, interpreter: Interpreter, paths: list[str]) -> tuple[list[str], dict[str, str]]:
    """The pytest command line and environment for this tier."""
    tier, folder = run.tier, run.folder.resolve()
    interpreter.require("pytest")
    command = [interpreter.executable, "-m", "pytest", *paths,
               f"--junitxml={folder / JUNIT}", "-o", "junit_family=xunit1"]
    env = {**os.environ, "QA_TIER": run.name, "QA_RESULTS_DIR": str(folder)}
    if tier.markers:
        command += ["-m", tier.markers]
    if tier.test_timeout is not None:
        interpreter.require("pytest_timeout")
        command.append(f"--timeout={tier.test_timeout:g}")
    if tier.coverage_gate is not None:
        interpreter.require("pytest_cov")
        sources = coverage_sources(run.project, tier.source)
        if not sources:
            raise MissingTool(
                f"tier `{run.name}` has a coverage gate but nothing to measure: set "
                f"`[tool.qa.tiers.{run.name}] source` in {run.config.source}"
            )
        command += [f"--cov={s}" for s in sources]
        command += [f"--cov-report=json:{folder / COVERAGE_JSON}"]
        if tier.branch:
            command.append("--cov-branch")
        env["COVERAGE_FILE"] = str(folder / COVERAGE_DATA)
        if interpreter.supports_sysmon and (not tier.branch or interpreter.sysmon_branch):
            env.setdefault("COVERAGE_CORE", "sysmon")
    command += [*tier.pytest_args, *run.extra_args]
    return command, env
