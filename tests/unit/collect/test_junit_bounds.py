"""A hostile JUnit file costs bounded memory and time, whatever elements, text or attributes it holds."""

import re
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from qa_actions.collect.junit import parse_junit
from qa_actions.collect.junit_stream import ATTR_CHARS, MAX_DEPTH, MAX_TOKEN_BYTES
from qa_actions.errors import InputError

SIZE = 8 * 1024**2


def repeat(head: str, unit: str, tail: str, size: int = SIZE) -> str:
    return head + unit * (size // len(unit)) + tail


HOSTILE: dict[str, Callable[[], str]] = {
    # many elements that are not test cases, where the old reader kept every one in the tree
    "suite-properties": lambda: repeat("<testsuite><properties>", "<property name='p' value='v'/>",
                                       "</properties><testcase name='a'/></testsuite>"),
    "bare-elements": lambda: repeat("<testsuites>", "<x/>", "<testsuite><testcase name='a'/></testsuite></testsuites>"),
    "case-children": lambda: repeat("<testsuite><testcase name='a'>", "<properties><property name='p'/></properties>",
                                    "</testcase></testsuite>"),
    # huge text, at suite level and inside a test case (non-ASCII: 4 bytes a character in a str)
    "suite-output": lambda: repeat("<testsuite><system-out>", "x", "</system-out><testcase name='a'/></testsuite>"),
    "case-output": lambda: repeat("<testsuite><testcase name='a'><system-out>", "😀",
                                  "</system-out></testcase></testsuite>"),
    "failure-text": lambda: repeat("<testsuite><testcase name='a'><failure message='m'>", "😀 line\n",
                                   "t.py:3: E</failure></testcase></testsuite>"),
}


def peak_of(read: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        read()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("shape", HOSTILE)
def test_peak_memory_is_a_small_share_of_the_file(tmp_path: Path, shape: str) -> None:
    """The old reader (ElementTree's iterparse dropping only <testcase>) peaked at 1x to 11x the
    file's size on these; the stream keeps what one test case needs."""
    path = tmp_path / "junit.xml"
    path.write_text(HOSTILE[shape](), encoding="utf-8")
    size = path.stat().st_size
    peak = peak_of(lambda: parse_junit(path))
    assert peak < size / 4, f"peak {peak:,} bytes for a {size:,}-byte file"


def test_a_huge_failure_text_keeps_its_first_line_and_its_end(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(repeat("<testsuite><testcase name='a'><failure>first line\n", "filler\n",
                           "tests/test_a.py:7: AssertionError</failure></testcase></testsuite>", 4 * 1024**2))
    (failure,) = parse_junit(path).failures
    assert failure.message == "first line"
    assert (failure.file, failure.line) == ("tests/test_a.py", 7)
    assert failure.traceback.endswith("tests/test_a.py:7: AssertionError")
    assert len(failure.traceback) <= 8_000


def test_attributes_are_clipped(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    name = "n" * (ATTR_CHARS * 10)
    path.write_text(f"<testsuite><testcase name='{name}'><failure message='{'m' * 100_000}'/></testcase></testsuite>")
    (failure,) = parse_junit(path).failures
    assert len(failure.test) == ATTR_CHARS and failure.test.endswith("…")
    assert len(failure.message) <= 1_000


@pytest.mark.parametrize("token", [
    "<testsuite><testcase name='{}'/></testsuite>",
    "<testsuite><!--{}--><testcase name='a'/></testsuite>",
    "<testsuite><?pi {}?><testcase name='a'/></testsuite>",
])
def test_a_huge_token_is_refused_in_bounded_memory(tmp_path: Path, token: str) -> None:
    """On expat < 2.6.0 a token fed in pieces is re-scanned on every piece (quadratic time): no single
    token may exceed MAX_TOKEN_BYTES, so the old reader's minutes on such a file become a refusal."""
    path = tmp_path / "junit.xml"
    path.write_text(token.format("y" * (3 * MAX_TOKEN_BYTES)))
    messages = []

    def read() -> None:
        with pytest.raises(InputError) as caught:
            parse_junit(path)
        messages.append(str(caught.value))

    assert peak_of(read) < 4 * MAX_TOKEN_BYTES  # expat doubles its buffer to hold the unfinished token
    assert f"refused: a single XML token (a tag with its attributes, a comment) of more than {MAX_TOKEN_BYTES:,}" \
        in messages[0]


def test_a_token_under_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(f"<testsuite><!--{'y' * (MAX_TOKEN_BYTES // 2)}--><testcase name='a'/></testsuite>")
    assert parse_junit(path).counts.passed == 1


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    depth = MAX_DEPTH * 100
    path.write_text("<testsuites>" + "<testsuite>" * depth + "</testsuite>" * depth + "</testsuites>")
    with pytest.raises(InputError, match=f"refused: elements nested more than {MAX_DEPTH} deep"):
        parse_junit(path)
    nested = "<testsuites>" + "<testsuite>" * 10 + "<testcase name='a'/>" + "</testsuite>" * 10 + "</testsuites>"
    path.write_text(nested)
    assert parse_junit(path).counts.passed == 1


@pytest.mark.parametrize(("data", "message"), [
    ("<?xml version='1.0' encoding='shift_jis'?><testsuite><testcase name='テスト'/></testsuite>".encode("shift_jis"),
     "JUnit reports must be UTF-8"),
    ("<testsuite><testcase name='テスト'/></testsuite>".encode("shift_jis"), "malformed XML (not well-formed"),
    (b"<testsuite><testcase name='a'>\xff</testcase></testsuite>", "malformed XML (not well-formed"),
])
def test_other_encodings_are_a_clear_error(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "junit.xml"
    path.write_bytes(data)
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        parse_junit(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_utf16_and_latin1_reports_are_read(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    for encoding in ("utf-16", "iso-8859-1"):
        path.write_bytes(f"<?xml version='1.0' encoding='{encoding}'?><testsuite><testcase name='é'>"
                         "<failure message='ü'/></testcase></testsuite>".encode(encoding))
        (failure,) = parse_junit(path).failures
        assert (failure.test, failure.message) == ("é", "ü")
