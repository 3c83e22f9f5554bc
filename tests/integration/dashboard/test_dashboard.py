"""`qa dashboard` on the synthetic history, opened in headless Chromium like a person would."""

import base64
import hashlib
import json
import re
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest
from chromium import Chromium
from history_factory import HOUR, T0, UNIT, build_history, run_record

from qa_actions.dashboard.build import write_dashboard
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
  slowest_mean: [...document.querySelectorAll('#slowest-table tbody tr')].map(r => r.cells[1].textContent),
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

    assert facts["charts"] == 6
    assert len(facts["painted"]) == 6 and min(facts["painted"]) > 1000, facts["painted"]  # every chart drew
    assert facts["legend"][1:] == ["unit\u2013", "smoke\u2013"]  # no run under the cursor yet
    assert facts["runs"] == 101  # main's runs: the selected branch
    assert facts["verdict"] == "main is green"
    assert facts["tiers"] == ["unit", "smoke"]
    assert facts["flaky"] == ["unit" + UNIT[0], "unit" + HOSTILE, "unit" + UNIT[3]]  # shown as text, not run
    assert facts["slowest"][0] == "smoketests/smoke/test_up.py::test_boot" and len(facts["slowest"]) == 14
    assert facts["slowest_mean"][-1] == "10ms"  # test_version, 0.01 s: not "0.0s"
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


# What each chart drew, read from its uPlot instance: scale ranges and the tick labels on the canvas.
PLOTS = """JSON.stringify({
  plots: Object.fromEntries(Object.entries(window.qaDashboard.plots).map(([id, u]) => [id, {
    x: [u.scales.x.min, u.scales.x.max], y: [u.scales.y.min, u.scales.y.max],
    xTicks: u.axes[0]._values, yTicks: u.axes[1]._values,
    series: u.series.slice(1).map(s => s.label),
    legend: (u.setCursor({left: u.valToPos(u.data[0][u.data[0].length - 1], 'x'), top: 10}),
             [...u.root.querySelectorAll('.u-legend .u-series')].map(e => e.textContent)),
  }])),
  shown: (document.getElementById('shown-runs') || {}).textContent || null,
  text: document.body.innerText,
  runs: [...document.querySelectorAll('#runs-table tbody tr')].map(r => [r.cells[1].textContent,
    r.querySelector('a.run') && r.querySelector('a.run').href, r.querySelector('a.run') &&
    r.querySelector('a.run').textContent, r.querySelector('a.commit') && r.querySelector('a.commit').textContent]),
  empty: !!document.getElementById('empty'),
})"""
SERVER = "https://github.example.com"  # a GitHub Enterprise server: links follow GITHUB_SERVER_URL


def actions_history(path: Path, runs: int) -> Path:
    """The factory's runs as GitHub Actions records them (`RUN_ID.ATTEMPT`, a repository), through the store's API."""
    records = [run_record(i) for i in range(runs)]
    for i, record in enumerate(records):
        record.run.run_id = f"{7_000_000 + i}.{2 if i % 7 == 3 else 1}"
        record.run.repository = "octo/app"
        record.run.commit = sha(i)
        record.tiers[1].duration_s = 0.25  # smoke: a sub-second tier
    with open_history(path, create=True) as store:
        store.append(*records)
    return path


def sha(i: int) -> str:
    return hashlib.sha1(str(i).encode()).hexdigest()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("runs", [0, 1, 1000])
