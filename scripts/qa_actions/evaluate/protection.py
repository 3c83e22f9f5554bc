"""Gates from the trusted side: what a pull request may not lower by changing its own configuration.

A results folder says which tiers ran and with which coverage gate (each tier's `tier.json`), and a
pull request controls both: its `pyproject.toml` and, from a fork, the whole artifact. The report's
gates come from the base branch's configuration instead. This module compares the two sets of
gates, names every one the pull request lowers, and marks the tiers the base branch runs that are
missing from the results. Pure: the configurations and the run come in, problems go out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..categories import CATEGORY_ORDER, Category
from ..config import QaConfig
from ..manifest import NO_TESTS
from ..model import RunResult, TierResult

GATES = "gates"  # the source of the problems this module raises


@dataclass(frozen=True)
class GateSet:
    """What decides a verdict: the tiers that must run with their coverage gates, the changed-lines
    gate, the threshold, category overrides and quarantined tests. None = not known on this side."""

    tiers: dict[str, float | None]
    changed_lines: float | None
    fail_on: Category
    categories: dict[str, Category] | None = None
    quarantine: dict[str, list[str]] | None = None
    skipped: frozenset[str] = field(default_factory=frozenset)  # tiers present but skipped (no gate to compare)
    allow_empty: frozenset[str] | None = None  # tiers that may collect no tests (`allow-empty`)
    fail_on_failures: str = "any"  # `new`: failures of the base branch's latest run do not fail the verdict

    @classmethod
    def of_config(cls, config: QaConfig, tiers: list[str] | None = None) -> GateSet:
        """The gates a configuration sets: its enabled tiers (or `tiers`, those a workflow runs)."""
        names = tiers if tiers is not None else config.enabled_tiers()
        return cls({name: config.tiers[name].coverage_gate for name in names if name in config.tiers},
                   config.changed_lines_gate, config.fail_on, dict(config.categories), config.quarantine(),
                   allow_empty=_allowed_empty(config), fail_on_failures=config.fail_on_failures)

    @classmethod
    def of_run(cls, run: RunResult, config: QaConfig | None = None) -> GateSet:
        """The gates a run was made with: its tiers and the gates their `tier.json` recorded; the
        categories and quarantine of `config` (the pull request's, when it is checked out)."""
        tiers = {name: tier.coverage.gate if tier.coverage else None for name, tier in run.tiers.items()}
        skipped = frozenset(name for name, tier in run.tiers.items() if tier.status == "skipped")
        changed = run.changed_lines.gate if run.changed_lines is not None else None
        return cls(tiers, changed, config.fail_on if config else run.fail_on,
                   dict(config.categories) if config else None,
                   config.quarantine() if config else None, skipped,
                   _allowed_empty(config) if config else None,
                   config.fail_on_failures if config else run.fail_on_failures)


def _allowed_empty(config: QaConfig) -> frozenset[str]:
    return frozenset(name for name, tier in config.tiers.items() if tier.allow_empty)


def _gate(value: float | None) -> str:
    return "off" if value is None else f"{value:g} %"


def lowered_gates(trusted: GateSet, proposed: GateSet, has_tests: Callable[[str], bool]) -> list[str]:
    """What `proposed` (the pull request's gates) weakens against `trusted` (the base branch's); a tier
    counts as removed when the trusted side has tests for it (`has_tests`) and the results lack it."""
    changes = []
    for name, gate in trusted.tiers.items():
        if name not in proposed.tiers:
            if has_tests(name):
                changes.append(f"removes the {name} tier (it did not run)")
        elif gate is not None and name not in proposed.skipped and (proposed.tiers[name] is None
                                                                    or proposed.tiers[name] < gate):
            changes.append(f"lowers the {name} coverage gate {_gate(gate)} → {_gate(proposed.tiers[name])}")
    if trusted.changed_lines is not None and (proposed.changed_lines is None
                                              or proposed.changed_lines < trusted.changed_lines):
        changes.append(f"lowers the changed-lines coverage gate {_gate(trusted.changed_lines)} → "
                       f"{_gate(proposed.changed_lines)}")
    if _rank(proposed.fail_on) < _rank(trusted.fail_on):
        changes.append(f"raises fail-on {trusted.fail_on} → {proposed.fail_on} (fewer problems fail the verdict)")
    if proposed.fail_on_failures == "new" and trusted.fail_on_failures != "new":
        changes.append(f"switches fail-on-failures {trusted.fail_on_failures} → new (failures that also fail on"
                       " the base branch do not fail the verdict)")
    if proposed.categories is not None and trusted.categories is not None:
        for key, category in sorted(proposed.categories.items()):
            before = trusted.categories.get(key)
            if before is None or _rank(category) < _rank(before):
                changes.append(f"lowers the category of {key} {before or 'default'} → {category}")
    if proposed.quarantine is not None and trusted.quarantine is not None:
        for tier, patterns in sorted(proposed.quarantine.items()):
            added = [p for p in patterns if p not in trusted.quarantine.get(tier, [])]
            if added:
                changes.append(f"quarantines {', '.join(added)} in the {tier} tier")
    if proposed.allow_empty is not None and trusted.allow_empty is not None:
        for tier in sorted(proposed.allow_empty - trusted.allow_empty):
            if tier in trusted.tiers:
                changes.append(f"lets the {tier} tier collect no tests (allow-empty)")
    return changes


def _rank(category: Category) -> int:
    """Higher is stricter: fail-on low fails on more problems than fail-on critical."""
    return CATEGORY_ORDER.index(category)


def mark_missing_tiers(run: RunResult, expected: list[str], has_tests: Callable[[str], bool]) -> list[str]:
    """Every tier the trusted side runs (`expected`, and it has tests for it: `has_tests`) that the
    results lack, or that they say was skipped for want of tests, becomes an error tier
    `tier-missing`; their names. A tier without tests on the trusted side is skipped anyway."""
    missing = []
    for name in expected:
        tier = run.tiers.get(name)
        no_tests = tier is not None and tier.status in ("skipped", "failed") and (
            tier.error_code == NO_TESTS or (tier.status == "skipped" and (tier.reason or "").startswith("no tests")))
        if (tier is not None and not no_tests) or not has_tests(name):
            continue
        reason = ("the configuration runs this tier and its tests exist, but it is not in the results" if tier is None
                  else f"skipped ({tier.reason}), but the trusted checkout has tests for it")
        run.tiers[name] = TierResult(name, "error", error_code="tier-missing", reason=reason)
        missing.append(name)
    return missing


def tests_removed(now: int, before: int | None, share: float | None) -> str | None:
    """A message when the run has fewer tests than the base branch's latest run by more than `share`
    percent (None: off); None when it has not."""
    if share is None or not before or now >= before:
        return None
    dropped = (before - now) / before * 100
    if dropped <= share:
        return None
    return (f"{before - now} of the base branch's {before} tests are gone ({dropped:.1f} %, more than the"
            f" {share:g} % allowed by max-tests-removed)")
