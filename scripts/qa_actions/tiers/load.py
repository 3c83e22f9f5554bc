"""The load step of a `kind = "load"` tier: locust, headless, against the configured target.

locust runs from qa's own environment (see tool_env.py). Its final statistics are read from
`--json-file`, which locust writes once every user has stopped; the `--csv` files are kept for people
and dashboards, but locust rewrites them only every second or so, so their last rows can be stale: the
failures come from locust_failures.py, a hook on locust's `quitting` event.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from ..layout import (
    LOCUST_CSVS,
    LOCUST_FAILURES_CSV,
    LOCUST_FAILURES_JSON,
    LOCUST_JSON,
    LOCUST_PREFIX,
    OUTPUT_LOG,
    TARGET_LOG,
)
from ..manifest import LoadRun, TierManifest
from ..project.process import last_meaningful_line, run_streaming
from .run import TierRun
from .tool_env import python_module_command, tool_environment

LOAD_FILES = (LOCUST_JSON, LOCUST_FAILURES_CSV, LOCUST_FAILURES_JSON, *LOCUST_CSVS, TARGET_LOG)
FAILURES_HOOK = Path(__file__).with_name("locust_failures.py")  # loaded by locust with the project's locustfile


def run_load(run: TierRun, paths: list[str], python: str, manifest: TierManifest, deadline: float) -> None:
    """Start the target if configured, run locust for `run-time` seconds, stop the target; record it all."""
    from . import load_target  # urllib: only load tiers pay for importing it

    tier, folder = run.tier, run.folder.resolve()
    command = python_module_command("locust", f"the {run.name} tier")
    started = time.monotonic()
    env = tool_environment(run.project, run.name, run.folder, python,
                           run.environment.process_env() if run.environment else None, run.pass_env)
    env["QA_LOCUST_FAILURES"] = str(folder / LOCUST_FAILURES_JSON)
    with tempfile.TemporaryDirectory(prefix="qa-load-") as tmp:
        try:
            target = load_target.resolve_target(tier, run.project, python, Path(tmp))
            manifest.load = LoadRun(host=target.host, users=tier.users, spawn_rate=tier.spawn_rate,
                                    run_time_s=tier.run_time, p95_ms=tier.threshold(tier.p95_ms),
                                    fail_ratio=tier.threshold(tier.fail_ratio), rps_min=tier.threshold(tier.rps_min))
            manifest.command = [
                *command, "-f", ",".join([*paths, str(FAILURES_HOOK)]), "--headless", "-u", str(tier.users),
                "-r", f"{tier.spawn_rate:g}",
                "-t", f"{tier.run_time}s", "--csv", str(folder / LOCUST_PREFIX), "--json-file",
                str(folder / LOCUST_PREFIX), "--exit-code-on-error", "0",
                *(["--host", target.host] if target.host else []), *tier.locust_args,
            ]
            with load_target.running(target, run.project, env, folder / TARGET_LOG,
                                     min(tier.ready_timeout, max(deadline - time.monotonic(), 0.1))):
                outcome = run_streaming(manifest.command, cwd=run.project, env=env, log_path=folder / OUTPUT_LOG,
                                        timeout_s=max(deadline - time.monotonic(), 0.1), echo=run.echo)
        except load_target.TargetError as exc:
            manifest.status, manifest.error_code, manifest.reason = "error", "tier-error", str(exc)
            manifest.duration_s = round(time.monotonic() - started, 3)
            return
    manifest.duration_s = round(time.monotonic() - started, 3)
    manifest.exit_code = outcome.exit_code
    if outcome.timed_out:
        manifest.status, manifest.error_code = "error", "tier-timeout"
        manifest.reason = f"the whole tier ran longer than tier-timeout = {tier.tier_timeout:g} s and was stopped"
    elif outcome.exit_code != 0 or not (folder / LOCUST_JSON).is_file():
        manifest.status, manifest.error_code = "error", "tier-error"
        manifest.reason = f"locust exited with {outcome.exit_code}: {last_meaningful_line(outcome.tail)}"
    else:
        manifest.status = "ran"
