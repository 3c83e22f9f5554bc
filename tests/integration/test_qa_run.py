"""`qa` as a user runs it, on copies of the sample project, broken in the ways users break things."""

import shutil
from pathlib import Path

import pytest
from conftest import add_config, results_of


def no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr


def test_sample_project_passes_every_gate(sample_project: Path, run_qa, errors_of) -> None:
    done = run_qa("run", sample_project, "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    results = results_of(sample_project)
    assert list(results["tiers"]) == ["unit", "integration", "chaos", "acid", "smoke"]
    assert all(t["status"] == "passed" for t in results["tiers"].values())
    assert results["tiers"]["unit"]["coverage"]["percent"] >= 80
    assert results["tiers"]["integration"]["coverage"]["percent"] >= 60
    assert results["verdict"] == "passed"
    assert errors_of(sample_project) == []
    assert "verdict: PASSED" in done.stdout
    assert "▶ tier unit (1/5)" in done.stderr
    for tier in ("unit", "integration"):
        assert (sample_project / "qa-results" / tier / "coverage.json").is_file()
    assert (sample_project / ".errors" / "summary.md").read_text().count("No problems.") == 1
    scans = results["scans"]
    assert {name: scan["status"] for name, scan in scans.items()} == {"bandit": "passed", "safety": "passed",
                                                                     "test-data": "passed"}
    assert [f["rule"] for f in scans["bandit"]["suppressed"]] == ["B608"]  # the sample's one baselined finding
    assert scans["safety"]["targets"] == ["requirements.txt"]
    (bandit_row,) = [line.split() for line in done.stdout.splitlines() if line.startswith("bandit ")]
    assert bandit_row[:5] == ["bandit", "0", "0", "0", "0"] and bandit_row[-4:] == ["passed", "—", "1", "baselined"]
    assert (sample_project / "qa-results" / "security.sarif").is_file()


def test_failing_unit_test_is_high(sample_project: Path, run_qa, errors_of) -> None:
    test = sample_project / "tests" / "unit" / "test_money.py"
    original = test.read_text()
    test.write_text(original + "\n\ndef test_broken():\n    assert Money(1) == Money(2)\n")
    failing_line = len(original.splitlines()) + 4
    done = run_qa("run", sample_project, "-q", "--tiers", "unit")
    assert done.returncode == 1
    (problem,) = errors_of(sample_project)
    assert (problem["category"], problem["source"], problem["code"]) == ("high", "unit", "test-failure")
    assert problem["file"] == "tests/unit/test_money.py" and problem["line"] == failing_line
    assert "test_broken" in problem["message"]
    assert set(problem) >= {"time", "category", "source", "code", "message", "file", "line", "run_id"}
    assert results_of(sample_project)["tiers"]["unit"]["counts"]["failed"] == 1
    # the console names it, with where it failed and why, after the table
    assert "failing tests in unit: 1\n  ✗ tests/unit/test_money.py::test_broken  " \
           f"tests/unit/test_money.py:{failing_line}  AssertionError: assert Money(cents=1" in done.stdout
    assert "    unit test-failure: 1 failing test, listed above\n      fix: rerun it" in done.stdout
    assert "\x1b[" not in done.stdout  # piped: plain text
    assert not any(line.startswith("::") for line in done.stdout.splitlines())  # not in Actions: no group


def test_coverage_under_the_gate_is_medium(sample_project: Path, run_qa, errors_of) -> None:
    for name in ("test_api.py", "test_store.py", "test_importer.py"):
        (sample_project / "tests" / "unit" / name).unlink()
    done = run_qa("run", sample_project, "-q", "--tiers", "unit")
    assert done.returncode == 1
    (problem,) = errors_of(sample_project)
    assert (problem["category"], problem["code"]) == ("medium", "coverage-gate")
    assert "below the 80% gate" in problem["message"]
    assert "✗" in done.stdout


def test_smoke_failure_is_critical(sample_project: Path, run_qa, errors_of) -> None:
    test = sample_project / "tests" / "smoke" / "test_service_up.py"
    test.write_text(test.read_text().replace('{"status": "ok"}', '{"status": "down"}'))
    done = run_qa("run", sample_project, "-q", "--tiers", "smoke,acid")
    assert done.returncode == 1
    (problem,) = errors_of(sample_project)
    assert (problem["category"], problem["source"]) == ("critical", "smoke")


def test_a_tier_without_tests_fails_unless_it_may_be_empty(sample_project: Path, run_qa, errors_of) -> None:
    shutil.rmtree(sample_project / "tests" / "chaos")
    done = run_qa("run", sample_project, "-q", "--tiers", "chaos acid")  # a space-separated list
    assert done.returncode == 1
    chaos = results_of(sample_project)["tiers"]["chaos"]
    assert (chaos["status"], chaos["error_code"]) == ("failed", "no-tests")
    assert "failed — no tests found: looked in tests/chaos" in done.stdout
    (problem,) = errors_of(sample_project)
    assert (problem["category"], problem["source"], problem["code"]) == ("high", "chaos", "no-tests")
    assert problem["message"] == "no tests found: looked in tests/chaos"
    add_config(sample_project, "[tool.qa.tiers.chaos]\nallow-empty = true\n")
    done = run_qa("run", sample_project, "-q", "--tiers", "chaos,acid")
    assert done.returncode == 0, done.stdout
    chaos = results_of(sample_project)["tiers"]["chaos"]
    assert chaos["status"] == "skipped" and chaos["reason"] == "no tests (tests/chaos not found)"
    assert errors_of(sample_project) == []


def test_all_and_none_select_every_enabled_tier_or_scan_or_nothing(sample_project: Path, run_qa) -> None:
    pyproject = sample_project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "".join(f"\n[tool.qa.tiers.{name}]\nenabled = false\n"
                                                         for name in ("unit", "integration", "chaos", "acid")))
    done = run_qa("run", sample_project, "-q", "--tiers", "all", "--scans", "none")
    assert done.returncode == 0, done.stdout + done.stderr
    results = results_of(sample_project)
    assert (list(results["tiers"]), results["scans"]) == (["smoke"], {})
    done = run_qa("run", sample_project, "-q", "--tiers", "none", "--scans", "all")
    assert done.returncode == 0, done.stdout + done.stderr
    results = results_of(sample_project)
    assert (results["tiers"], list(results["scans"])) == ({}, ["bandit", "safety", "test-data"])


