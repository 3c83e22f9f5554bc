"""Every file and folder name of a results folder and of `.errors/`: the one place they are spelled.

A results folder (default `qa-results/`) holds one sub-folder per tier run, the scans under
`security/`, and what collect, report and dashboard write beside them:

    qa-results/
      results.json                 the collected, gated model (schema_version 1)
      <tier>/                      one per tier (a shard: <tier>-<K>of<N>/)
        tier.json                  what ran: the manifest (status, exit code, parts)
        junit.xml  coverage.json  coverage.data  output.log
        experiments/<stem>.journal.json, <stem>.log      chaostoolkit, per experiment
        locust.json  locust_*.csv  locust_failures.json  target.log   a load tier
        plugin/                    the copy of qa_actions.testing a project interpreter loads
      combined/<tier>/             shards merged: the combined coverage report
      security/<scan>/scan.json    each scan: its result, the tool's report, output.log
      security.sarif               every scan's findings for code scanning
      comment.md  job-summary.md  outputs.txt  check-runs.json     qa report
      dashboard/index.html         qa dashboard
    .errors/
      errors.jsonl  summary.md     every problem, one JSON object a line, and a readable summary
"""

from __future__ import annotations

import re
from pathlib import Path

RESULTS_DIR = "qa-results"
ERRORS_DIR = ".errors"

# the whole run
RESULTS_JSON = "results.json"
SARIF_FILE = "security.sarif"
COMBINED = "combined"

# one tier's folder
MANIFEST = "tier.json"
JUNIT = "junit.xml"
COVERAGE_JSON = "coverage.json"
COVERAGE_DATA = "coverage.data"
OUTPUT_LOG = "output.log"
SELECTION_JSON = "selection.json"  # the tests a test-impact selection chose, and why (docs/impact.md)
SELECTION_COUNTS = "selection-counts.json"  # how many tests pytest collected and kept of them
PLUGIN_DIR = "plugin"
EXPERIMENTS_DIR = "experiments"
JOURNAL_SUFFIX = ".journal.json"
EXPERIMENT_LOG_SUFFIX = ".log"
LOCUST_PREFIX = "locust"
LOCUST_JSON = f"{LOCUST_PREFIX}.json"
LOCUST_FAILURES_CSV = f"{LOCUST_PREFIX}_failures.csv"
LOCUST_FAILURES_JSON = f"{LOCUST_PREFIX}_failures.json"  # every failure, written when locust quits
LOCUST_CSVS = (f"{LOCUST_PREFIX}_stats.csv", f"{LOCUST_PREFIX}_stats_history.csv", f"{LOCUST_PREFIX}_exceptions.csv")
TARGET_LOG = "target.log"

# the scans' folders: security/<scan>/
SECURITY_DIR = "security"
SCAN_MANIFEST = "scan.json"
BANDIT_JSON = "bandit.json"
SAFETY_JSON = "safety.json"
PIP_AUDIT_JSON = "pip-audit.json"
ENVIRONMENT_TXT = "environment.txt"

# qa report
COMMENT_MD = "comment.md"
JOB_SUMMARY_MD = "job-summary.md"
OUTPUTS_TXT = "outputs.txt"
CHECK_RUNS_JSON = "check-runs.json"

# qa dashboard
DASHBOARD_DIR = "dashboard"
INDEX = "index.html"
BADGES_DIR = "badges"  # in the dashboard's folder: <stem>.svg and <stem>.json (shields.io endpoint) each
BADGE_SVG, BADGE_JSON = ".svg", ".json"

# .errors/
ERRORS_JSONL = "errors.jsonl"
SUMMARY_MD = "summary.md"


# a tier's name becomes a folder, a check run's name and a step output: nothing else gets through,
# whether it comes from [tool.qa] or from a tier.json in a downloaded artifact
TIER_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")
TIER_NAME_RULE = "a lowercase letter, then up to 31 lowercase letters, digits, `-` or `_`"


def inside(folder: Path, relative: str) -> Path | None:
    """`folder / relative` if that stays inside `folder` (symbolic links resolved), else None: a path
    read from an artifact (a journal's name in tier.json) must not reach the rest of the machine."""
    if not relative or Path(relative).is_absolute():
        return None
    target = (folder / relative).resolve()
    return target if target.is_relative_to(folder.resolve()) else None


def experiment_files(stem: str) -> tuple[str, str]:
    """The journal and the log of one experiment, relative to the tier folder."""
    return f"{EXPERIMENTS_DIR}/{stem}{JOURNAL_SUFFIX}", f"{EXPERIMENTS_DIR}/{stem}{EXPERIMENT_LOG_SUFFIX}"


def scan_folder(results: Path, scan: str) -> Path:
    return results / SECURITY_DIR / scan


def default_dashboard_dir(results: Path) -> Path:
    return results / DASHBOARD_DIR


def shard_folder(tier: str, index: int, count: int) -> str:
    """The folder of shard `index` of `count` of a tier: `<tier>-<K>of<N>`."""
    return f"{tier}-{index}of{count}"


def shard_label_of(folder_name: str, tier: str) -> str | None:
    """`K/N` when `folder_name` is a shard folder of `tier`, else None."""
    match = re.fullmatch(re.escape(tier) + r"-(\d+)of(\d+)", folder_name)
    return f"{match[1]}/{match[2]}" if match else None
