"""The loopback GitHub API as a standalone process (as workflows run with act will use it), with `qa publish`
run as a user would: the installed CLI in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sample_results import failing_run

from qa_actions.model import save_results

SERVER = Path(__file__).parents[1] / "github_api.py"
HEAD = "c" * 40


def test_standalone_server_records_what_qa_publish_posts(tmp_path: Path, run_qa) -> None:
    url_file, record = tmp_path / "url", tmp_path / "requests.jsonl"
    server = subprocess.Popen([sys.executable, str(SERVER), "--port", "0", "--prefix", "/api/v3",
                               "--url-file", str(url_file), "--record", str(record), "--repo", "org/repo",
                               "--pull", f"7:{HEAD}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not url_file.exists() and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.05)
        api = url_file.read_text().strip()
        assert api.startswith("http://127.0.0.1:") and api.endswith("/api/v3")

        project = tmp_path / "project"
        project.mkdir()
        (project / "pyproject.toml").write_text("[tool.qa.report]\nwrite-interval = 0\n")
        save_results(failing_run(), project / "qa-results" / "results.json")
        event = tmp_path / "event.json"
        event.write_text(json.dumps({"pull_request": {"number": 7, "head": {"sha": HEAD}, "base": {"sha": "b" * 40}}}))
        env = {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "org/repo", "GITHUB_API_URL": api,
               "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event), "GITHUB_WORKFLOW": "qa",
               "GITHUB_JOB": "report", "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
        done = run_qa("publish", "--project", project, env=env, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "comment on pull request #7: created" in done.stdout

        lines = [json.loads(line) for line in record.read_text().splitlines()]
        calls = [(r["method"], r["path"]) for r in lines]
        assert calls[:7] == [("POST", "/repos/org/repo/check-runs")] * 7  # first, so the comment links them
        assert calls[-2:] == [("GET", "/repos/org/repo/issues/7/comments"),
                              ("POST", "/repos/org/repo/issues/7/comments")]
        assert all(r["authorized"] for r in lines)
        root = api.removesuffix("/api/v3")
        with urllib.request.urlopen(f"{root}/_fake/state", timeout=10) as response:
            state = json.load(response)["org/repo"]
        assert len(state["comments"]["7"]) == 1 and len(state["check_runs"]) == 7
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert server.returncode == 0, server.stderr.read() if server.stderr else ""
