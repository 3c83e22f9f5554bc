"""Test-impact selection in one run of a tier (`select = "affected"`): before pytest, what to run and
whether to record per-test contexts; after it, the counts, the carried-forward coverage and the
selection misses. `tiers/runner.py` calls both around pytest; docs/impact.md says how it decides.

A run with a base to compare with (a pull request) runs the selection, or everything when the map
cannot see the change or a full run is asked for (`--full-run`, the `qa:full-run` label). A run
without one (a push to the base branch, the nightly run) is full and records contexts, from which
`qa history add` builds the next map; it also checks what the previous map would have selected for
the change since it: a test that now fails although that selection left it out is a selection miss.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..collect.changed_lines import Git, GitUnavailable
from ..collect.coverage import FileLines, read_line_coverage
from ..collect.junit import iter_cases
from ..config import QaConfig
from ..errors import QaError
from ..fsutil import read_json
from ..tier_selection import CarriedCoverage, TierSelection
from .blocks import MODULE, file_blocks
from .map import BlockKey, ImpactMap, block_lines, strip_params, test_file
from .run import select_with_map
from .select import FileChange, Selection

MAX_COUNTS_BYTES = 4096


@dataclass
class ImpactPlan:
    """What selection makes of one run of a tier, before pytest starts."""

    record: TierSelection
    targets: list[str] | None = None  # the selected test files and node ids; None: every test
    contexts: bool = False  # measure per-test contexts: a full run on the base branch records the map
    map: ImpactMap | None = None  # the map that selected (its coverage is carried forward)
    prior: Selection | None = None  # a recording run: what the previous map selects for the change since it
    touched: set[BlockKey] = field(default_factory=set)  # the blocks the change edits or adds: measured, not carried


def plan_impact(config: QaConfig, tier: str, *, base: str | None, full_run: str | None, python: str,
                history: Path | None = None) -> ImpactPlan | None:
    """The plan of a run of `tier`; None when the tier does not select (`select = "all"`).

    `base`: the commit a pull request is compared with (None: a run of the base branch itself);
    `full_run`: why everything must run, when someone asked for it."""
    if config.tiers[tier].select != "affected":
        return None
    if base is None:
        record = TierSelection("recorded", f"full run of the {tier} tests, recording the impact map",
                               measured_in=str(config.project.resolve()))
        return ImpactPlan(record, contexts=True, prior=_prior_selection(config, tier, python, history))
    if full_run:
        return ImpactPlan(_full(tier, full_run, base))
    try:
        found = select_with_map(config, tier, base, python=python, history=history)
    except (QaError, GitUnavailable) as exc:
        return ImpactPlan(_full(tier, f"the change since {base[:12]} could not be read: {exc}", base))
    selection, test_map = found.selection, found.map
    commit = test_map.commit if test_map else None
    if selection.full_run:
        return ImpactPlan(_full(tier, selection.reason or "the map cannot see the change", base, commit))
    record = TierSelection("selected", selection.explanation, selected=selection.selected, total=selection.total,
                           map_commit=commit, map_branch=found.branch, map_verdict=found.map_verdict, base=base)
    return ImpactPlan(record, targets=selection.tests, map=test_map, touched=touched_blocks(found.changes))


def _full(tier: str, reason: str, base: str | None, commit: str | None = None) -> TierSelection:
    return TierSelection("full", f"full run of the {tier} tests: {reason}", reason, map_commit=commit, base=base)


def _prior_selection(config: QaConfig, tier: str, python: str, history: Path | None) -> Selection | None:
    """What the newest map of the base branch selects for the change from its commit to the working
    tree; None when there is no map, or it is of this very commit, or git cannot tell."""
    target = config.history.path(config.project, history)
    if not target.is_file():
        return None
    from ..history.store import open_history
    from .store import latest_map

    try:
        with open_history(target) as store:
            previous = latest_map(store, config.history.base_branch, tier, python)
        if previous is None or not previous.commit or previous.commit == Git(config.project).commit("HEAD"):
            return None  # a rerun of the map's own commit: no change, nothing a selection could miss
        selection = select_with_map(config, tier, previous.commit, python=python, history=history).selection
    except (QaError, GitUnavailable):
        return None
    return None if selection.full_run else selection


def finish_impact(plan: ImpactPlan, tier: str, project: Path, counts: Path, report: Path,
                  junit: Path) -> TierSelection:
    """The record of the run for `tier.json`: pytest's own counts of a selected run and its coverage,
    carried forward from the map for the blocks the change left alone; a recording run's misses."""
    record = plan.record
    if record.mode == "selected":
        collected, kept = _counts(counts)
        if collected is not None and kept is not None:
            detail = record.explanation.partition(": ")[2]
            record.selected, record.total = kept, collected
            record.explanation = f"ran {kept} of {collected} {tier} tests: {detail}"
        if plan.map is not None and plan.map.lines and report.is_file():
            record.coverage = carry_forward(plan.map, plan.touched, read_line_coverage(report), project)
    elif record.mode == "recorded" and plan.prior is not None and junit.is_file():
        record.misses = selection_misses(plan.prior, junit)
    return record


def _counts(path: Path) -> tuple[int | None, int | None]:
    """What the selection plugin (testing/selection.py) wrote: tests collected and kept."""
    try:
        data = read_json(path, MAX_COUNTS_BYTES)
    except (QaError, OSError):
        return None, None
    values = [data.get(key) if isinstance(data, dict) else None for key in ("collected", "selected")]
    if all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        return values[0], values[1]
    return None, None


def carry_forward(test_map: ImpactMap, touched: set[BlockKey], measured: dict[str, FileLines],
                  root: Path) -> CarriedCoverage:
    """Line coverage of a selected run: a block the change edits or adds (`touched`) counts as this run
    measured it (it ran every test that reaches it); every other block takes the counts of the map's
    full run, which the tests left out would have reproduced."""
    sums, carried, fresh = [0, 0, 0, 0], 0, 0
    for key, counts in sorted(block_lines(measured, root.resolve()).items()):
        base = test_map.lines.get(key) if key not in touched else None
        sums = [total + part for total, part in zip(sums, base if base is not None else counts, strict=True)]
        carried, fresh = carried + (base is not None), fresh + (base is None)
    lines, statements, taken, branches = sums
    return CarriedCoverage(lines, statements, carried, fresh, test_map.commit, taken, branches)


def touched_blocks(changes: list[FileChange]) -> set[BlockKey]:
    """The blocks of the change's Python files that it edits or adds, by their name now; a file that
    does not parse counts as all touched (its module block)."""
    touched: set[BlockKey] = set()
    for change in changes:
        if change.new is None or not change.path.endswith(".py"):
            continue
        try:
            new = file_blocks(change.new).fingerprints()
            old = file_blocks(change.old).fingerprints() if change.old is not None else {}
        except (SyntaxError, ValueError):
            touched.add((change.path, MODULE))
            continue
        moved = change.old_path is not None and change.old_path != change.path
        touched |= {(change.path, name) for name, fp in new.items() if moved or old.get(name) != fp}
    return touched


def selection_misses(prior: Selection, junit: Path) -> list[str]:
    """The tests that failed in this full run although the previous map's selection for the change
    left them out: the selection would have passed a pull request that breaks them."""
    chosen = set(prior.tests)
    failing = [case.test for case in iter_cases(junit) if case.outcome in ("failed", "error")]
    return [test for test in failing if not {test, strip_params(test), test_file(test)} & chosen]
