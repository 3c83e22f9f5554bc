"""`[tool.qa.data]`: which fields hold which personal data, and what the check scans.

Kept free of heavy imports: config.py loads it for every command, `qa tier` included.
"""

from __future__ import annotations

import fnmatch
import functools
from dataclasses import dataclass, field

from ..pii import DETECTORS

FREE_TEXT = "free-text"  # scan the text and replace only what the detectors find in it
KEEP = "keep"            # never touched, never scanned
IP = "ip"                # IPv4 or IPv6, whichever the value is
FIELD_KINDS = (*DETECTORS, IP, FREE_TEXT, KEEP)


@dataclass
class DataConfig:
    """Rules for `qa data anonymize` and `qa data check`."""

    salt_env: str = "QA_ANONYMIZE_SALT"
    locale: str = "en_US"
    fields: dict[str, str] = field(default_factory=dict)
    detectors: list[str] = field(default_factory=lambda: list(DETECTORS))
    scan_other_fields: bool = True
    check: bool = True
    check_paths: list[str] = field(default_factory=lambda: ["tests/data"])
    exclude: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name, kind in self.fields.items():
            if kind not in FIELD_KINDS:
                raise ValueError(f"field `{name}` has unknown kind `{kind}`; kinds: {', '.join(FIELD_KINDS)}")
        unknown = [d for d in self.detectors if d not in DETECTORS]
        if unknown:
            raise ValueError(f"unknown detector `{unknown[0]}` in `detectors`; detectors: {', '.join(DETECTORS)}")
        if not self.salt_env:
            raise ValueError("`salt-env` must name an environment variable")

    def kind_for(self, path: tuple[str, ...]) -> str | None:
        """The kind of the field at `path` (CSV column, `table.column`, JSON keys): exact names first, then globs."""
        return _rules(tuple(self.fields.items())).kind_for(path)


@dataclass(frozen=True)
class _Rules:
    exact: dict[str, str]
    globs: tuple[tuple[str, str], ...]

    def kind_for(self, path: tuple[str, ...]) -> str | None:
        if not path:
            return None
        candidates = (".".join(path).lower(), path[-1].lower())
        for candidate in candidates:
            if candidate in self.exact:
                return self.exact[candidate]
        for pattern, kind in self.globs:
            if any(fnmatch.fnmatchcase(c, pattern) for c in candidates):
                return kind
        return None


@functools.cache
def _rules(items: tuple[tuple[str, str], ...]) -> _Rules:
    exact = {k.lower(): v for k, v in items if not any(c in k for c in "*?[")}
    globs = tuple((k.lower(), v) for k, v in items if any(c in k for c in "*?["))
    return _Rules(exact, globs)
