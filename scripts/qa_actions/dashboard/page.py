"""The dashboard page: one self-contained HTML file (inline CSS, JS and data; no network).

A Content-Security-Policy allows only the page's own scripts (by hash) and no requests at all, so
test names from the history (untrusted: they come from JUnit files) can never load or run anything.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from ..history.metrics import TierStats
from ..history.store import RunRow
from ..text import duration, plural
from .model import BranchRow, DashboardModel, FlakyRow, SlowRow, branch_label, run_label

CHARTS = (("chart-pass", "Pass rate per tier"), ("chart-tests", "Tests per tier"),
          ("chart-duration", "Duration per tier"), ("chart-coverage", "Line coverage per tier"),
          ("chart-flaky", "Flaky tests per tier"), ("chart-findings", "Security findings by severity"))


@dataclass(frozen=True)
class Assets:
    """The static files inlined into the page."""

    uplot_js: str
    uplot_css: str
    dashboard_js: str
    dashboard_css: str


def render_dashboard(model: DashboardModel, assets: Assets, generated: int) -> str:
    data = _json_for_script({"series": model.series})
    scripts = [assets.uplot_js, assets.dashboard_js]
    csp = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
           "script-src " + " ".join(f"'sha256-{_sha256(text)}'" for text in scripts))
    title = model.repository or "QA dashboard"
    of_base = _of_branch(model.base_branch)
    sections = [
        _kpis(model),
        _section("Tiers", f"{last(model.window_runs)} {of_base}", _tier_table(model.tiers)),
        _trends(model),
        _section("Flakiest tests", f"{last(model.recent_runs)}, every branch", _flaky_table(model.flaky)),
        _section("Slowest tests", f"mean over {last(model.window_runs)} {of_base}",
                 _slow_table(model.slowest)),
        _section("Recent runs", "newest first, every branch; a run links to its page on GitHub Actions",
                 _recent_table(model)),
        _section("Branches", f"latest run of each branch against {branch_label(model.base_branch)}",
                 _branch_table(model)),
    ] if model.runs else []
    body = "\n".join([_header(model, title, generated), "<main>", _verdict(model), *sections, "</main>", _footer()])
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n"
        f"<title>{escape(title)} · QA dashboard</title>\n"
        f"<style>{assets.uplot_css}\n{assets.dashboard_css}</style>\n</head>\n<body>\n{body}\n"
        f"<script id=\"qa-data\" type=\"application/json\">{data}</script>\n"
        + "".join(f"<script>{text}</script>\n" for text in scripts)
        + "</body>\n</html>\n"
    )


def _json_for_script(value: object) -> str:
    """JSON that cannot end its <script> element or start a comment in it."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def when(epoch: int | None) -> str:
    return "—" if epoch is None else datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")


def span(seconds: float) -> str:
    """A duration that may last days: `3d 4h` beyond two days, else as elsewhere (`12h00m`)."""
    if seconds < 2 * 86_400:
        return duration(seconds)
    days, rest = divmod(round(seconds), 86_400)
    return f"{days}d {rest // 3600}h"


def seconds(value: float) -> str:
    """A duration as elsewhere (`4.7s`, `2m05s`), but in milliseconds below a second, where `0.0s` says nothing."""
    return f"{round(value * 1000)}ms" if value < 0.9995 else duration(value)


def last(runs: int) -> str:
    return "the last run" if runs == 1 else f"the last {runs} runs"


def _of_branch(branch: str) -> str:
    return f"of {branch}" if branch else "recorded without a branch"


def run_link(model: DashboardModel, run: RunRow) -> str:
    """The run as a link to its Actions page (when it has one), with its short commit SHA."""
    label = escape(run_label(run))
    url = model.run_url(run)
    text = f"<a class=\"run\" href=\"{escape(url)}\">{label}</a>" if url else f"<code>{label}</code>"
    if run.commit:
        sha = f"<code>{escape(run.commit[:7])}</code>"
        commit = model.commit_url(run)
        text += f" · <a class=\"commit\" href=\"{escape(commit)}\">{sha}</a>" if commit else f" · {sha}"
    return text


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{100 * value:.{digits}f}%"


