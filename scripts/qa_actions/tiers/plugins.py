"""What the project's interpreter needs so that qa can drive its tiers: pytest and the plugins
the tiers' settings use, at the versions qa-actions itself is tested with."""

from __future__ import annotations

import re
from importlib import metadata

from ..config import QaConfig

DISTRIBUTION = "qa-actions"


def _own_floors() -> dict[str, str]:
    """`name -> requirement` from qa-actions' own dependencies, so versions are declared once."""
    try:
        declared = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return {}
    floors = {}
    for requirement in declared:
        if ";" in requirement:  # extras of our own, not runtime
            continue
        name = re.split(r"[<>=!~\[ ]", requirement, maxsplit=1)[0]
        floors[name.lower()] = requirement
    return floors


def required_plugins(config: QaConfig, tiers: list[str]) -> list[str]:
    """Requirements (pip syntax) for running `tiers` of the project, most basic first."""
    names = ["pytest"]
    for name in tiers:
        tier = config.tiers[name]
        if tier.coverage_gate is not None:
            names.append("pytest-cov")
        if tier.test_timeout is not None:
            names.append("pytest-timeout")
        if tier.reruns:
            names.append("pytest-rerunfailures")
        if tier.workers != 1:
            names.append("pytest-xdist")
        if tier.kind == "pytest":
            names.append("pytest-split")  # any pytest tier may run as shards (`qa tier --shard`); inert otherwise
    floors = _own_floors()
    return [floors.get(name, name) for name in dict.fromkeys(names)]