def test_scans_alone_select_the_scans_and_every_enabled_tier(sample_project: Path, run_qa) -> None:
    pyproject = sample_project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "".join(f"\n[tool.qa.tiers.{name}]\nenabled = false\n"
                                                         for name in ("unit", "integration", "chaos", "smoke")))
    done = run_qa("run", sample_project, "-q", "--scans", "none")
    assert done.returncode == 0, done.stdout + done.stderr
    results = results_of(sample_project)
    assert (list(results["tiers"]), results["scans"]) == (["acid"], {})
    assert results["tiers"]["acid"]["counts"]["passed"] > 0


@pytest.mark.parametrize("args", [("--tiers", "none", "--scans", "none"), ("--tiers", "none")])
def test_a_run_that_selects_nothing_says_how_to_select(sample_project: Path, run_qa, args: tuple[str, ...]) -> None:
    done = run_qa("run", sample_project, "-q", *args)
    assert done.returncode == 2 and not (sample_project / "qa-results").exists()
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("qa: error: nothing to run: --tiers none") and "--tiers (unit,smoke or all)" in line


def test_a_project_without_tests_is_never_green(tmp_path: Path, run_qa, errors_of) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "empty"\nversion = "0"\n')
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "__init__.py").write_text("")
    done = run_qa("run", tmp_path, "-q", "--scans", "none")
    assert done.returncode == 1, done.stdout + done.stderr
    no_traceback(done.stderr)
    problems = errors_of(tmp_path)
    assert problems[0]["code"] == "nothing-ran" and problems[0]["category"] == "critical"
    assert "\n" not in problems[0]["message"] and problems[0]["message"].startswith("nothing was tested")
    unit = next(p for p in problems if p["source"] == "unit")
    assert (unit["code"], unit["category"]) == ("no-tests", "high")
    assert unit["message"] == ("no tests found: looked in tests/unit, tests/integration, tests/chaos,"
                               " tests/acid, tests/smoke, pytest markers, testpaths, tests/, test/,"
                               " the project's root, src/*/tests, */tests")
    assert "verdict: FAILED" in done.stdout and "does not exist" not in done.stdout + done.stderr
    # later steps over the same results agree, and the coverage gate alone cannot pass on no data
    assert run_qa("gate", "--project", tmp_path).returncode == 1
    done = run_qa("gate", "--project", tmp_path, "--coverage-only")
    assert done.returncode == 1
    missing = [p for p in errors_of(tmp_path) if p["code"] == "coverage-missing"]
    assert [p["source"] for p in missing] == ["unit"]  # the only tier on: the seed's others were not found
    assert missing[0]["message"].startswith("no coverage data for the 80% gate")