def _header(model: DashboardModel, title: str, generated: int) -> str:
    span = f"{when(model.first)} → {when(model.last)}" if model.runs else "no runs yet"
    branches = plural(len(model.branches), "branch", "branches")
    return (f"<header class=\"top\"><span class=\"brand\">qa-actions</span><h1>{escape(title)}</h1>"
            f"<span class=\"meta\">{plural(model.runs, 'run')} · {branches} · {span} · generated {when(generated)}"
            "</span>"
            "</header>")


def _verdict(model: DashboardModel) -> str:
    run = model.latest
    branch = escape(model.base_branch)
    note = f"<div class=\"note\">{escape(model.base_note)}</div>" if model.base_note else ""
    if run is None:
        return ("<section class=\"verdict unknown\" id=\"empty\"><span class=\"badge\">no runs</span><div>"
                "<div class=\"headline\">No runs recorded yet</div><div class=\"detail\">The history file holds "
                "no runs, so there is nothing to chart. Record runs with <code>qa history add</code> (the report "
                "action does) or <code>[tool.qa.history] record = true</code>; trends, flaky and slow tests appear "
                "from the first run on.</div></div></section>")
    state = "passed" if run.verdict == "passed" else "failed"
    if model.base_branch:
        headline = f"{branch} is {'green' if state == 'passed' else 'red'}"
    else:  # runs recorded outside git: no branch to call green
        headline = f"the latest run {state}"
    if state == "failed" and model.ttg.red_since is not None:
        headline += f" {'since' if model.base_branch else ', red since'} {when(model.ttg.red_since)}"
    event = f" · {escape(run.event)}" if run.event else ""
    problems = (f" · problems: {run.critical} critical, {run.high} high, {run.medium} medium, {run.low} low")
    return (f"<section class=\"verdict {state}\"><span class=\"badge\">{state}</span><div>"
            f"<div class=\"headline\">{headline}</div>"
            f"<div class=\"detail\">latest run {run_link(model, run)} · {when(run.time)}{event}"
            f"{problems}</div></div></section>{note}")


def _kpi(label: str, value: str, sub: str, tone: str = "") -> str:
    return (f"<div class=\"kpi panel\"><div class=\"label\">{label}</div>"
            f"<div class=\"value {tone}\">{value}</div><div class=\"sub\">{sub}</div></div>")


def _tone(value: float | None, good: float, bad: float, higher_is_better: bool = True) -> str:
    if value is None:
        return ""
    if not higher_is_better:
        value, good, bad = -value, -good, -bad
    return "good" if value >= good else "bad" if value < bad else "warn"


def _kpis(model: DashboardModel) -> str:
    branch = escape(branch_label(model.base_branch))
    green = round((model.green_rate or 0) * model.window_runs)
    ttg = model.ttg
    if ttg.red_since is not None and model.last is not None:
        ttg_value, ttg_sub, ttg_tone = "red", f"for {span(model.last - ttg.red_since)} so far", "bad"
    elif ttg.mean_s is not None:
        ttg_value = span(ttg.mean_s)
        ttg_sub, ttg_tone = f"mean of {len(ttg.recoveries)} · worst {span(ttg.max_s or 0)}", ""
    else:
        never = f"{branch} has never been red" if model.base_branch else "no run has been red"
        ttg_value, ttg_sub, ttg_tone = "—", never, "good"
    coverage = [t for t in model.tiers if t.coverage is not None]
    cards = [
        _kpi("Green runs", percent(model.green_rate, 0), f"{green} of the last {model.window_runs} on {branch}"
             if model.window_runs != 1 else f"{green} of the one run on {branch}",
             _tone(model.green_rate, 0.95, 0.8)),
        _kpi("Test pass rate", percent(model.pass_rate, 2), "passed / ran, flaky counted as passed",
             _tone(model.pass_rate, 0.99, 0.95)),
        _kpi("Flaky rate", percent(model.flaky_rate, 2),
             f"{plural(model.unstable, 'test')} flaky or flipping in {last(model.recent_runs)}",
             _tone(model.flaky_rate, 0.001, 0.01, higher_is_better=False)),
        _kpi("Time to green", ttg_value, ttg_sub, ttg_tone),
    ]
    for tier in coverage[:2]:
        gate = f"gate {tier.coverage_gate:g}%" if tier.coverage_gate is not None else "no gate"
        met = tier.coverage_gate is None or (tier.coverage or 0) >= tier.coverage_gate
        cards.append(_kpi(f"Coverage · {escape(tier.tier)}", f"{tier.coverage:.1f}%", f"latest run · {gate}",
                          "good" if met else "bad"))
    return f"<section class=\"kpis\">{''.join(cards)}</section>"


