"""Problem codes and the category (critical / high / medium / low) each gets by default.

A problem is looked up first as `<source>.<code>` (source being a tier, scan or gate name), then
as `<code>`; `[tool.qa.categories]` entries of either form override the defaults below.
"""

from __future__ import annotations

from typing import Literal

Category = Literal["critical", "high", "medium", "low"]

CATEGORY_ORDER: tuple[Category, ...] = ("critical", "high", "medium", "low")

DEFAULT_CATEGORIES: dict[str, Category] = {
    # the system could not run
    "tier-error": "critical",
    "tier-timeout": "critical",
    "missing-tool": "critical",
    "missing-shard": "critical",
    "shard-mismatch": "critical",
    "nothing-ran": "critical",  # a run with tiers in which no test, experiment or load test ran
    # test outcomes
    "test-failure": "high",
    "test-error": "high",
    "smoke.test-failure": "critical",
    "smoke.test-error": "critical",
    "chaos.test-failure": "medium",
    "chaos.test-error": "medium",
    "flaky-test": "low",
    "no-tests": "high",  # an enabled tier collected no tests (and does not say `allow-empty = true`)
    # chaostoolkit experiments and load thresholds
    "steady-state-deviated": "medium",
    "rollback-failed": "high",
    "experiment-error": "medium",
    "load-threshold": "medium",
    # gates
    "coverage-gate": "medium",
    "coverage-missing": "medium",
    "changed-lines-coverage": "medium",
    "changed-lines-unmeasured": "low",
    "tier-missing": "critical",  # a tier the trusted configuration runs is not in the results
    "gate-lowered": "high",  # a pull request lowers a gate (named; the trusted value applies when protected)
    "tests-removed": "medium",  # fewer tests than the base branch's latest run, beyond max-tests-removed
    # test-impact selection (docs/impact.md)
    "selection-miss": "critical",  # a full run fails a test the map's selection for the change left out
    "selection-not-allowed": "high",  # a pull request ran a selection the trusted configuration does not allow
    # security scans
    "scan-error": "critical",
    "finding-high": "high",
    "finding-medium": "medium",
    "finding-low": "low",
    "vulnerable-dependency": "high",
    # test data
    "unmasked-pii": "high",
}

# what to do about each problem, in one line: the console prints it under the problem
FIX_HINTS: dict[str, str] = {
    "tier-error": "the tier could not run: read the end of its output.log in the results folder",
    "tier-timeout": ("a test hangs or the tier is slow: find it in output.log, or raise"
                     " [tool.qa.tiers.{source}] tier-timeout"),
    "missing-tool": "install what the message names in the project's interpreter (qa plugins --install)",
    "missing-shard": "every shard of the tier must be collected: check that each shard job uploaded its folder",
    "shard-mismatch": "run all shards of one tier with the same --shard K/N count",
    "nothing-ran": "no test ran at all: check the tiers' paths and markers with qa plan --explain",
    "test-failure": "rerun it with qa tier {source} --pytest-args '-k TEST_NAME' and fix the code or the test",
    "test-error": "a fixture or the setup failed: rerun it with qa tier {source} --pytest-args '-k TEST_NAME'",
    "flaky-test": "the test passed only on a rerun: make it deterministic, or quarantine it",
    "no-tests": "point [tool.qa.tiers.{source}] paths or markers at tests, or set allow-empty = true there",
    "steady-state-deviated": "the system did not survive the experiment: read the experiment's journal",
    "rollback-failed": "the experiment's rollback failed: the system may be left changed, check it by hand",
    "experiment-error": "the experiment could not run: read its journal in the results folder",
    "load-threshold": "the service is slower or fails more than the thresholds allow: profile it, or adjust them",
    "coverage-gate": "add tests for the code they miss, or lower [tool.qa.tiers.{source}] coverage",
    "coverage-missing": "the tier has a coverage gate but measured nothing: check its source setting",
    "changed-lines-coverage": "test the lines this change adds, or lower [tool.qa] changed-lines-coverage",
    "changed-lines-unmeasured": "coverage did not measure the changed files: check the tiers' source settings",
    "tier-missing": "the workflow must run every tier the configuration enables",
    "gate-lowered": "keep the gate, or change it in a pull request of its own",
    "tests-removed": "tests disappeared since the base branch: restore them, or raise max-tests-removed",
    "selection-miss": ("selection left out a test this change breaks: report it with the change, and set"
                       " [tool.qa.tiers.{source}] select = \"all\" until it is fixed"),
    "selection-not-allowed": ("merge [tool.qa.tiers.{source}] select = \"affected\" in a pull request of its own"
                              " first: until the base branch has it, every test runs"),
    "scan-error": "the scan could not run: read its reason, install the tool or fix its configuration",
    "finding-high": "fix the code, or accept the finding in the baseline (qa scan --update-baseline)",
    "finding-medium": "fix the code, or accept the finding in the baseline (qa scan --update-baseline)",
    "finding-low": "fix the code, or accept the finding in the baseline (qa scan --update-baseline)",
    "vulnerable-dependency": "upgrade the dependency to a fixed version, or ignore the advisory with a reason",
    "unmasked-pii": "mask the value (qa data anonymize), or exclude the file from the check",
}

KNOWN_CODES: frozenset[str] = frozenset(key.rsplit(".", 1)[-1] for key in DEFAULT_CATEGORIES)


def categorize(source: str, code: str, overrides: dict[str, Category]) -> Category:
    """The category of a problem `code` raised by `source`, user overrides first."""
    for table in (overrides, DEFAULT_CATEGORIES):
        for key in (f"{source}.{code}", code):
            if key in table:
                return table[key]
    return "high"


def at_least(category: Category, threshold: Category) -> bool:
    """True when `category` is as severe as `threshold` or more."""
    return CATEGORY_ORDER.index(category) <= CATEGORY_ORDER.index(threshold)


def fix_hint(code: str, source: str) -> str | None:
    """What to do about a problem `code` that `source` (a tier, scan or gate) raised, in one line;
    None for a code without advice."""
    hint = FIX_HINTS.get(code)
    return hint.replace("{source}", source) if hint else None
