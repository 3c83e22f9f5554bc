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
    # security scans
    "scan-error": "critical",
    "finding-high": "high",
    "finding-medium": "medium",
    "finding-low": "low",
    "vulnerable-dependency": "high",
    # test data
    "unmasked-pii": "high",
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
