import re

from sample_results import HEAD, failing_run, passing_run, with_failures

from qa_actions.evaluate.gates import evaluate
from qa_actions.model import CaseTiming, Finding, Problem, RunResult, ScanResult
from qa_actions.render.comment import headline, render_comment, render_job_summary, results_digest
from qa_actions.render.context import Baseline, Links, RenderContext
from qa_actions.render.markdown import utf8_size, utf16_size

LINKS = Links("https://github.com", "org/repo", HEAD, "https://github.com/org/repo/actions/runs/9", None, "svc")
CTX = RenderContext(LINKS, "qa:report")


def test_marker_first_then_one_headline_verdict() -> None:
    text = render_comment(failing_run(), CTX)
    lines = text.splitlines()
    assert lines[0] == "<!-- qa-actions:qa:report -->"
    assert re.fullmatch(r"<!-- qa-actions-digest:[0-9a-f]{16} -->", lines[1])
    assert lines[2].startswith("### ❌ QA failed: unit: 1 failing test; integration: coverage under the gate;")
    assert sum(1 for line in lines if line.startswith("### ")) == 1


def test_tier_table_rows() -> None:
    text = render_comment(failing_run(), CTX)
    assert "| tier | passed | failed | skipped | flaky | duration | coverage | status |" in text
    assert "| **unit** | 199 | **1** | 0 | 0 | 1.8s | 97.68% · gate 80% | ❌ failed |" in text
    assert "| **integration** | 11 | 0 | 0 | 0 | 1.6s | 59.10% · gate 60% ❌ | ✅ passed |" in text
    assert "| **chaos** | 5 | 0 | 0 | 1 | 0.6s | — | ✅ passed |" in text
    assert "| **acid** | — | — | — | — | — | — | ⏭️ skipped: no tests \\(tests/acid not found\\) |" in text


def test_deltas_against_the_base_branch_when_known() -> None:
    ctx = RenderContext(LINKS, baseline=Baseline({"unit": 97.5, "integration": 60.3}, {"unit": 1.2}, "main"))
    text = render_comment(failing_run(), ctx)
    assert "| 1.8s (+0.6s) | 97.68% (▲ +0.18) · gate 80% |" in text
    assert "59.10% (▼ -1.20) · gate 60% ❌" in text
    assert "Changes (▲▼) are against `main`." in text
    assert "▲" not in render_comment(failing_run(), CTX)


def test_failing_tests_link_to_the_line_at_the_commit() -> None:
    text = render_comment(failing_run(), CTX)
    url = f"https://github.com/org/repo/blob/{HEAD}/svc/tests/unit/test_money.py#L42"
    assert f"[`tests/unit/test_money.py:42`]({url})" in text
    assert "<details><summary>Tracebacks (1)</summary>" in text
    assert "tests/unit/test_money.py:42: AssertionError" in text


def test_security_findings_by_severity() -> None:
    text = render_comment(failing_run(), CTX)
    assert "#### Security: 2 high · 0 medium · 1 low" in text
    rows = [line for line in text.splitlines() if line.startswith("| 🟠 high") or line.startswith("| ⚪ low")]
    assert [row.split("|")[1].strip() for row in rows] == ["🟠 high", "🟠 high", "⚪ low"]
    assert "`jinja2 3.1.2`, fixed in `3.1.3`: sandbox escape" in text


def test_a_scan_that_could_not_run_says_why() -> None:
    run = passing_run()
    run.scans["bandit"] = ScanResult("bandit", "error", reason="bandit is not installed")
    for text in (render_comment(run, CTX), render_job_summary(run, CTX)):
        assert "#### Security: 💥 1 scan could not run" in text and "no findings" not in text
        assert "| **bandit** | 💥 **could not run**: bandit is not installed | — | — | — | — |" in text


def test_changed_lines_with_ranges_linked() -> None:
    text = render_comment(failing_run(), CTX)
    assert "#### Changed lines: 75.00% covered (gate 80%) ❌" in text
    assert "12 of 16 changed statements are run by the tests. Not covered, in 3 ranges:" in text
    assert f"[61-65](https://github.com/org/repo/blob/{HEAD}/svc/src/ledger/money.py#L61-L65)" in text


def test_long_lists_collapse() -> None:
    text = render_comment(with_failures(passing_run(), 40), CTX)
    assert "<details><summary>30 more failing tests</summary>" in text
    assert "#### Failing tests (40)" in text


def outside_code(markdown: str) -> str:
    """The Markdown with fenced blocks and code spans removed: what GitHub would read as HTML."""
    without_blocks = re.sub(r"^(`{3,})\w*\n.*?^\1$", "", markdown, flags=re.MULTILINE | re.DOTALL)
    return re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", without_blocks)


