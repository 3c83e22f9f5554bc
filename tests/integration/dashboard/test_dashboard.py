"""`qa dashboard` on the synthetic history, opened in headless Chromium like a person would."""

import json
from pathlib import Path

import pytest
from chromium import Chromium
from history_factory import UNIT, build_history, run_record

from qa_actions.history.store import CaseRow, open_history

HOSTILE = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
READY = "window.qaDashboard && window.qaDashboard.ready"

FACTS = """new Promise(done => requestAnimationFrame(() => done(JSON.stringify({
  charts: document.querySelectorAll('.plot .uplot').length,
  painted: [...document.querySelectorAll('.plot canvas')].map(c => {
    const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let count = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) count++;
    return count;
  }),
  legend: [...document.querySelectorAll('#chart-pass .u-legend .u-series')].map(e => e.textContent.trim()),
  flaky: [...document.querySelectorAll('#flaky-table tbody tr')].map(r => r.cells[0].textContent),
  slowest: [...document.querySelectorAll('#slowest-table tbody tr')].map(r => r.cells[0].textContent),
  tiers: [...document.querySelectorAll('#tiers-table tbody tr')].map(r => r.cells[0].textContent),
  branches: [...document.querySelectorAll('#branches-table tbody tr')].map(r => r.cells[0].textContent),
  verdict: document.querySelector('.verdict .headline').textContent,
  runs: window.qaDashboard.runs,
}))))"""


@pytest.fixture(scope="module")
def browser():
    chromium = Chromium()
    yield chromium
    chromium.close()


@pytest.fixture
def dashboard(tmp_path: Path, run_qa) -> Path:
    """The dashboard of the 200-run history plus run 200, whose flaky test has a name meant to break the page."""
    history = build_history(tmp_path / "qa-history.sqlite")
    record = run_record(200)
    record.tests.append(CaseRow("unit", HOSTILE, "flaky", 0.1))
    with open_history(history, create=True) as store:
        store.append(record)
    project = tmp_path / "project"
    project.mkdir()
    done = run_qa("dashboard", "--project", project, "--history", history)
    assert done.returncode == 0, done.stderr
    page = project / "qa-results" / "dashboard" / "index.html"
    assert done.stdout.strip() == f"dashboard: {page} (201 runs, main: passed)"
    return page


def test_dashboard_renders_in_chromium_without_errors(dashboard: Path, browser: Chromium) -> None:
    browser.open(dashboard.as_uri(), READY)
    facts = json.loads(browser.evaluate(FACTS))

    assert facts["charts"] == 4
    assert len(facts["painted"]) == 4 and min(facts["painted"]) > 1000, facts["painted"]  # every chart drew
    assert facts["legend"][1:] == ["unit\u2013", "smoke\u2013"]  # no run under the cursor yet
    assert facts["runs"] == 101  # main's runs: the selected branch
    assert facts["verdict"] == "main is green"
    assert facts["tiers"] == ["unit", "smoke"]
    assert facts["flaky"] == ["unit" + UNIT[0], "unit" + HOSTILE, "unit" + UNIT[3]]  # shown as text, not run
    assert facts["slowest"][0] == "smoketests/smoke/test_up.py::test_boot" and len(facts["slowest"]) == 14
    assert facts["branches"] == ["main", "release", "feature/a"]
    report = browser.report()
    assert (report.errors, report.requests, report.dialogs) == ([], [], [])
    browser.screenshot(dashboard.parent / "screenshot.png")
    assert (dashboard.parent / "screenshot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    runs = browser.evaluate("(() => { const s = document.getElementById('branch'); s.value = 'feature/a';"
                            " s.dispatchEvent(new Event('change')); return window.qaDashboard.runs; })()")
    assert runs == 50 and browser.report().errors == []


def test_the_check_catches_script_errors_and_blocked_requests(dashboard: Path, browser: Chromium) -> None:
    """The same page, broken twice: bad data, and an image from the network (the page's policy refuses it)."""
    html = dashboard.read_text()
    opening = '<script id="qa-data" type="application/json">'
    start = html.index(opening) + len(opening)
    broken = html[:start] + "{" + html[html.index("</script>", start):]
    broken = broken.replace("<main>", '<main><img src="http://127.0.0.1:9/tracker.png" alt="">')
    page = dashboard.with_name("broken.html")
    page.write_text(broken)
    browser.open(page.as_uri(), "document.readyState === 'complete'")
    errors = browser.report().errors
    assert any("JSON" in error for error in errors), errors
    assert any("Content Security Policy" in error for error in errors), errors