def test_malformed_junit_fed_to_collect(sample_project: Path, run_qa) -> None:
    assert run_qa("run", sample_project, "-q", "--tiers", "acid").returncode == 0
    (sample_project / "qa-results" / "acid" / "junit.xml").write_text("<testsuites><testcase>")
    done = run_qa("collect", "--project", sample_project)
    assert done.returncode == 2
    no_traceback(done.stderr)
    assert done.stderr.strip().splitlines() == [
        f"qa: error: {sample_project / 'qa-results' / 'acid' / 'junit.xml'}: malformed XML "
        "(the file is empty or cut short)"]


def test_unknown_config_key(sample_project: Path, run_qa) -> None:
    add_config(sample_project, "[tool.qa.tiers.unit]\ncoverag = 90\n")
    done = run_qa("run", sample_project)
    assert done.returncode == 2
    no_traceback(done.stderr)
    assert done.stderr.strip() == (f"qa: error: {sample_project / 'pyproject.toml'}: unknown key "
                                   "`tool.qa.tiers.unit.coverag` (did you mean `coverage`?)")
    assert not (sample_project / "qa-results").exists()


def test_whole_tier_timeout_is_critical(sample_project: Path, run_qa, errors_of) -> None:
    (sample_project / "tests" / "acid" / "test_slow.py").write_text(
        "import time\n\ndef test_hangs():\n    time.sleep(60)\n")
    add_config(sample_project, "[tool.qa.tiers.acid]\ntier-timeout = 3\n")
    done = run_qa("run", sample_project, "-q", "--tiers", "acid")
    assert done.returncode == 1
    (problem,) = errors_of(sample_project)
    assert (problem["category"], problem["code"]) == ("critical", "tier-timeout")
    assert "tier-timeout = 3 s" in problem["message"]


def test_per_test_timeout_fails_the_test(sample_project: Path, run_qa, errors_of) -> None:
    (sample_project / "tests" / "slow").mkdir()
    (sample_project / "tests" / "slow" / "test_slow.py").write_text(
        "import time\n\ndef test_hangs():\n    time.sleep(60)\n")
    add_config(sample_project, "[tool.qa.tiers.slow]\ntimeout = 1\n")
    done = run_qa("run", sample_project, "-q", "--tiers", "slow")
    assert done.returncode == 1
    (problem,) = errors_of(sample_project)
    assert (problem["code"], problem["source"]) == ("test-failure", "slow")
    assert "Timeout" in problem["message"]


@pytest.mark.parametrize(
    ("toml", "code", "words"),
    [
        ('[tool.qa]\npython = "/nonexistent/python"\n', "missing-tool", "cannot start the test interpreter"),
        ('[tool.qa.tiers.acid]\npytest-args = ["--no-such-option"]\n', "tier-error", "unrecognized arguments"),
    ],
)
def test_tier_that_cannot_run_is_critical(sample_project: Path, run_qa, errors_of, toml: str, code: str,
                                          words: str) -> None:
    add_config(sample_project, toml)
    done = run_qa("run", sample_project, "-q", "--tiers", "acid")
    assert done.returncode == 1
    no_traceback(done.stderr)
    (problem,) = errors_of(sample_project)
    assert (problem["category"], problem["code"]) == ("critical", code)
    assert words in problem["message"]


def test_tier_then_collect_then_gate(sample_project: Path, run_qa, errors_of) -> None:
    done = run_qa("tier", "unit", "--project", sample_project, "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    folder = sample_project / "qa-results" / "unit"
    assert {p.name for p in folder.iterdir()} >= {"junit.xml", "coverage.json", "tier.json", "output.log"}
    assert run_qa("collect", "--project", sample_project).returncode == 0
    (sample_project / "pyproject.toml").write_text(
        (sample_project / "pyproject.toml").read_text()
        + "\n[tool.qa.categories]\n'coverage-gate' = 'low'\n[tool.qa.tiers.unit]\ncoverage = 99.9\n")
    done = run_qa("gate", "--project", sample_project, "--tiers", "unit")  # the tiers this workflow runs
    assert done.returncode == 0
    (problem,) = errors_of(sample_project)
    assert (problem["code"], problem["category"]) == ("coverage-gate", "low")
    # without --tiers every enabled tier with tests must be in the results
    done = run_qa("gate", "--project", sample_project)
    assert done.returncode == 1
    missing = {p["source"] for p in errors_of(sample_project) if p["code"] == "tier-missing"}
    assert missing == {"integration", "chaos", "acid", "smoke"}
    assert {p["category"] for p in errors_of(sample_project) if p["code"] == "tier-missing"} == {"critical"}


def test_gate_without_results(tmp_path: Path, run_qa) -> None:
    done = run_qa("gate", "--project", tmp_path)
    assert done.returncode == 2
    assert "results.json not found: run `qa collect` (or `qa run`) first" in done.stderr