def test_hostile_test_names_cannot_break_the_comment() -> None:
    run = with_failures(passing_run(), 1, message="<!-- qa-actions:qa:report --> @octocat | `x`")
    run.tiers["unit"].failures[0].test = "tests/t.py::test[a|b]</details><script>"
    run.tiers["unit"].failures[0].traceback += "\n```\n</details><img src=x>"
    text = render_comment(run, CTX)
    assert [line for line in text.splitlines() if line == CTX.marker] == [CTX.marker]
    html = outside_code(text)
    assert "<script>" not in html and "<img" not in html and "@octocat" not in html
    assert html.count("<details>") == html.count("</details>") == 1
    row = next(line for line in text.splitlines() if line.startswith("| unit | `tests/t.py::test"))
    assert len(re.split(r"(?<!\\)\|", row)) == 6  # four cells: the pipe in the name is escaped


def test_never_over_the_limit_and_points_to_the_full_report() -> None:
    run = with_failures(failing_run(), 500, message="🙈 " + "long message " * 80)
    text = render_comment(run, CTX)
    assert utf16_size(text) <= 65_535
    assert "…and 400 more failing tests: see the [job summary of the workflow run]" not in text  # local context
    assert "…and 400 more failing tests: see `qa-results/job-summary.md`." in text
    shorter = render_comment(run, CTX, limit=20_000)
    assert utf16_size(shorter) <= 20_000
    assert "Some details were left out to fit GitHub's limit of 20,000 characters: see `qa-results/" in shorter
    assert "Tracebacks" not in shorter
    tables_only = render_comment(run, CTX, limit=3000)
    assert utf16_size(tables_only) <= 3000 and "…and 500 more failing tests" in tables_only
    cut = render_comment(run, CTX, limit=900)
    assert utf16_size(cut) <= 900 and cut.startswith("<!-- qa-actions:qa:report -->")
    assert cut.endswith("✂️ **Cut to fit GitHub's limit of 900 characters.** The whole report is in "
                        "`qa-results/job-summary.md`.")
    summary = render_job_summary(run, CTX, limit=1500)
    assert utf8_size(summary) <= 1500
    assert summary.endswith("✂️ **Cut to fit GitHub's limit of 1,500 bytes.** Everything is in `results.json` in the "
                            "results folder (the workflow run's artifacts).")


def test_other_problems_are_listed() -> None:
    run = passing_run()
    run.problems.append(Problem("critical", "load", "threshold-missed", "p95 1200 ms over 500 ms"))
    run.verdict = "failed"
    text = render_comment(run, CTX)
    assert "#### Other problems (1)" in text and "`threshold-missed`: p95 1200 ms over 500 ms" in text
    assert headline(run) == "❌ QA failed: load: threshold missed"


def test_passing_headline() -> None:
    assert headline(passing_run()) == "✅ QA passed: 203 tests in 2 tiers"


def test_digest_ignores_where_and_when_but_not_what() -> None:
    first, second = failing_run(), failing_run()
    second.run.run_id, second.run.time, second.tiers["unit"].duration_s = "999", "later", 9.0
    assert results_digest(first) == results_digest(second)
    second.scans["bandit"].findings.append(Finding("bandit", "B101", "low", "assert used", file="x.py", line=1))
    assert results_digest(first) != results_digest(second)


def test_job_summary_has_no_marker_and_carries_notes() -> None:
    ctx = RenderContext(LINKS, notes=("**The check runs were not created**: missing `checks: write`.",))
    text = render_job_summary(failing_run(), ctx)
    assert "<!-- qa-actions" not in text
    assert text.startswith("> **The check runs were not created**")
    assert "### ❌ QA failed" in text


def test_quarantined_failures_are_marked_and_do_not_fail_the_headline() -> None:
    from qa_actions.evaluate.gates import evaluate

    run = with_failures(passing_run(), 1)
    run.tiers["unit"].coverage = None
    evaluate(run, {}, "medium", {"unit": ["tests/unit/test_many.py::*"]})
    text = render_comment(run, CTX)
    assert text.splitlines()[2].startswith("### ✅ QA passed")
    assert "`tests/unit/test_many.py::test_0` (quarantined)" in text


def scanned_run() -> RunResult:
    """bandit with one finding in its baseline; safety with one ignored, and one whose ignore expired."""
    run = passing_run()
    baselined = Finding("bandit", "B608", "medium", "sql", file="src/a.py", line=3,
                        suppression="in the bandit baseline .bandit-baseline.json")
    run.scans["bandit"] = ScanResult("bandit", "passed", suppressed=[baselined])
    accepted = Finding("safety", "70612", "high", "sandbox escape", package="jinja2", version="3.1.2",
                       suppression="ignored until 2027-01-01: no user templates")
    expired = Finding("safety", "64227", "high", "header injection", package="werkzeug", version="2.0.0",
                      ignore_expired="2026-11-01")
    run.scans["safety"] = ScanResult("safety", "failed", [expired], suppressed=[accepted])
    run.scans["pip-audit"] = ScanResult("pip-audit", "error", reason="no network to reach PyPI")
    return evaluate(run, {}, "medium")


