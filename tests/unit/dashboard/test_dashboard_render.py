"""The dashboard page as text: self-contained, its policy matching its scripts, and safe with any test name."""

import base64
import hashlib
import re
from pathlib import Path

from history_factory import build_history

from qa_actions.dashboard.build import load_assets
from qa_actions.dashboard.model import build_model
from qa_actions.dashboard.page import _json_for_script, render_dashboard
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
    assert "Nothing recorded yet" in page and "No flaky or flipping tests" in page and "0 runs" in page


def test_base_branch_without_runs_falls_back_with_a_note(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.sqlite", create=True) as store:
        store.append(RunRecord(RunRow("a", 1000, "failed", branch="master")),
                     RunRecord(RunRow("b", 2000, "failed", branch="master")),
                     RunRecord(RunRow("c", 3000, "passed", branch="topic")))
    page, model = render(tmp_path / "h.sqlite")
    assert model.base_branch == "master" and model.latest.run_id == "b"
    assert "no runs on `main`; showing `master`, the branch with the most runs" in page
    assert "master is red since" in page


def test_json_in_a_script_element_cannot_close_it() -> None:
    text = _json_for_script({"name": "</script><!-- & -->"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert text == '{"name":"\\u003c/script\\u003e\\u003c!-- \\u0026 --\\u003e"}'
