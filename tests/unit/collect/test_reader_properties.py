"""Property: no JUnit file or coverage.py JSON report makes the readers raise anything but InputError,
and what they accept is finite (times, counts and line numbers that later stages can compute with)."""

from __future__ import annotations

import math
from pathlib import Path
from xml.sax.saxutils import quoteattr

from hostile_values import READERS, json_text, json_values, mutate, odd_numbers, scalars, value_paths
from hypothesis import given
from hypothesis import strategies as st

from qa_actions.collect.coverage import read_coverage, read_line_coverage
from qa_actions.collect.junit import iter_cases, parse_junit
from qa_actions.errors import InputError

TAGS = ["testsuites", "testsuite", "testcase", "failure", "error", "skipped", "system-out", "properties", "property",
        "flakyFailure", "rerunFailure", "x"]
ATTRS = ["name", "classname", "file", "line", "time", "message", "type", "tests"]
xml_chars = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
attr_values = (st.text(xml_chars, max_size=20) | st.sampled_from(["1e999", "nan", "-inf", "9" * 5000, "²", "-1",
                                                                   "1,234.5", "tests/t.py", "0"]))
text = st.text(xml_chars, max_size=40) | st.sampled_from(["tests/t.py:" + "9" * 5000 + ": E", "t.py:12: E\n", "&amp;"])


def escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def elements(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = draw(st.dictionaries(st.sampled_from(ATTRS), attr_values, max_size=4))
    head = f"<{tag}" + "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
    children = draw(st.lists(elements(depth + 1), max_size=3)) if depth < 4 else []
    body = draw(text.map(escape)) + "".join(children)
    return f"{head}>{body}</{tag}>" if body or draw(st.booleans()) else f"{head}/>"


junit_documents = st.builds(lambda root, body: f"<{root}>{body}</{root}>", st.sampled_from(["testsuites", "testsuite"]),
                            st.lists(elements(), max_size=4).map("".join))


def read_junit(path: Path, reruns: bool) -> None:
    try:
        report = parse_junit(path, reruns=reruns)
        cases = list(iter_cases(path, reruns=reruns))
    except InputError:
        return
    assert math.isfinite(report.duration_s) and report.duration_s >= 0
    for case in cases:
        assert math.isfinite(case.duration_s)
        if case.failure is not None and case.failure.line is not None:
            assert 0 < case.failure.line < 2**31


@READERS
@given(document=junit_documents, reruns=st.booleans())
def test_any_junit_tree(tmp_path: Path, document: str, reruns: bool) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(document, encoding="utf-8")
    read_junit(path, reruns)


@READERS
@given(data=st.binary(max_size=300) | junit_documents.map(lambda d: d.encode("utf-8")).flatmap(
    lambda d: st.integers(0, len(d)).map(lambda cut: d[:cut])))
def test_any_bytes_or_a_cut_junit_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "junit.xml"
    path.write_bytes(data)
    read_junit(path, reruns=False)


COVERAGE = {"meta": {"version": "7.6"}, "totals": {"percent_covered": 75.0, "covered_lines": 3, "num_statements": 4},
            "files": {"src/a.py": {"executed_lines": [1, 2, 3], "missing_lines": [4],
                                   "summary": {"percent_covered": 75.0}}}}
COVERAGE_PATHS = value_paths(COVERAGE)


def read_both(path: Path) -> None:
    try:
        result = read_coverage(path, gate=80.0)
    except InputError:
        pass
    else:
        assert result.percent is not None and 0 <= result.percent <= 100
        assert 0 <= result.covered_lines < 2**63 and 0 <= result.num_statements < 2**63
    try:
        lines = read_line_coverage(path)
    except InputError:
        return
    assert all(0 <= n < 2**63 for file in lines.values() for n in file.statements)


@READERS
@given(value=json_values)
def test_any_json_as_coverage(tmp_path: Path, value: object) -> None:
    path = tmp_path / "coverage.json"
    path.write_text(json_text(value))
    read_both(path)


@READERS
@given(where=st.sampled_from(COVERAGE_PATHS), value=odd_numbers | scalars | json_values)
def test_a_coverage_report_with_one_value_changed(tmp_path: Path, where: tuple, value: object) -> None:
    path = tmp_path / "coverage.json"
    path.write_text(json_text(mutate(COVERAGE, list(where), value)))
    read_both(path)
