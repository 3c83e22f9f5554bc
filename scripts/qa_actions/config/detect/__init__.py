"""What a project already declares, found without `[tool.qa]`: where its tests are (and which tiers they
form), what coverage measures, how the project installs itself. Read from a `Tree` (the checkout, or a
commit read with git on the trusted side), never by running the project's code.

`Detection` is what `[tool.qa]` loading found, kept on the configuration so `qa plan --explain`,
`qa init` and the no-tests problem can say what was looked for and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Layout = Literal["configured", "tier-folders", "markers", "testpaths", "flat", "root-files", "in-package", "none"]


@dataclass
class DetectedTier:
    """One tier as detection found it: the paths pytest is given and, for marker tiers, the `-m` expression."""

    paths: list[str]
    markers: str | None = None
    ignore: list[str] = field(default_factory=list)  # folders inside `paths` that other tiers run
    why: str = ""


@dataclass
class Detection:
    """What detection found, and in which order it looked (`looked_in`, for the no-tests message)."""

    layout: Layout = "none"
    tiers: dict[str, DetectedTier] = field(default_factory=dict)
    looked_in: list[str] = field(default_factory=list)
    why: str = ""
    source: list[str] = field(default_factory=list)
    source_why: str = ""
    coverage_config: bool = False  # the project's coverage settings choose what to measure (include, no source)
    pytest_config: str | None = None  # the file holding the project's pytest configuration, if any
    absent: list[str] = field(default_factory=list)  # seed tiers turned off because their tests were not found
