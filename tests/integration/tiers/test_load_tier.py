"""The load tier runs real locust against a loopback target it starts, waits for and always stops."""

import json
import shutil
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import results_of

REPO = Path(__file__).resolve().parents[3]

LOCUSTFILE = REPO / "tests" / "data" / "load" / "locustfile.py"
STATIC_SERVER = '["{python}", "-m", "http.server", "{port}", "--bind", "127.0.0.1", "--directory", "{project}/site"]'


def load_project(root: Path, tier: str) -> Path:
    project = root / "project"
    (project / "tests" / "load").mkdir(parents=True)
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("<p>hello</p>\n")
    shutil.copy(LOCUSTFILE, project / "tests" / "load" / "locustfile.py")
    (project / "pyproject.toml").write_text(f'[project]\nname = "demo"\nversion = "0"\n\n[tool.qa.tiers.load]\n{tier}')
    return project


def listening(url: str) -> bool:
    parts = urlsplit(url)
    with socket.socket() as sock:
        return sock.connect_ex((parts.hostname, parts.port)) == 0


def test_thresholds_missed_are_medium_problems(tmp_path: Path, run_qa, errors_of) -> None:
    project = load_project(tmp_path, f'host = "http://127.0.0.1:{{port}}"\nstart = {STATIC_SERVER}\n'
                                     'users = 4\nspawn-rate = 4\nrun-time = 2\n'
                                     'p95-ms = 5000\nfail-ratio = 0.05\nrps-min = 100000\n')
    done = run_qa("tier", "load", "--project", project, "-q")
    assert done.returncode == 1, done.stdout + done.stderr
    assert run_qa("collect", "--project", project).returncode == 0
    assert run_qa("gate", "--project", project).returncode == 1
    tier = results_of(project)["tiers"]["load"]
    assert (tier["status"], tier["kind"]) == ("failed", "load")
    load, total = tier["load"], tier["load"]["total"]
    assert total["requests"] > 20 and 0 < total["failures"] < total["requests"]
    assert 0 < total["p50_ms"] <= total["p95_ms"] <= total["p99_ms"] <= total["max_ms"]
    assert total["rps"] > 5
    assert sum(e["requests"] for e in load["endpoints"]) == total["requests"]
    assert {e["name"] for e in load["endpoints"]} == {"/index.html", "/missing.html"}
    (error,) = load["errors"]
    assert error["name"] == "/missing.html" and "404" in error["message"]
    assert load["thresholds"] == {"p95_ms": 5000.0, "fail_ratio": 0.05, "rps_min": 100000.0}
    problems = sorted((p["code"], p["category"], p["message"].split(" ")[0]) for p in errors_of(project))
    assert problems == [("load-threshold", "medium", str(total["failures"])),
                        ("load-threshold", "medium", "throughput")]
    assert not listening(load["host"]), "the target was left running"
    folder = project / "qa-results" / "load"
    assert {"locust.json", "locust_stats.csv", "locust_failures.csv", "target.log", "output.log"} <= {
        p.name for p in folder.iterdir()}
    assert "req/s ≥ 100000 ✗" in run_qa("gate", "--project", project).stdout


def test_a_slow_start_does_not_cut_the_run_short(tmp_path: Path, run_qa) -> None:
    """Imports that take seconds (a fresh runner compiling bytecode) left gevent's clock behind, and
    locust's --run-time timer fired that much early: the run lasts its run-time all the same."""
    project = load_project(tmp_path, f'host = "http://127.0.0.1:{{port}}"\nstart = {STATIC_SERVER}\n'
                                     'users = 2\nspawn-rate = 2\nrun-time = 2\n')
    locustfile = project / "tests" / "load" / "locustfile.py"
    # a slow import: busy, not asleep (a sleep would let gevent run its loop)
    slow = "import time\nend = time.monotonic() + 2.5\nwhile time.monotonic() < end:\n    pass\n"
    locustfile.write_text(slow + locustfile.read_text())
    run_qa("tier", "load", "--project", project, "-q")
    stats = json.loads((project / "qa-results" / "load" / "locust.json").read_text())
    lasted = max(s["last_request_timestamp"] for s in stats) - min(s["start_time"] for s in stats)
    assert lasted >= 1.5, f"the run lasted {lasted:.2f} s of its 2 s"


@pytest.mark.parametrize(
    ("tier", "words"),
    [
        ('host = "http://127.0.0.1:{port}"\nstart = ["{python}", "-c", "import sys; sys.exit(3)"]\n',
         "the target exited with 3 before it was ready"),
        ('host = "http://127.0.0.1:{port}"\nstart = ["{python}", "-c", "import time; time.sleep(60)"]\n'
         "ready-timeout = 1\n", "did not answer http://127.0.0.1:"),
        ('host = "http://127.0.0.1:{port}"\n', "only means something with a `start` command"),
    ],
    ids=["target-exits", "target-never-ready", "port-without-start"],
)
def test_a_target_that_cannot_serve_is_a_critical_tier_error(tmp_path: Path, run_qa, errors_of, tier: str,
                                                             words: str) -> None:
    project = load_project(tmp_path, tier)
    done = run_qa("run", project, "--tiers", "load", "-q")
    assert done.returncode == 1, done.stdout + done.stderr
    (problem,) = errors_of(project)
    assert (problem["code"], problem["category"], problem["source"]) == ("tier-error", "critical", "load")
    assert words in problem["message"]


def test_broken_locustfile_is_a_tier_error(tmp_path: Path, run_qa, errors_of) -> None:
    project = load_project(tmp_path, 'host = "http://127.0.0.1:9"\n')
    (project / "tests" / "load" / "locustfile.py").write_text("from locust import HttpUser\nclass Broken(HttpUser:\n")
    done = run_qa("run", project, "--tiers", "load", "-q")
    assert done.returncode == 1
    (problem,) = errors_of(project)
    assert (problem["code"], problem["category"]) == ("tier-error", "critical")
    assert problem["message"].startswith("locust exited with 1")


def test_load_tier_is_off_unless_named(tmp_path: Path, run_qa) -> None:
    project = load_project(tmp_path, 'host = "http://127.0.0.1:9"\n')
    (project / "tests" / "smoke").mkdir()
    (project / "tests" / "smoke" / "test_up.py").write_text("def test_up():\n    assert True\n")
    off = "".join(f"\n[tool.qa.tiers.{name}]\nenabled = false\n" for name in ("unit", "integration", "chaos", "acid"))
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text()
                                            + "\n[tool.qa.security]\nenabled = false\n" + off)
    done = run_qa("run", project, "-q")
    assert done.returncode == 0, done.stdout
    assert list(results_of(project)["tiers"]) == ["smoke"]  # a run tests something, and load is not in it