def test_each_scan_shows_its_state_and_what_was_baselined_accepted_or_expired() -> None:
    run = scanned_run()
    for text in (render_comment(run, CTX), render_job_summary(run, CTX)):
        assert "#### Security: 1 high · 0 medium · 0 low · 💥 1 scan could not run" in text
        assert "| scan | state | open | baselined | accepted | expired ignores |" in text
        assert "| **bandit** | ✅ passed | 0 | 1 | 0 | 0 |" in text
        assert "| **safety** | ❌ failed | 1 | 0 | 1 | 1 |" in text
        assert "| **pip\\-audit** | 💥 **could not run**: no network to reach PyPI | — | — | — | — |" in text
        assert "⌛ ignore expired `2026-11-01`: `werkzeug 2.0.0`: header injection" in text
    summary = render_job_summary(run, CTX)
    assert "<details><summary>Baselined and accepted findings (2)</summary>" in summary
    assert "| medium | **bandit** `B608` | [`src/a.py:3`]" in summary and "baselined: in the bandit baseline" in summary
    assert "accepted: ignored until 2027\\-01\\-01: no user templates" in summary
    assert "Baselined and accepted findings" not in render_comment(run, CTX)


def test_failures_new_apart_from_those_already_failing_on_the_base_branch() -> None:
    run = with_failures(passing_run(), 3)
    baseline = Baseline(label="main", new_failures=frozenset({("unit", "tests/unit/test_many.py::test_2")}),
                        fixed_failures=(("unit", "tests/unit/test_gone.py::test_fixed"),))
    text = render_comment(run, RenderContext(LINKS, baseline=baseline))
    assert "#### Failing tests (3): 1 new, 2 already failing on `main`" in text
    rows = [line for line in text.splitlines() if line.startswith("| unit |")]
    assert rows[0].startswith("| unit | 🆕 `tests/unit/test_many.py::test_2` |")  # the new one first
    assert rows[1].startswith("| unit | `tests/unit/test_many.py::test_0` (already failing) |")
    assert "✅ Fixed since <code>main</code> (1)" in text


def test_the_comment_links_the_check_runs_the_job_summary_and_the_dashboard() -> None:
    links = Links("https://github.com", "org/repo", HEAD, "https://github.com/org/repo/actions/runs/9",
                  "https://org.github.io/repo/qa/")
    checks = {f"qa / {name}": f"https://github.com/org/repo/runs/{i}"
              for i, name in enumerate(("unit", "integration", "security", "coverage", "verdict"))}
    text = render_comment(failing_run(), RenderContext(links, "qa:report", check_links=checks))
    line = text.splitlines()[4]
    assert line == ("[📋 job summary](https://github.com/org/repo/actions/runs/9) · ✔️ check runs: "
                    "[verdict](https://github.com/org/repo/runs/4), [security](https://github.com/org/repo/runs/2), "
                    "[coverage](https://github.com/org/repo/runs/3) · [📊 dashboard](https://org.github.io/repo/qa/)")
    assert "| [**unit**](https://github.com/org/repo/runs/0) | 199 |" in text
    assert "| **chaos** | 5 |" in text  # no check run of its own known: not linked
    assert "#### [Security](https://github.com/org/repo/runs/2): 2 high" in text
    assert "#### [Changed lines](https://github.com/org/repo/runs/3): 75.00% covered" in text
    assert "📋 job summary" not in render_comment(failing_run(), RenderContext())  # no workflow run: no link


def test_the_job_summary_holds_what_the_comment_leaves_out() -> None:
    run = failing_run()
    unit = run.tiers["unit"]
    unit.slowest = [CaseTiming("tests/unit/test_slow.py::test_big", 4.25), CaseTiming("tests/unit/test_a.py::t", 0.012)]
    unit.shard_durations = {"2/3": 40.0, "1/3": 52.5, "3/3": 38.1}
    run.changed_lines.files[1].source = {"12": "    return round(price * rate, 2)"}
    summary, comment = render_job_summary(run, CTX), render_comment(run, CTX)
    url = f"https://github.com/org/repo/blob/{HEAD}/svc/tests/unit/test_money.py#L42"
    assert (f"- **unit** `tests/unit/test_money.py::test_broken` at [`tests/unit/test_money.py:42`]({url})\n\n"
            "  `assert Money(1) == Money(2)`\n\n  ```text\n  def test_broken():") in summary
    assert "  tests/unit/test_money.py:42: AssertionError\n  ```" in summary
    assert "#### Slowest tests" in summary and "| unit | `tests/unit/test_slow.py::test_big` | 4.25s |" in summary
    assert "| unit | `tests/unit/test_a.py::t` | 12ms |" in summary
    assert "#### Shards\n\n" in summary
    assert "| **unit** | 1/3: 52.5s, 2/3: 40.0s, 3/3: 38.1s | 52.5s | 14.4s |" in summary
    assert "/svc/src/ledger/money.py) | 7/10 | 70.0% |" in summary
    blob = f"https://github.com/org/repo/blob/{HEAD}/svc/src/ledger"
    assert f"- [`src/ledger/money.py:61`]({blob}/money.py#L61)\n- [`src/ledger/money.py:62`]" in summary
    assert f"- [`src/ledger/pricing.py:12`]({blob}/pricing.py#L12) `return round(price * rate, 2)`" in summary
    for detail in ("#### Slowest tests", "#### Shards", "line by line", "  ```text"):
        assert detail not in comment
    assert summary != comment.split("\n", 2)[2]