def _section(title: str, hint: str, content: str) -> str:
    return f"<h2>{title}<span class=\"hint\">{escape(hint)}</span></h2><div class=\"panel\">{content}</div>"


def _table(table_id: str, headers: list[tuple[str, bool]], rows: list[str], empty: str) -> str:
    if not rows:
        return f"<div class=\"empty\" id=\"{table_id}\">{empty}</div>"
    head = "".join(f"<th class=\"num\">{label}</th>" if numeric else f"<th>{label}</th>" for label, numeric in headers)
    return (f"<table class=\"sortable\" id=\"{table_id}\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _num(text: str, value: float | int | None) -> str:
    sort = "" if value is None else f" data-value=\"{value}\""
    return f"<td class=\"num\"{sort}>{text}</td>"


def _test_cell(tier: str, test: str) -> str:
    return f"<td class=\"test\"><span class=\"tier\">{escape(tier)}</span>{escape(test)}</td>"


def _tier_table(tiers: list[TierStats]) -> str:
    rows = []
    for t in tiers:
        coverage = "—" if t.coverage is None else f"{t.coverage:.2f}%"
        if t.coverage is not None and t.coverage_gate is not None:
            coverage += f" <span class=\"pill {'passed' if t.coverage >= t.coverage_gate else 'failed'}\">"
            coverage += f"gate {t.coverage_gate:g}%</span>"
        rows.append(f"<tr><td>{escape(t.tier)}</td>{_num(str(t.runs), t.runs)}"
                    f"{_num(percent(t.pass_rate, 2), t.pass_rate)}{_num(percent(t.flaky_rate, 2), t.flaky_rate)}"
                    f"{_num(seconds(t.mean_duration_s), t.mean_duration_s)}"
                    f"{_num(seconds(t.p95_duration_s), t.p95_duration_s)}"
                    f"{_num(coverage, t.coverage)}</tr>")
    headers = [("tier", False), ("runs", True), ("pass rate", True), ("flaky rate", True), ("mean duration", True),
               ("p95 duration", True), ("coverage (latest)", True)]
    return _table("tiers-table", headers, rows, "No tier ran in these runs.")


def _trends(model: DashboardModel) -> str:
    options = "".join(f"<option value=\"{escape(b)}\"{' selected' if b == model.base_branch else ''}>"
                      f"{escape(branch_label(b))}</option>" for b in model.branches)
    charts = "".join(
        f"<div class=\"chart panel\"><h3>{title}</h3><div class=\"plot\" id=\"{chart_id}\"></div></div>"
        for chart_id, title in CHARTS)
    return (f"<h2>Trends<span class=\"hint\">drag to zoom, double-click for every run</span></h2>"
            f"<div class=\"toolbar\"><label for=\"branch\">Branch</label><select id=\"branch\">"
            f"<option value=\"*\">all branches</option>{options}</select><span id=\"shown-runs\"></span></div>"
            f"<div class=\"charts\">{charts}</div>")


def _flaky_table(rows: list[FlakyRow]) -> str:
    cells = []
    for row in rows:
        s = row.stability
        bar = f"<span class=\"bar\"><span style=\"width:{100 * s.flip_rate:.0f}%\"></span></span>"
        cells.append(f"<tr>{_test_cell(row.tier, row.test)}{_num(str(s.flaky_runs), s.flaky_runs)}"
                     f"{_num(str(s.failed_runs), s.failed_runs)}{_num(str(s.runs), s.runs)}"
                     f"{_num(f'{s.flips}', s.flips)}{_num(percent(s.flip_rate) + bar, s.flip_rate)}"
                     f"{_num(when(s.last_flaky), s.last_flaky)}</tr>")
    headers = [("test", False), ("flaky runs", True), ("failed runs", True), ("runs", True), ("flips", True),
               ("flip rate", True), ("last flaky", True)]
    return _table("flaky-table", headers, cells, "No flaky or flipping tests in these runs.")


def _slow_table(rows: list[SlowRow]) -> str:
    cells = [f"<tr>{_test_cell(r.tier, r.test)}{_num(seconds(r.mean_s), r.mean_s)}"
             f"{_num(seconds(r.max_s), r.max_s)}{_num(seconds(r.last_s), r.last_s)}"
             f"{_num(str(r.runs), r.runs)}</tr>" for r in rows]
    headers = [("test", False), ("mean", True), ("max", True), ("latest", True), ("runs", True)]
    return _table("slowest-table", headers, cells, "No per-test timings recorded in these runs.")


def _tests_list(tests: list[str] | None, css: str) -> str:
    if tests is None:
        return "<span class=\"hint\">—</span>"
    if not tests:
        return "none"
    shown = "".join(f"<li class=\"{css}\">{escape(t)}</li>" for t in tests[:10])
    more = f"<li>… {len(tests) - 10} more</li>" if len(tests) > 10 else ""
    return f"<ul class=\"tests\">{shown}{more}</ul>"


def _recent_table(model: DashboardModel) -> str:
    rows = [f"<tr>{_num(when(run.time), run.time)}<td>{escape(branch_label(run.branch or ''))}</td>"
            f"<td>{_pill(run.verdict)}</td><td class=\"runref\">{run_link(model, run)}</td>"
            f"<td>{escape(run.event or '—')}</td></tr>" for run in model.recent]
    headers = [("time", True), ("branch", False), ("verdict", False), ("run · commit", False), ("event", False)]
    return _table("runs-table", headers, rows, "No runs recorded yet.")


def _pill(verdict: str) -> str:
    return f"<span class=\"pill {'passed' if verdict == 'passed' else 'failed'}\">{escape(verdict)}</span>"


def _branch_table(model: DashboardModel) -> str:
    rows = [_branch_row(model, row) for row in model.branch_rows]
    headers = [("branch", False), ("latest run", True), ("verdict", False), ("against", False),
               ("new failures", False), ("fixed", False)]
    return _table("branches-table", headers, rows, "No runs recorded yet.")


def _branch_row(model: DashboardModel, row: BranchRow) -> str:
    run = row.run
    base = run_link(model, row.base) if row.base else "<span class=\"hint\">no base run</span>"
    return (f"<tr><td>{escape(branch_label(row.branch))}</td>"
            f"{_num(when(run.time) + '<br>' + run_link(model, run), run.time)}"
            f"<td>{_pill(run.verdict)}</td><td>{base}</td><td>{_tests_list(row.new_failures, 'new')}</td>"
            f"<td>{_tests_list(row.fixed_failures, 'fixed')}</td></tr>")


def _footer() -> str:
    terms = [
        ("Pass rate", "passed tests (flaky included) / tests that ran (not skipped), summed over the tier's runs"),
        ("Flaky run", "a test failed, then passed when pytest-rerunfailures ran it again, in one run"),
        ("Flip", "a test's result differs from its previous result on the same branch (flaky counts as passed); "
                 "flip rate = flips / consecutive pairs"),
        ("p95 duration", "the duration that 95% of the tier's runs did not exceed (nearest rank)"),
        ("Time to green", "from the first red run of a streak to the next green run on the same branch"),
        ("New / fixed", "failing now and not in the base branch's latest earlier run / the other way round"),
    ]
    definitions = "".join(f"<dt>{term}</dt><dd>{escape(text)}</dd>" for term, text in terms)
    return (f"<footer><dl>{definitions}</dl>Made by qa-actions · charts by uPlot (MIT licence, © Leon Sorokin)"
            "</footer>")
