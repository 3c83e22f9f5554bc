import tracemalloc
from pathlib import Path

import pytest

from qa_actions.collect.junit import MAX_FAILURES, iter_cases, parse_junit
from qa_actions.collect.merge import collect
from qa_actions.errors import InputError
from qa_actions.manifest import TierManifest, write_manifest
from qa_actions.model import RunInfo

DATA = Path(__file__).parents[2] / "data" / "junit"


def test_pytest_report() -> None:
    report = parse_junit(DATA / "pytest-xunit1.xml")
    c = report.counts
    assert (c.tests, c.passed, c.failed, c.errors, c.skipped, c.flaky) == (5, 2, 1, 1, 1, 0)
    failure, error = report.failures
    assert failure.test == "tests/unit/test_money.py::TestStr::test_str"
    assert (failure.file, failure.line, failure.kind) == ("tests/unit/test_money.py", 33, "failure")
    assert failure.message == "AssertionError: assert 'EUR 0.00' == 'EUR 0.01'"
    assert "E       AssertionError" in failure.traceback
    assert error.kind == "error" and (error.file, error.line) == ("tests/conftest.py", 12)
    assert error.test == "tests/unit/test_money.py::test_setup"
    assert report.slowest[0].test == "tests/unit/test_money.py::TestStr::test_str"
    assert report.duration_s == pytest.approx(0.281)


def test_other_producers_nested_suites_and_missing_attributes() -> None:
    report = parse_junit(DATA / "surefire-nested.xml")
    c = report.counts
    assert (c.tests, c.passed, c.failed, c.errors, c.skipped, c.flaky) == (6, 4, 1, 1, 0, 1)
    failure, error = report.failures
    assert failure.test == "com.example.CartTest::removesItem"
    assert failure.message == "expected:<1> but was:<2>"
    assert failure.file is None and failure.line is None
    assert error.test == "err" and error.message == "error"
    assert report.slowest[0].duration_s == 1234.5  # "1,234.5" as some producers write it
    assert {t.test for t in report.slowest} >= {"<unnamed>", "no-classname"}


def test_single_testsuite_root() -> None:
    report = parse_junit(DATA / "single-suite.xml")
    assert (report.counts.tests, report.counts.failed) == (2, 1)
    assert report.failures[0].message == "Expected 2, received 3"


@pytest.mark.parametrize("name", ["billion-laughs.xml", "external-entity.xml"])
def test_hostile_xml_is_refused(name: str) -> None:
    with pytest.raises(InputError, match="refused: the file declares a DTD"):
        parse_junit(DATA / name)