def test_charts_fit_the_data_for_any_size_of_history(runs: int, tmp_path: Path, browser: Chromium,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Empty, one run, a thousand runs: what was drawn is fitted to the runs shown, and nothing reads NaN."""
    monkeypatch.setenv("GITHUB_SERVER_URL", SERVER)
    history = actions_history(tmp_path / "qa-history.sqlite", runs)
    page, model = write_dashboard(history, tmp_path / "dashboard", "main", 50)
    browser.open(page.as_uri(), READY)
    facts = json.loads(browser.evaluate(PLOTS))
    report = browser.report()
    assert (report.errors, report.requests, report.dialogs) == ([], [], [])
    text = facts["text"]
    for wrong in ("NaN", "undefined", "Infinity", "null", "``", "[object"):
        assert wrong not in text, wrong
    assert not re.search(r"(?<![\d.])0\.0s", text)  # a sub-second duration reads in ms
    for plot in facts["plots"].values():
        for label in plot["xTicks"] + plot["yTicks"]:
            assert "NaN" not in label and "undefined" not in label and label != "", plot
    shot = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])  # the 1280x900 view
    (tmp_path / f"dashboard-{runs}.png").write_bytes(shot)
    assert png_size(shot) == (1280, 900)

    if runs == 0:
        assert facts["empty"] and facts["plots"] == {} and facts["shown"] is None and facts["runs"] == []
        assert "No runs recorded yet" in text and "is green" not in text and "showing" not in text
        return

    plots = facts["plots"]
    assert sorted(plots) == sorted(["chart-pass", "chart-tests", "chart-duration", "chart-coverage", "chart-flaky",
                                    "chart-findings"])
    assert plots["chart-pass"]["series"] == plots["chart-tests"]["series"] == ["unit", "smoke"]
    assert plots["chart-pass"]["y"] == [0, 100]  # a rate: 0-100 %, never 200 %
    assert plots["chart-pass"]["yTicks"][-1] == "100%"
    low, high = plots["chart-coverage"]["y"]  # fitted to 80-84.5 %, within 0-100 %
    assert 0 <= low <= 80 and 84.5 <= high <= 100 and high - low <= 20
    assert plots["chart-tests"]["y"][0] == 0 and 10 <= plots["chart-tests"]["y"][1] <= 12  # 10 unit tests
    assert plots["chart-duration"]["y"][0] == 0 and 14 <= plots["chart-duration"]["y"][1] <= 20  # unit: 10-14 s
    for name in ("chart-tests", "chart-flaky", "chart-findings"):  # counts: whole numbers only
        assert all(re.fullmatch(r"\d+", tick) for tick in plots[name]["yTicks"]), plots[name]
        assert plots[name]["y"][0] == 0 and plots[name]["y"][1] == int(plots[name]["y"][1])
    # the legend under the cursor, at the latest run shown: its time, run and commit, each value with its unit
    latest = runs - 1 if runs == 1 else max(i for i in range(runs) if i % 4 in (0, 1))
    when = datetime.fromtimestamp(T0 + latest * HOUR, UTC).strftime("%Y-%m-%d %H:%M")
    attempt = " (attempt 2)" if latest % 7 == 3 else ""
    commit = sha(latest)[:7]
    assert plots["chart-duration"]["legend"] == [
        f"run (UTC){when} · #{7_000_000 + latest}{attempt} {commit}", f"unit{10 + latest % 5}s", "smoke250ms"]
    assert plots["chart-pass"]["legend"][1:] == ["unit100%", "smoke100%"]
    assert all(re.fullmatch(r"0|\d+(\.\d)?s|\d+ms", tick) for tick in plots["chart-duration"]["yTicks"])

    main = [T0 + i * HOUR for i in range(runs) if i % 4 in (0, 1)]
    if runs == 1:  # one run: an hour either side of it, labelled in hours, not a time axis years wide
        for plot in plots.values():
            assert plot["x"] == [T0 - HOUR, T0 + HOUR]
            assert all(re.fullmatch(r"\d\d:\d\d(\n\d{4}-\d\d-\d\d)?", tick) for tick in plot["xTicks"]), plot
        assert facts["shown"] == "1 run"
        assert facts["runs"] == [["main", f"{SERVER}/octo/app/actions/runs/7000000", "#7000000", sha(0)[:7]]]
        assert "1 run · 1 branch" in text and "1 runs" not in text
    else:  # a thousand: the last 200 of main's 500 runs, edge to edge
        for plot in plots.values():
            assert plot["x"] == [main[-200], main[-1]]
            first = datetime.fromtimestamp(main[-200], UTC).strftime("%Y-%m-%d")
            assert plot["xTicks"][0] in (first, "2026-01-30")  # the first tick names its year
            assert all(re.fullmatch(r"(\d{4}-)?\d\d-\d\d", tick) for tick in plot["xTicks"]), plot  # days
        assert facts["shown"] == "the last 200 of 500 runs (double-click a chart for all)"
        assert len(facts["runs"]) == 20 and facts["runs"][0][:3] == [
            "release", f"{SERVER}/octo/app/actions/runs/7000999", "#7000999"]
        attempt = next(row for row in facts["runs"] if "attempt" in row[2])
        assert attempt[1].endswith("/attempts/2") and re.fullmatch(r"#\d+ \(attempt 2\)", attempt[2])
        assert model.runs == 1000
