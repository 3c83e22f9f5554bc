"""A real `qa run` of the sample project, then `qa publish` (the real PyGithub client against the
loopback GitHub API) and `qa dashboard`: the step outputs carry the pages GitHub answered with, and
the dashboard's badges say what the run did."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import add_config, qa
from github_api import FakeGitHub

REPO = "org/ledger"
PR_HEAD = "a" * 40
FAST = "[tool.qa.report]\nretries = 0\nwrite-interval = 0\n"
SVG = "{http://www.w3.org/2000/svg}"


def read_outputs(path: Path) -> dict[str, str]:
    """$GITHUB_OUTPUT as the runner reads it: `name=value` lines and `name<<DELIMITER` here-documents."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text().splitlines())
    for line in lines:
        heredoc = re.fullmatch(r"([A-Za-z0-9_-]+)<<(\S+)", line)
        if heredoc:
            body = []
            for inner in lines:
                if inner == heredoc[2]:
                    break
                body.append(inner)
            outputs[heredoc[1]] = "\n".join(body)
        else:
            name, _, value = line.partition("=")
            outputs[name] = value
    return outputs


def actions_env(tmp_path: Path, api: FakeGitHub) -> dict[str, str]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {
        "number": 7, "head": {"sha": PR_HEAD, "repo": {"full_name": REPO}},
        "base": {"sha": "b" * 40, "repo": {"full_name": REPO}}}}))
    return {"GITHUB_TOKEN": "token-for-the-fake-api", "GITHUB_REPOSITORY": REPO, "GITHUB_API_URL": api.url,
            "GITHUB_SERVER_URL": "https://github.example", "GITHUB_RUN_ID": "41", "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_WORKFLOW": "qa", "GITHUB_JOB": "report", "GITHUB_SHA": PR_HEAD,
            "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event), "GITHUB_REF_NAME": "main",
            "GITHUB_OUTPUT": str(tmp_path / "github-output.txt"),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}


def badge_texts(svg: Path) -> list[str]:
    """The texts a reader sees (the shadow copies left out), after parsing the file as XML."""
    root = ET.fromstring(svg.read_text())
    assert root.tag == f"{SVG}svg" and root.get("height") == "20"
    return [t.text or "" for t in root.iter(f"{SVG}text") if t.get("aria-hidden") != "true"]


def test_publish_outputs_the_comment_and_check_run_pages_and_the_badges_follow(
        sample_project: Path, github_api: FakeGitHub, tmp_path: Path) -> None:
    add_config(sample_project, FAST)
    github_api.add_pull(REPO, 7, PR_HEAD)
    env = actions_env(tmp_path, github_api)
    output = Path(env["GITHUB_OUTPUT"])

    ran = qa("run", sample_project, "-q", "--tiers", "unit,smoke", "--scans", "none")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    published = qa("publish", "--project", sample_project, env=env)
    assert published.returncode == 0, published.stdout + published.stderr

    outputs = read_outputs(output)
    (comment,) = github_api.comments(REPO, 7)
    assert outputs["comment-url"] == comment["html_url"] == f"https://github.example/{REPO}/pull/7#issuecomment-" \
                                                           f"{comment['id']}"
    pages = {c["name"]: c["html_url"] for c in github_api.check_runs(REPO)}
    assert set(pages) == {"qa / unit", "qa / smoke", "qa / coverage", "qa / verdict"}
    assert json.loads(outputs["check-runs"]) == pages
    assert all(re.fullmatch(rf"https://github\.example/{REPO}/runs/\d+", url) for url in pages.values())

    counts = json.loads((sample_project / "qa-results" / "results.json").read_text())["tiers"]
    unit, smoke = counts["unit"]["counts"], counts["smoke"]["counts"]
    assert unit["tests"] > 100 and unit["failed"] == 0
    assert (outputs["tier-unit-tests"], outputs["tier-unit-passed"], outputs["tier-unit-failed"]) == \
        (str(unit["tests"]), str(unit["passed"]), "0")
    assert (outputs["tier-smoke-tests"], outputs["tier-unit-status"], outputs["tier-smoke-status"]) == \
        (str(smoke["tests"]), "passed", "passed")
    tiers = json.loads(outputs["tiers"])
    coverage = counts["unit"]["coverage"]["percent"]
    assert tiers["unit"] == {"status": "passed", **unit, "coverage": coverage}
    assert tiers["smoke"]["coverage"] is None and outputs["coverage-unit"] == f"{coverage:.2f}"
    # the same pages on a second publish: the comment is found unchanged, the check runs are new ones
    output.write_text("")
    assert qa("publish", "--project", sample_project, env=env).returncode == 0
    again = read_outputs(output)
    assert again["comment-url"] == comment["html_url"]
    assert set(json.loads(again["check-runs"]).values()) - set(pages.values()) == set(json.loads(
        again["check-runs"]).values())

    for step in (("history", "add"), ("dashboard",)):
        done = qa(*step, "--project", sample_project, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    badges = sample_project / "qa-results" / "dashboard" / "badges"
    assert sorted(p.name for p in badges.iterdir()) == [
        "coverage-unit.json", "coverage-unit.svg", "coverage.json", "coverage.svg", "status.json", "status.svg"]
    shown = f"{int(coverage * 10) / 10:.1f}%"
    assert badge_texts(badges / "status.svg") == ["qa", "passing"]
    assert badge_texts(badges / "coverage.svg") == ["coverage", shown]
    assert badge_texts(badges / "coverage-unit.svg") == ["coverage unit", shown]
    assert json.loads((badges / "status.json").read_text()) == {
        "schemaVersion": 1, "label": "qa", "message": "passing", "color": "brightgreen"}
    assert json.loads((badges / "coverage.json").read_text())["message"] == shown


def test_a_failing_run_without_coverage_gets_failing_and_unknown_badges(
        sample_project: Path, tmp_path: Path) -> None:
    (sample_project / "tests" / "smoke" / "test_broken.py").write_text("def test_broken():\n    assert False\n")
    ran = qa("run", sample_project, "-q", "--tiers", "smoke", "--scans", "none")
    assert ran.returncode == 1, ran.stdout + ran.stderr
    report = qa("report", "--project", sample_project, env={"GITHUB_OUTPUT": str(tmp_path / "out.txt")})
    assert report.returncode == 0, report.stderr
    outputs = read_outputs(tmp_path / "out.txt")
    assert (outputs["comment-url"], outputs["check-runs"]) == ("", "{}")  # qa report posts nothing
    assert (outputs["tier-smoke-status"], outputs["tier-smoke-failed"]) == ("failed", "1")

    env = {"GITHUB_REF_NAME": "main", "GITHUB_RUN_ID": "8"}
    for step in (("history", "add"), ("dashboard",)):
        done = qa(*step, "--project", sample_project, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    badges = sample_project / "qa-results" / "dashboard" / "badges"
    assert sorted(p.name for p in badges.iterdir()) == ["coverage.json", "coverage.svg", "status.json", "status.svg"]
    assert badge_texts(badges / "status.svg") == ["qa", "failing"]
    assert badge_texts(badges / "coverage.svg") == ["coverage", "unknown"]
    assert json.loads((badges / "status.json").read_text())["color"] == "red"
    assert json.loads((badges / "coverage.json").read_text()) == {
        "schemaVersion": 1, "label": "coverage", "message": "unknown", "color": "lightgrey"}
