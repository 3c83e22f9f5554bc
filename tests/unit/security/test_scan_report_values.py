"""A scanner's report with odd values fails the scan as a `scan-error` problem, one line, not a traceback."""

from pathlib import Path

import pytest

from qa_actions.security.tools import ScanFailure, read_json_or_fail


@pytest.mark.parametrize(("content", "reason"), [
    ('{"results": [NaN]}', "NaN is not a number JSON allows"),
    ('{"results": [1e999]}', "refused: a number that is not finite"),
    ('{"results": [' + "9" * 5000 + "]}", "refused: an integer outside 64 bits"),
    ("[" * 5000 + "]" * 5000, "refused: values nested more than 64 deep"),
])
def test_odd_values_in_a_report_are_a_scan_error(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "bandit.json"
    path.write_text(content)
    with pytest.raises(ScanFailure) as caught:
        read_json_or_fail(path, 1024**2, "bandit wrote an unreadable report bandit.json")
    assert caught.value.code == "scan-error"
    assert str(caught.value).startswith(f"bandit wrote an unreadable report bandit.json: {reason}")
