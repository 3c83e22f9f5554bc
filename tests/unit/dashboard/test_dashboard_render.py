"""The dashboard page as text: self-contained, its policy matching its scripts, and safe with any test name."""

import base64
import hashlib
import re
from pathlib import Path

from history_factory import build_history

from qa_actions.dashboard.build import load_assets
from qa_actions.dashboard.model import DashboardModel, build_model, run_url
from qa_actions.dashboard.page import _json_for_script, render_dashboard, run_link, seconds
from qa_actions.history.metrics import TimeToGreen
from qa_actions.history.store import RunRecord, RunRow, open_history

SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def render(path: Path, base_branch: str = "main") -> tuple[str, object]:
    with open_history(path) as store:
        model = build_model(store, base_branch, 50)
    return render_dashboard(model, load_assets(), 1_800_000_000), model


def test_page_is_self_contained_and_its_policy_allows_exactly_its_scripts(tmp_path: Path) -> None:
    page, _ = render(build_history(tmp_path / "h.sqlite", runs=20))
    scripts = SCRIPT.findall(page)
    assert len(scripts) == 2  # uPlot and the dashboard's own
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)[1]
    assert "default-src 'none'" in policy
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing loaded from elsewhere
    assert "uPlot" in scripts[0] and "generated 2027-01-15 08:00 UTC" in page


def test_empty_history_renders_a_page_that_says_so(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.sqlite", create=True):
        pass
    page, model = render(tmp_path / "h.sqlite")
    assert model.runs == 0 and model.latest is None
    assert "No runs recorded yet" in page and "0 runs · 0 branches · no runs yet" in page
    # no verdict, no zero-run statistics and no empty charts: nothing that reads as a result
    for claim in ("is green", "is red", "0 of the last 0", "never been red", 'id="branch"', 'id="chart-pass"'):
        assert claim not in page


def test_base_branch_without_runs_falls_back_with_a_note(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.sqlite", create=True) as store:
        store.append(RunRecord(RunRow("a", 1000, "failed", branch="master")),
                     RunRecord(RunRow("b", 2000, "failed", branch="master")),
                     RunRecord(RunRow("c", 3000, "passed", branch="topic")))
    page, model = render(tmp_path / "h.sqlite")
    assert model.base_branch == "master" and model.latest.run_id == "b"
    assert "no runs on `main`; showing `master`, the branch with the most runs" in page
    assert "master is red since" in page


def test_runs_without_a_branch_are_named_as_such(tmp_path: Path) -> None:
    """Runs recorded outside git have the empty branch: no "showing ``", no " is green"."""
    with open_history(tmp_path / "h.sqlite", create=True) as store:
        store.append(RunRecord(RunRow("local-1", 1000, "passed")))
    page, model = render(tmp_path / "h.sqlite")
    assert model.base_branch == ""
    assert "``" not in page and " is green" not in page and "<div class=\"headline\"> " not in page
    assert "showing the runs recorded without a branch (outside git), with the most runs" in page
    assert "the latest run passed" in page and "(no branch)" in page
    assert "1 run · 1 branch" in page and "the last run recorded without a branch" in page


def test_runs_link_to_their_actions_run_with_the_short_commit() -> None:
    run = RunRow("123456.2", 0, "passed", commit="abcdef0123456789", repository="octo/app")
    assert run_url(run, "https://ghe.example") == "https://ghe.example/octo/app/actions/runs/123456/attempts/2"
    assert run_url(RunRow("123456.1", 0, "passed", repository="octo/app"), "https://github.com") == (
        "https://github.com/octo/app/actions/runs/123456")
    assert run_url(RunRow("local-20260101T000000Z-abc123", 0, "passed", repository="octo/app"), "x") is None
    assert run_url(RunRow("123456.1", 0, "passed"), "https://github.com") is None  # no repository recorded
    model = DashboardModel("main", None, 50, 1, ["main"], 0, 0, "octo/app", run, None, 1, 1, None, None,
                           TimeToGreen([], None), [], [], 0, [], [])
    assert run_link(model, run) == (
        '<a class="run" href="https://github.com/octo/app/actions/runs/123456/attempts/2">#123456 (attempt 2)</a>'
        ' · <a class="commit" href="https://github.com/octo/app/commit/abcdef0123456789"><code>abcdef0</code></a>')
    assert run_link(model, RunRow("local-1", 0, "passed", commit="abcdef0123")) == (
        "<code>local-1</code> · <code>abcdef0</code>")


def test_durations_below_a_second_are_in_milliseconds() -> None:
    assert [seconds(v) for v in (0, 0.0004, 0.01, 0.05, 0.9994, 0.9996, 2.5, 125)] == [
        "0ms", "0ms", "10ms", "50ms", "999ms", "1.0s", "2.5s", "2m05s"]


def test_json_in_a_script_element_cannot_close_it() -> None:
    text = _json_for_script({"name": "</script><!-- & -->"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert text == '{"name":"\\u003c/script\\u003e\\u003c!-- \\u0026 --\\u003e"}'