def test_a_dtd_is_refused_wherever_the_prolog_ends(tmp_path: Path) -> None:
    """The DTD check reads the prolog in chunks: a declaration after 100 KB of comments is still found,
    one without any entity is refused too, and a long prolog without one is fine."""
    path = tmp_path / "junit.xml"
    comment = "<!--" + "x" * 100_000 + "-->"
    path.write_text(f"<?xml version='1.0'?>{comment}<!DOCTYPE testsuite><testsuite><testcase name='a'/></testsuite>")
    with pytest.raises(InputError, match="refused: the file declares a DTD"):
        parse_junit(path)
    path.write_text(f"<?xml version='1.0'?>{comment}<testsuite><testcase name='a'>&amp;</testcase></testsuite>")
    assert parse_junit(path).counts.passed == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty or cut short"),
        ("<testsuite><testcase name='a'>&xxe;</testcase></testsuite>", "malformed XML (undefined entity"),
        ("<testsuites><testsuite><testcase name='a'>", "the file is empty or cut short"),
        ("<testsuites><testcase></testsuites>", "malformed XML (mismatched tag"),
        ("<html><body/></html>", "not a JUnit report (root element <html>)"),
        ("not xml at all", "malformed XML (syntax error"),
    ],
)
def test_malformed_xml_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(content)
    with pytest.raises(InputError) as caught:
        parse_junit(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text("<testsuites>" + " " * 2000 + "</testsuites>")
    with pytest.raises(InputError, match="over the 1,000-byte limit"):
        parse_junit(path, max_bytes=1000)


def test_failure_details_are_bounded(tmp_path: Path) -> None:
    long_message, long_text = "x" * 5000, "line\n" * 500
    cases = "".join(f"<testcase name='t{i}'><failure message='{long_message}'>{long_text}</failure></testcase>"
                    for i in range(MAX_FAILURES + 20))
    path = tmp_path / "junit.xml"
    path.write_text(f"<testsuite>{cases}</testsuite>")
    report = parse_junit(path)
    assert report.counts.failed == MAX_FAILURES + 20
    assert len(report.failures) == MAX_FAILURES
    assert max(len(f.message) for f in report.failures) == 1000
    assert all(f.traceback.startswith("… 460 lines cut …") for f in report.failures)


def write_cases(path: Path, count: int) -> None:
    with path.open("w") as handle:
        handle.write("<testsuites><testsuite name='s'>")
        for i in range(count):
            handle.write(f"<testcase classname='tests.test_big' name='test_{i}' time='0.001'>"
                         "<system-out>some output that is dropped</system-out></testcase>")
        handle.write("<testcase name='last'><failure message='boom'/></testcase></testsuite></testsuites>")


def peak_memory(path: Path) -> int:
    tracemalloc.start()
    try:
        parse_junit(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_passing_tests(tmp_path: Path) -> None:
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    write_cases(small, 2_000)
    write_cases(large, 20_000)
    assert parse_junit(large).counts.tests == 20_001
    assert peak_memory(large) < 2 * peak_memory(small) + 512 * 1024


def collector_peak(results: Path) -> int:
    tracemalloc.start()
    try:
        run = collect(results, RunInfo("r", "2026-11-28T00:00:00+00:00"))
        return tracemalloc.get_traced_memory()[1] if run.tiers["unit"].counts.failed == 1 else -1
    finally:
        tracemalloc.stop()


def test_collector_memory_does_not_grow_with_passing_tests(tmp_path: Path) -> None:
    """`qa collect` as a whole (manifest, report, merge), not only the parser: 10x the passing tests,
    about the same peak (holding each passing case would add several MB)."""
    peaks = []
    for count in (2_000, 20_000):
        tier = tmp_path / str(count) / "unit"
        tier.mkdir(parents=True)
        write_manifest(tier, TierManifest(tier="unit", status="ran", started="t"))
        write_cases(tier / "junit.xml", count)
        peaks.append(collector_peak(tmp_path / str(count)))
    assert 0 < peaks[1] < 2 * peaks[0] + 512 * 1024


# Both reports were written by real runs (pytest 9.2, pytest-rerunfailures 16.7, `--reruns 2`,
# `-o junit_family=xunit1`; the second with pytest-xdist `-n 2`): every attempt is its own empty
# <testcase>, only the last carries the outcome, and under xdist the attempts interleave.
def test_rerunfailures_attempts_fold_into_one_test() -> None:
    report = parse_junit(DATA / "pytest-rerunfailures.xml", reruns=True)
    c = report.counts
    assert (c.tests, c.passed, c.failed, c.errors, c.skipped, c.flaky) == (4, 3, 1, 0, 0, 2)
    assert report.flaky == ["test_flaky.py::test_flaky", "test_flaky.py::test_setup_flaky"]
    (failure,) = report.failures
    assert failure.test == "test_flaky.py::test_always_fails" and failure.line == 10
    cases = {case.test: case for case in iter_cases(DATA / "pytest-rerunfailures.xml", reruns=True)}
    assert {name: (c.outcome, c.attempts) for name, c in cases.items()} == {
        "test_flaky.py::test_flaky": ("flaky", 2),
        "test_flaky.py::test_always_fails": ("failed", 3),
        "test_flaky.py::test_pass": ("passed", 1),
        "test_flaky.py::test_setup_flaky": ("flaky", 2),
    }
    assert cases["test_flaky.py::test_flaky"].duration_s == pytest.approx(0.002)


def test_rerunfailures_under_xdist_interleaved_attempts() -> None:
    report = parse_junit(DATA / "pytest-rerunfailures-xdist.xml", reruns=True)
    c = report.counts
    assert (c.tests, c.passed, c.failed, c.flaky) == (44, 44, 0, 4)
    assert sorted(report.flaky) == [f"test_many.py::test_slow_flaky[{i}]" for i in range(4)]
    assert report.slowest[0].duration_s == pytest.approx(0.203)


def test_without_reruns_every_testcase_counts() -> None:
    """A tier not configured for reruns keeps the plain reading (and the plain memory bound)."""
    c = parse_junit(DATA / "pytest-rerunfailures.xml").counts
    assert (c.tests, c.passed, c.failed, c.flaky) == (8, 7, 1, 0)


def test_surefire_retries_count_as_attempts() -> None:
    cases = {case.test: case for case in iter_cases(DATA / "surefire-nested.xml")}
    assert (cases["com.example.CartTest::retries"].outcome, cases["com.example.CartTest::retries"].attempts) == (
        "flaky", 2)
    assert cases["com.example.CartTest::removesItem"].outcome == "failed"
    assert cases["err"].outcome == "error" and cases["err"].failure.kind == "error"


def test_iter_cases_limits_failure_details(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text("<testsuite>" + "<testcase name='t'><failure message='m'/></testcase>" * 3 + "</testsuite>")
    cases = list(iter_cases(path, max_failures=1))
    assert [c.outcome for c in cases] == ["failed"] * 3
    assert [c.failure is not None for c in cases] == [True, False, False]


def test_a_coloured_traceback_still_names_the_failing_line(tmp_path: Path) -> None:
    """Under FORCE_COLOR pytest colours the traceback it writes into the report (ESC as `#x1B`)."""
    text = ("#x1B[1m#x1B[31mE       assert 1 == 2#x1B[0m\n\n"
            "#x1B[1m#x1B[31mtests/test_tiny.py#x1B[0m:9: AssertionError")
    path = tmp_path / "junit.xml"
    path.write_text(f"<testsuite><testcase classname='tests.test_tiny' name='test_planted' file='tests/test_tiny.py'"
                    f" line='5'><failure message='#x1B[31mAssertionError#x1B[0m'>{text}</failure></testcase>"
                    "</testsuite>")
    (failure,) = parse_junit(path).failures
    assert (failure.file, failure.line, failure.message) == ("tests/test_tiny.py", 9, "AssertionError")
    assert "#x1B" not in failure.traceback


def test_a_line_0_names_no_line(tmp_path: Path) -> None:
    """Found by test_any_junit_tree: a case's `line="0"` without a file (so not pytest's count from 0),
    or a traceback's `t.py:0:`, is no line a reviewer can open."""
    report = tmp_path / "junit.xml"
    report.write_text('<testsuite><testcase name="a" line="0"><failure/></testcase>'
                      '<testcase name="b" classname="t"><failure>t.py:0: E</failure></testcase></testsuite>')
    assert [case.failure.line for case in iter_cases(report, reruns=False) if case.failure] == [None, None]
