"""Issue 16, finding 9: text from the results is inert wherever it is posted. No issue, pull-request or
commit reference, no @mention and no carriage return reaches GitHub outside code, in the comment, the
job summary, the check runs or the nightly issue."""

from __future__ import annotations

import html
import re

import pytest
from sample_results import failing_run

from qa_actions.evaluate.gates import evaluate
from qa_actions.model import Counts, Failure, Finding, Problem, ScanResult, TierResult
from qa_actions.render.checks import render_check_runs
from qa_actions.render.comment import render_comment, render_job_summary
from qa_actions.render.context import Baseline, RenderContext
from qa_actions.render.markdown import code, code_block, escape, table, unlinked
from qa_actions.render.nightly_issue import render_issue
from qa_actions.scrub import Scrubber

HOSTILE = "see #123, GH-7, gh-8, octo/repo#9, @octocat, @org/team, 0d94f32b0e13d98e4f90 and www.evil.example"
# what GitHub turns into links or notifications in prose (after Markdown, outside code)
AUTOLINKS = {
    "issue": re.compile(r"(?<![\w&])#\d"),
    "GH-": re.compile(r"\bGH-\d", re.IGNORECASE),
    "repo#": re.compile(r"[\w.-]+/[\w.-]+#\d"),
    "mention": re.compile(r"(?<![\w`])@[A-Za-z0-9]"),
    "sha": re.compile(r"(?<![\w/])[0-9a-f]{7,40}(?![\w])"),
    "url": re.compile(r"https?://|\bwww\.", re.IGNORECASE),
}
_FENCE = re.compile(r"^(`{3,})[^`]*$")


def prose(markdown: str) -> str:
    """The text of `markdown` that GitHub scans for references: no code, no link targets, no comments."""
    kept, fence = [], None
    for line in markdown.split("\n"):
        match = _FENCE.match(line.strip())
        if fence is None and match:
            fence = match[1]
        elif fence is not None and line.strip().startswith(fence) and not line.strip().strip("`"):
            fence = None
        elif fence is None:
            kept.append(line)
    text = "\n".join(kept)
    text = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", " ", text)  # code spans
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"\]\([^)\s]*\)", "]", text)  # our own link targets
    text = re.sub(r"<code>.*?</code>", " ", text)
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def active(markdown: str) -> dict[str, list[str]]:
    text = prose(markdown)
    found = {name: pattern.findall(text) for name, pattern in AUTOLINKS.items()}
    return {name: hits for name, hits in found.items() if hits}


def test_the_checker_sees_references_in_plain_markdown() -> None:
    assert set(active(HOSTILE)) == set(AUTOLINKS)
    assert active(code(HOSTILE)) == {} and active(code_block(HOSTILE)) == {}


def test_escaped_text_links_and_mentions_nothing_yet_reads_the_same() -> None:
    assert active(escape(HOSTILE)) == {}
    assert prose(escape(HOSTILE)).replace("\u2060", "") == HOSTILE
    assert unlinked("plain words") == "plain words"


def test_carriage_returns_do_not_end_lines_early() -> None:
    assert "\r" not in escape("a\r| b\r\n---") and "\r" not in table(("a",), [("x\ry",)])
    block = code_block("x\r```\ry")
    assert "\r" not in block and block.startswith("````")


def hostile_run():
    run = failing_run()
    message = f"assert 1 == 2 {HOSTILE}\r\n::warning ::x"
    run.tiers["unit"].failures.append(Failure(f"tests/test_x.py::test_a[{HOSTILE}]", message, "tests/test_x.py", 3,
                                              traceback=f"Traceback\r{HOSTILE}\r```\rnot code"))
    run.tiers["unit"].counts = Counts(202, 199, 2, 0, 0, 0)
    run.tiers["smoke"] = TierResult("smoke", "skipped", reason=f"skipped because {HOSTILE}")
    run.tiers["chaos"].flaky = [f"test_flaky[{HOSTILE}]"]
    run.scans["bandit"].findings.append(Finding("bandit", "B101", "medium", HOSTILE, "HIGH", "src/a.py", 4))
    run.scans["pip-audit"] = ScanResult("pip-audit", "error", reason=f"could not resolve {HOSTILE}")
    run = evaluate(run, {}, "medium")
    run.problems.append(Problem("high", "unit", "tier-error", f"{HOSTILE}\r\n#5"))
    return run


def renderings() -> dict[str, str]:
    run = hostile_run()
    ctx = RenderContext(baseline=Baseline(label=f"main {HOSTILE}", fixed_failures=(("unit", f"test_b {HOSTILE}"),),
                                          new_failures=frozenset()))
    texts = {"comment": render_comment(run, ctx), "summary": render_job_summary(run, ctx),
             "issue": render_issue(run, "https://github.example/run/1", "nightly", Scrubber())}
    for spec in render_check_runs(run, ctx):
        texts[f"{spec.name} summary"] = spec.summary
        texts[f"{spec.name} text"] = spec.text
    return texts


@pytest.mark.parametrize("name", list(renderings()))
def test_nothing_posted_links_mentions_or_breaks_lines(name: str) -> None:
    text = renderings()[name]
    assert "\r" not in text
    assert active(text) == {}, name


@pytest.mark.parametrize("name", ["comment", "summary", "issue"])
def test_the_hostile_text_is_still_shown(name: str) -> None:
    """Inert, not removed: with the invisible word joiners taken out, people read what the test said."""
    assert HOSTILE in prose(renderings()[name]).replace("\u2060", "") or HOSTILE in renderings()[name]
