"""Run one scan into `<results>/security/<kind>/` and record it in `scan.json`; never raises for a
scan that cannot run: that is a scan in status `error` with a `scan-error` or `missing-tool` code."""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
from pathlib import Path

from ..collect.merge import read_scans
from ..config import QaConfig
from ..config.security import SCAN_KINDS
from ..errors import ConfigError
from ..layout import SARIF_FILE, SCAN_MANIFEST
from ..model import ScanResult
from ..project.runinfo import path_in_repository
from ..scrub import scrub_tree, write_text
from .code_scan import run_bandit
from .context import ScanRun
from .deps_audit import run_deps
from .sarif import write_sarif
from .tools import ScanFailure


def _test_data(run: ScanRun) -> ScanResult:
    from ..data.check import scan_test_data

    return scan_test_data(run.config)


SCANNERS = {"bandit": run_bandit, "deps": run_deps, "test-data": _test_data}


DEPS_TOOLS = ("safety", "pip-audit")  # names of the deps scan's tools, taken for `deps` where scans are named


def select_scans(config: QaConfig, names: list[str] | None) -> list[str]:
    """The scans to run: `names` if given (each a known kind, or the deps scan's tool as the report names
    it: `safety`, `pip-audit`), else every enabled one. Every entry point (`qa run --scans`, `qa scan
    --only`, the actions and workflows) selects through here, so all take the same names."""
    if not names:
        data_check = config.security.enabled and config.data.check
        return config.security.enabled_scans() + (["test-data"] if data_check else [])
    unknown = [n for n in names if n not in SCAN_KINDS and n not in DEPS_TOOLS]
    if unknown:
        raise ConfigError(f"unknown scan `{unknown[0]}`; scans: {', '.join(SCAN_KINDS)}"
                          f" (deps runs {' or '.join(DEPS_TOOLS)}, as `deps` in [tool.qa.security] says)")
    if any(n in DEPS_TOOLS or n == "deps" for n in names) and config.security.deps == "none":
        raise ConfigError(f"the deps scan is off (`deps = \"none\"` in [tool.qa.security] of {config.source})")
    other = next((n for n in names if n in DEPS_TOOLS and n != config.security.deps), None)
    if other is not None:
        raise ConfigError(f"scan `{other}`: the deps scan runs {config.security.deps} (`deps` in [tool.qa.security]"
                          f" of {config.source}); name it `deps`, or set `deps = \"{other}\"` there")
    kinds = ["deps" if n in DEPS_TOOLS else n for n in names]
    return list(dict.fromkeys(kinds))


def run_scan(run: ScanRun) -> ScanResult:
    if run.folder.exists():
        shutil.rmtree(run.folder)
    run.folder.mkdir(parents=True)
    started = time.monotonic()
    try:
        result = SCANNERS[run.kind](run)
    except ScanFailure as exc:
        result = ScanResult(name=run.tool, status="error", reason=str(exc), error_code=exc.code)
    result.duration_s = round(time.monotonic() - started, 3)
    scrub_tree(run.folder)  # the tool's own report, before anything reads or uploads it
    write_text(run.folder / SCAN_MANIFEST, json.dumps(dataclasses.asdict(result), indent=2) + "\n")
    return result


def write_security_sarif(results: Path, project: Path, scans: list[ScanResult] | None = None) -> Path:
    """`<results>/security.sarif` from the given scans, or from every scan.json under `results`."""
    found = scans if scans is not None else read_scans(results)
    return write_sarif(results / SARIF_FILE, found, path_in_repository(project))
