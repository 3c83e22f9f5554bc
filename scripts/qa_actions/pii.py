"""Detectors of personal data in text: shared by `qa data check`, anonymisation and scrubbing.

One table of detectors, so that what the data check finds, the anonymiser replaces and the
publisher scrubs are always the same things.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Detector:
    """A kind of personal data: a pattern, and an optional check that weeds out look-alikes."""

    name: str
    pattern: re.Pattern[str]
    valid: Callable[[str], bool] | None = None

    def find(self, text: str) -> Iterable[PiiMatch]:
        for match in self.pattern.finditer(text):
            value = match.group(0)
            if self.valid is None or self.valid(value):
                yield PiiMatch(self.name, match.start(), match.end(), value)


@dataclass(frozen=True)
class PiiMatch:
    detector: str
    start: int
    end: int
    value: str


DETECTORS: dict[str, Detector] = {
    "email": Detector("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")),
}


def find_pii(text: str, names: Iterable[str] | None = None) -> list[PiiMatch]:
    """Every match of the named detectors (all by default), in text order, overlaps dropped."""
    selected = [DETECTORS[n] for n in names] if names is not None else list(DETECTORS.values())
    matches = sorted((m for d in selected for m in d.find(text)), key=lambda m: (m.start, -m.end))
    kept: list[PiiMatch] = []
    for match in matches:
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
    return kept


def mask_pii(text: str, names: Iterable[str] | None = None,
             replace: Callable[[PiiMatch], str] = lambda m: f"[{m.detector} removed]") -> str:
    """`text` with every detected value replaced by `replace(match)`."""
    out, last = [], 0
    for match in find_pii(text, names):
        out += [text[last:match.start], replace(match)]
        last = match.end
    return "".join([*out, text[last:]])
