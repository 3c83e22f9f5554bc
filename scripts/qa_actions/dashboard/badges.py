"""Badges of the base branch: status and coverage, as SVG files and as shields.io endpoint JSON.

Pure, like page.py: the dashboard's model in, texts out; `build.py` writes them next to index.html.
Made here, with no badge service and no network, so a badge on GitHub Pages is the dashboard's own
file. The look is shields.io's "flat" style (a grey label, a coloured message, 20 px high).

Text width: the SVG needs each text's width before any renderer sees it. `text_width` adds up
Verdana's advance widths at 11 px (`VERDANA_UNITS`, units of 1/2048 em, for printable ASCII; any other
character counts as a full em, so a badge is never too narrow for its text), and every text carries
`textLength`, so a renderer with another font (DejaVu Sans, Arial) fits the text into that width.

Every text is escaped (a tier's name may come from a downloaded artifact), characters that XML 1.0
cannot hold are dropped, and long texts are clipped.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from ..history.metrics import TierStats
from ..layout import TIER_NAME
from .model import DashboardModel

FONT_SIZE_PX = 11
UNITS_PER_EM = 2048
# Verdana's advance widths of the characters " " (32) to "~" (126), in that order
VERDANA_UNITS = (
    720, 823, 1038, 1869, 1302, 2232, 1487, 556, 911, 911, 1302, 1869, 745, 880, 745, 1310,  # space to /
    *(1302,) * 10,  # 0-9
    930, 930, 1869, 1869, 1869, 1116, 2048,  # : to @
    1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 868, 921, 1419, 1145, 1727,  # A-M
    1532, 1612, 1235, 1612, 1424, 1401, 1237, 1499, 1401, 2025, 1405, 1237, 1405,  # N-Z
    911, 1310, 911, 1869, 1302, 1302,  # [ \ ] ^ _ `
    1229, 1276, 1067, 1276, 1220, 720, 1276, 1296, 559, 705, 1212, 559, 1992,  # a-m
    1296, 1243, 1276, 1276, 874, 1067, 807, 1296, 1212, 1675, 1212, 1212, 1079,  # n-z
    1302, 930, 1302, 1869,  # { | } ~
)
PADDING_PX = 5  # either side of each text
MAX_TEXT = 48  # characters of a label or message

# shields.io's named colours, so the SVG and the endpoint JSON agree
COLORS = {"brightgreen": "#4c1", "green": "#97ca00", "yellowgreen": "#a4a61d", "yellow": "#dfb317",
          "orange": "#fe7d37", "red": "#e05d44", "lightgrey": "#9f9f9f"}
# least coverage for each colour, best first; below the last, red
COVERAGE_COLORS = ((90.0, "brightgreen"), (80.0, "green"), (70.0, "yellowgreen"), (60.0, "yellow"),
                   (50.0, "orange"))
UNKNOWN = "unknown"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Badge:
    """One badge: `label` on grey, `message` on `color` (a name of COLORS)."""

    label: str
    message: str
    color: str

    def endpoint(self) -> str:
        """The JSON a shields.io endpoint badge reads (https://shields.io/badges/endpoint-badge)."""
        return json.dumps({"schemaVersion": 1, "label": self.label, "message": self.message,
                           "color": self.color}) + "\n"

    def svg(self) -> str:
        label, message = _clean(self.label), _clean(self.message)
        label_w, message_w = _box(label), _box(message)
        width = label_w + message_w
        fill = COLORS[self.color]
        title = _text(f"{label}: {message}")
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
            f'aria-label="{_attr(f"{label}: {message}")}"><title>{title}</title>'
            '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
            '<stop offset="1" stop-opacity=".1"/></linearGradient>'
            f'<clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>'
            f'<g clip-path="url(#r)"><rect width="{label_w}" height="20" fill="#555"/>'
            f'<rect x="{label_w}" width="{message_w}" height="20" fill="{fill}"/>'
            f'<rect width="{width}" height="20" fill="url(#s)"/></g>'
            '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" '
            'text-rendering="geometricPrecision" font-size="110">'
            f"{_shadowed(label, 0, label_w)}{_shadowed(message, label_w, message_w)}</g></svg>\n"
        )


def text_width(text: str) -> float:
    """The width of `text` in Verdana 11 px, in pixels (see the module's docstring)."""
    units = sum(VERDANA_UNITS[ord(c) - 32] if " " <= c <= "~" else UNITS_PER_EM for c in text)
    return units * FONT_SIZE_PX / UNITS_PER_EM


def status_badge(model: DashboardModel, label: str = "qa") -> Badge:
    """`passing` or `failing`: the verdict of the base branch's latest run; `unknown` without one."""
    if model.latest is None:
        return Badge(label, UNKNOWN, "lightgrey")
    passed = model.latest.verdict == "passed"
    return Badge(label, "passing" if passed else "failing", "brightgreen" if passed else "red")


def coverage_badge(tier: TierStats | None, label: str = "coverage") -> Badge:
    """The tier's line coverage of its latest run, rounded down to 0.1 % (so it never reads as meeting a
    gate it misses), coloured by COVERAGE_COLORS, red below the tier's own gate; `unknown` when not measured."""
    if tier is None or tier.coverage is None:
        return Badge(label, UNKNOWN, "lightgrey")
    percent = tier.coverage
    shown = math.floor(percent * 10 + 1e-9) / 10
    color = next((name for least, name in COVERAGE_COLORS if percent >= least), "red")
    if tier.coverage_gate is not None and percent < tier.coverage_gate:
        color = "red"
    return Badge(label, f"{shown:.1f}%", color)


def render_badges(model: DashboardModel) -> dict[str, Badge]:
    """Each badge by its file stem: `status`, `coverage` (the first tier of the dashboard's table that
    measured coverage, usually `unit`) and `coverage-<tier>` for every tier that measured it (a name
    that could not be a tier's, from a history written elsewhere, gets no file of its own)."""
    measured = [t for t in model.tiers if t.coverage is not None]
    badges = {"status": status_badge(model), "coverage": coverage_badge(measured[0] if measured else None)}
    for tier in measured:
        if TIER_NAME.fullmatch(tier.tier):
            badges[f"coverage-{tier.tier}"] = coverage_badge(tier, f"coverage {tier.tier}")
    return badges


def _clean(text: str) -> str:
    """Only characters XML can hold, on one line, at most MAX_TEXT of them."""
    text = " ".join(_NOT_XML.sub("", text).split())
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def _box(text: str) -> int:
    return math.ceil(text_width(text)) + 2 * PADDING_PX


def _shadowed(text: str, x: int, width: int) -> str:
    """A text centred in its box, with shields' 1 px shadow; coordinates times 10 (the texts are scaled by .1)."""
    centre, length = x * 10 + width * 5, (width - 2 * PADDING_PX) * 10
    body = _text(text)
    return (f'<text aria-hidden="true" x="{centre}" y="150" fill="#010101" fill-opacity=".3" '
            f'transform="scale(.1)" textLength="{length}">{body}</text>'
            f'<text x="{centre}" y="140" transform="scale(.1)" fill="#fff" textLength="{length}">{body}</text>')


def _text(text: str) -> str:
    return escape(text)


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})
