"""The badges as text: colours at each threshold, unknown values, widths, and any text kept as text."""

import dataclasses
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hostile_values import READERS
from hypothesis import given
from hypothesis import strategies as st

from qa_actions.dashboard.badges import (
    COLORS,
    MAX_TEXT,
    Badge,
    coverage_badge,
    render_badges,
    status_badge,
    text_width,
)
from qa_actions.dashboard.build import write_badges
from qa_actions.dashboard.model import DashboardModel, build_model
from qa_actions.history.metrics import TierStats
from qa_actions.history.store import RunRow, open_history

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def empty(tmp_path: Path) -> DashboardModel:
    with open_history(tmp_path / "h.sqlite", create=True) as store:
        return build_model(store, "main", 50)


def shown(svg: str) -> list[str]:
    """The label and message a reader sees, from the SVG parsed as XML."""
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter(f"{SVG}text") if t.get("aria-hidden") != "true"]


@pytest.mark.parametrize(("percent", "gate", "message", "color"), [
    (100.0, None, "100.0%", "brightgreen"),
    (90.0, None, "90.0%", "brightgreen"),
    (89.99, None, "89.9%", "green"),  # rounded down: never reads as the next colour's threshold
    (80.0, None, "80.0%", "green"),
    (79.96, None, "79.9%", "yellowgreen"),
    (70.0, None, "70.0%", "yellowgreen"),
    (60.0, None, "60.0%", "yellow"),
    (50.0, None, "50.0%", "orange"),
    (49.9, None, "49.9%", "red"),
    (0.0, None, "0.0%", "red"),
    (95.0, 96.0, "95.0%", "red"),  # below its own gate: red whatever the scale says
    (96.0, 96.0, "96.0%", "brightgreen"),
])
def test_coverage_colour_thresholds(percent: float, gate: float | None, message: str, color: str) -> None:
    badge = coverage_badge(TierStats("unit", coverage=percent, coverage_gate=gate))
    assert (badge.label, badge.message, badge.color) == ("coverage", message, color)
    assert shown(badge.svg()) == ["coverage", message]
    assert f'fill="{COLORS[color]}"' in badge.svg()
    assert json.loads(badge.endpoint()) == {"schemaVersion": 1, "label": "coverage", "message": message,
                                            "color": color}


def test_unknown_coverage_and_no_runs_read_unknown(empty: DashboardModel) -> None:
    for badge in (coverage_badge(None), coverage_badge(TierStats("unit")), status_badge(empty)):
        assert (badge.message, badge.color) == ("unknown", "lightgrey")
    assert set(render_badges(empty)) == {"status", "coverage"}


def test_status_follows_the_latest_run_of_the_base_branch(empty: DashboardModel) -> None:
    passed = dataclasses.replace(empty, latest=RunRow("1", 0, "passed"))
    failed = dataclasses.replace(empty, latest=RunRow("2", 0, "failed"))
    assert (status_badge(passed).message, status_badge(passed).color) == ("passing", "brightgreen")
    assert (status_badge(failed).message, status_badge(failed).color) == ("failing", "red")
    assert shown(status_badge(failed).svg()) == ["qa", "failing"]


def test_coverage_badge_is_the_first_measured_tier_and_each_tier_has_its_own(empty: DashboardModel) -> None:
    model = dataclasses.replace(empty, tiers=[TierStats("smoke"), TierStats("unit", coverage=91.0),
                                              TierStats("integration", coverage=55.5, coverage_gate=60.0),
                                              TierStats("../evil", coverage=10.0)])
    badges = render_badges(model)
    assert list(badges) == ["status", "coverage", "coverage-unit", "coverage-integration"]  # no file for ../evil
    assert (badges["coverage"].message, badges["coverage-integration"].color) == ("91.0%", "red")
    assert badges["coverage-integration"].label == "coverage integration"


def test_widths_follow_verdana_and_the_box_fits_the_text() -> None:
    assert round(text_width("passing"), 1) == 41.7  # 41 px in shields.io's own "build | passing" badge
    assert round(text_width("coverage"), 1) == 50.2
    assert text_width("W") > text_width("i") and text_width("日本") == 22.0  # outside ASCII: a full em each
    root = ET.fromstring(Badge("coverage", "98.3%", "brightgreen").svg())
    assert root.get("width") == "108"  # shields.io's coverage badge of 98.3 % is 61 + 47 px as well
    boxes = [r for r in root.iter(f"{SVG}rect") if r.get("fill", "").startswith("#") and r.get("fill") != "#fff"]
    assert [int(r.get("width")) for r in boxes] == [61, 47]
    lengths = [int(t.get("textLength")) for t in root.iter(f"{SVG}text")]
    assert lengths == [510, 510, 370, 370]  # each text fitted into its box, less 5 px either side


HOSTILE = ["</text><script>alert(1)</script>", '"><svg onload=alert(1)>', "<x>&\"'", "]]>", "&amp;",
           "a\x00b\x1bc\ud800d\ufffe", "line\nbreak\u2028", "x" * 500, "", "  "]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_any_text_stays_text_in_valid_xml(text: str) -> None:
    check_text(text)


@READERS
@given(st.text(st.characters(codec="utf-8", exclude_categories=()), max_size=80))
def test_any_generated_text_stays_text_in_valid_xml(text: str) -> None:
    check_text(text)


def check_text(text: str) -> None:
    svg = Badge(text, text, "red").svg()
    root = ET.fromstring(svg)  # valid XML, whatever the text
    assert [e.tag for e in root.iter()].count(f"{SVG}script") == 0
    label, message = shown(svg)
    assert label == message and len(label) <= MAX_TEXT
    assert "\x00" not in label and "\ud800" not in label
    assert root.get("aria-label") == f"{label}: {message}"
    svg.encode("utf-8")  # no lone surrogate left to break the file


def test_write_badges_writes_an_svg_and_a_json_per_badge(empty: DashboardModel, tmp_path: Path) -> None:
    model = dataclasses.replace(empty, latest=RunRow("1", 0, "passed"), tiers=[TierStats("unit", coverage=72.25)])
    written = write_badges(model, tmp_path / "badges")
    assert sorted(p.name for p in written) == sorted(p.name for p in (tmp_path / "badges").iterdir()) == [
        "coverage-unit.json", "coverage-unit.svg", "coverage.json", "coverage.svg", "status.json", "status.svg"]
    assert json.loads((tmp_path / "badges" / "coverage.json").read_text())["color"] == "yellowgreen"
    assert shown((tmp_path / "badges" / "coverage.svg").read_text()) == ["coverage", "72.2%"]
