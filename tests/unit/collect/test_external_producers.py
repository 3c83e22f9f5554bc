"""Reports of other tools' test runners and coverage tools become an external tier (collect/external.py,
collect/foreign_coverage.py): counts per producer's format, coverage from Cobertura and LCOV, and the
limits that hold for files from another job's artifact."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa_actions.collect import foreign_coverage
from qa_actions.collect.external import EXTERNAL, ExternalReports, collect_external, parse_spec
from qa_actions.collect.foreign_coverage import LineCount, read_line_count
from qa_actions.collect.junit import parse_junit
from qa_actions.errors import InputError
from qa_actions.evaluate.gates import evaluate
from qa_actions.model import RunInfo, RunResult
from qa_actions.render.comment import render_comment
from qa_actions.render.context import RenderContext

DATA = Path(__file__).parents[2] / "data" / "producers"

# tests, passed, failed, errors, skipped, flaky: counted by hand from each file
PRODUCERS = {
    "jest-junit.xml": (5, 3, 1, 0, 1, 0),
    "mocha-junit-reporter.xml": (3, 2, 1, 0, 0, 0),  # its empty "Root Suite" holds no test
    "go-junit-report.xml": (5, 2, 1, 1, 1, 0),  # properties, CDATA, system-out at suite level
    "surefire.xml": (5, 2, 1, 1, 1, 1),  # a bare <testsuite> root, time="1,020.3", <flakyFailure>
    "phpunit-nested.xml": (4, 3, 1, 0, 0, 0),  # suites three deep (a data provider's)
    "pytest-xunit2.xml": (4, 1, 1, 1, 1, 0),  # one line, no `file` attribute
}


@pytest.mark.parametrize(("name", "expected"), PRODUCERS.items())
def test_each_producers_report_is_counted(name: str, expected: tuple[int, ...]) -> None:
    c = parse_junit(DATA / name).counts
    assert (c.tests, c.passed, c.failed, c.errors, c.skipped, c.flaky) == expected


def test_what_failed_is_named_as_each_producer_names_it() -> None:
    jest = parse_junit(DATA / "jest-junit.xml")
    assert [(f.test, f.file) for f in jest.failures] == [("Cart removes an item", "src/cart.test.js")]
    assert jest.failures[0].message.startswith("Error: expect(received).toBe(expected)")  # no message attribute
    surefire = parse_junit(DATA / "surefire.xml")
    assert surefire.slowest[0].test == "com.example.CartTest::removesAnItem"
    assert surefire.slowest[0].duration_s == 1020.3
    assert surefire.flaky == ["com.example.CartTest::totals"]
    php = parse_junit(DATA / "phpunit-nested.xml").failures[0]
    assert (php.test, php.file, php.line) == ("Tests.CartTest::testTotal with data set #1",
                                               "/app/tests/CartTest.php", 20)  # PHPUnit counts lines from 1


def copy(tmp_path: Path, *names: str) -> Path:
    for name in names:
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def test_an_external_tier_adds_up_its_reports_and_coverage(tmp_path: Path) -> None:
    copy(tmp_path, "jest-junit.xml", "mocha-junit-reporter.xml", "cobertura.xml", "lcov.info")
    spec = ExternalReports("js", ["*junit*.xml"], ["cobertura.xml", "lcov.info"], gate=70, base=tmp_path)
    tier = collect_external(spec)
    assert tier.kind == EXTERNAL and tier.status == "failed"
    assert (tier.counts.tests, tier.counts.passed, tier.counts.failed, tier.counts.skipped) == (8, 5, 2, 1)
    assert tier.duration_s == pytest.approx(1.134 + 0.021)
    assert tier.coverage is not None
    assert (tier.coverage.covered_lines, tier.coverage.num_statements) == (30 + 4, 40 + 7)
    assert tier.coverage.percent == round(100 * 34 / 47, 2) and tier.coverage.gate == 70


def test_no_report_is_an_error_unless_the_tier_may_be_empty(tmp_path: Path) -> None:
    missing = collect_external(ExternalReports("js", ["reports/*.xml"], base=tmp_path))
    assert missing.status == "error" and missing.error_code == "tier-error"
    assert "no JUnit report matched reports/*.xml" in (missing.reason or "")
    allowed = collect_external(ExternalReports("js", ["reports/*.xml"], allow_empty=True, base=tmp_path))
    assert allowed.status == "skipped" and allowed.error_code == "no-tests"


def test_an_unreadable_report_makes_its_tier_an_error_not_the_run(tmp_path: Path) -> None:
    (tmp_path / "junit.xml").write_text('<!DOCTYPE x [<!ENTITY a "b">]><testsuites/>')
    tier = collect_external(ExternalReports("go", ["junit.xml"], base=tmp_path))
    assert tier.status == "error" and "DTD" in (tier.reason or "")
    copy(tmp_path, "go-junit-report.xml")
    (tmp_path / "lcov.info").write_text("DA:1,1\nLF:1\nLH:2\nend_of_record\n")
    bad_coverage = collect_external(ExternalReports("go", ["go-junit-report.xml"], ["lcov.info"], base=tmp_path))
    assert bad_coverage.status == "error" and "LH 2 is more than LF 1" in (bad_coverage.reason or "")


def test_a_gate_without_coverage_files_is_coverage_missing(tmp_path: Path) -> None:
    copy(tmp_path, "mocha-junit-reporter.xml")
    tier = collect_external(ExternalReports("js", ["*.xml"], ["coverage/*.info"], gate=80, base=tmp_path))
    run = evaluate(RunResult(RunInfo("r", "t"), tiers={"js": tier}), {}, "medium")
    assert [p.code for p in run.problems if p.source == "js"] == ["test-failure", "coverage-missing"]


def test_the_external_coverage_gate_decides_the_verdict(tmp_path: Path) -> None:
    """A passing suite: its coverage alone passes or fails the gate of its tier."""
    (tmp_path / "ok.xml").write_text('<testsuite><testcase classname="a" name="b" time="0.1"/></testsuite>')
    copy(tmp_path, "cobertura.xml")  # 75 %
    verdicts = {}
    for gate in (70, 80):
        tier = collect_external(ExternalReports("java", ["ok.xml"], ["cobertura.xml"], gate=gate, base=tmp_path))
        run = evaluate(RunResult(RunInfo("r", "t"), tiers={"java": tier}), {}, "medium")
        verdicts[gate] = (run.verdict, [p.code for p in run.problems])
    assert verdicts == {70: ("passed", []), 80: ("failed", ["coverage-gate"])}


def test_the_comment_counts_the_external_tier(tmp_path: Path) -> None:
    copy(tmp_path, "go-junit-report.xml", "lcov.info")
    tier = collect_external(ExternalReports("go", ["*.xml"], ["lcov.info"], base=tmp_path))
    run = evaluate(RunResult(RunInfo("r", "t"), tiers={"go": tier}), {}, "medium")
    comment = render_comment(run, RenderContext())
    row = next(line for line in comment.splitlines() if line.startswith("| **go** |"))
    assert [cell.strip() for cell in row.split("|")[2:5]] == ["2", "**2**", "1"]  # passed, failed + errors, skipped
    assert "57.14%" in row
    assert "example.com/shop/db::TestConnect" in comment


@pytest.mark.parametrize(("text", "expected"), [
    ("js=web/reports/*.xml", ("js", "web/reports/*.xml")),
    (" go = out/junit.xml", ("go", "out/junit.xml")),
    ("reports/a=b.xml", (EXTERNAL, "reports/a=b.xml")),
    ("web/reports/*.xml", (EXTERNAL, "web/reports/*.xml")),
])
def test_a_spec_names_its_tier_or_is_the_external_tiers(text: str, expected: tuple[str, str]) -> None:
    assert parse_spec(text) == expected


def test_a_spec_with_a_bad_tier_name_is_refused() -> None:
    with pytest.raises(InputError, match="tier name 'JS'"):
        parse_spec("JS=web/*.xml")


def test_cobertura_totals_come_from_the_root_else_from_the_class_lines(tmp_path: Path) -> None:
    assert read_line_count(DATA / "cobertura.xml") == LineCount(30, 40)  # its DOCTYPE line is accepted
    counted = tmp_path / "counted.xml"
    text = (DATA / "cobertura.xml").read_text().replace('lines-valid="40" lines-covered="30" ', "")
    counted.write_text(text)
    assert read_line_count(counted) == LineCount(3, 4)  # the method's repeat of line 2 is not counted again


def test_lcov_totals_come_from_lf_lh_else_from_da_lines() -> None:
    assert read_line_count(DATA / "lcov.info") == LineCount(2 + 2, 3 + 4)


@pytest.mark.parametrize(("content", "message"), [
    ('<!DOCTYPE coverage [<!ENTITY x "y">]><coverage lines-valid="1" lines-covered="1"/>', "internal DTD"),
    ('<?xml version="1.0"?><report/>', "not a Cobertura report"),
    ('<coverage lines-valid="1" lines-covered="2"/>', "lines-covered 2 is more than lines-valid 1"),
    ('<coverage lines-valid="1e9" lines-covered="1"/>', "not a count of lines"),
    ("<coverage>" + "<a>" * 70, "nested more than"),
    ("<coverage", "malformed XML"),
    ("hello\nworld\n", "neither a Cobertura XML nor an LCOV report"),
    ("SF:a.js\nDA:1,1\n", "no `end_of_record`"),
    ("SF:a.js\nDA:x,1\nend_of_record\n", "DA line 'x' is not a count of lines"),
    ("SF:a.js\nDA:1\nend_of_record\n", "not an LCOV report"),
])
def test_a_hostile_or_broken_coverage_report_is_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "report"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        read_line_count(path)


def test_coverage_reports_over_the_limits_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    long_line = tmp_path / "long.info"
    long_line.write_bytes(b"SF:" + b"a" * (foreign_coverage.MAX_LINE_BYTES + 10) + b"\nend_of_record\n")
    with pytest.raises(InputError, match="is over"):
        read_line_count(long_line)
    monkeypatch.setattr(foreign_coverage, "MAX_COVERAGE_BYTES", 100)
    with pytest.raises(InputError, match="limit"):
        read_line_count(DATA / "cobertura.xml")
