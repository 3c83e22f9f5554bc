"""The one table of personal-data detectors: what it finds, what it must leave alone."""

import subprocess
import sys
from pathlib import Path

import pytest

from qa_actions.data.fakes import Pseudonymizer
from qa_actions.pii import DETECTORS, find_pii, mask_pii


def found(text: str) -> list[tuple[str, str]]:
    return [(m.detector, m.value) for m in find_pii(text)]


@pytest.mark.parametrize(("detector", "value"), [
    ("email", "jane.doe@acme-mail.io"),
    ("email", "a+tag@mail.example.co.uk"),
    ("email", "x_y@sub-domain.org"),
    ("phone", "+44 20 7123 4567"),
    ("phone", "+49 30 12345678"),
    ("phone", "+4915123456789"),
    ("phone", "(415) 867-5309"),
    ("phone", "212-867-5309"),
    ("phone", "030 1234 5678"),
    ("iban", "GB82 WEST 1234 5698 7654 32"),
    ("iban", "DE89370400440532013000"),
    ("credit-card", "4111 1111 1111 1111"),
    ("credit-card", "5500-0055-5555-5559"),
    ("credit-card", "378282246310005"),
    ("ipv4", "81.2.69.160"),
    ("ipv6", "2a00:1450:4001:82b::200e"),
    ("address", "221 Baker Street"),
    ("address", "Hauptstraße 5"),
    ("name", "Jane Smith"),
    ("name", "Allan McLean"),
    ("name", "David Richardson-Brown"),
    ("name", "Mrs. Hudson"),
    ("name", "John F. Kennedy"),
])
def test_finds_each_kind(detector: str, value: str) -> None:
    assert found(f"see {value}, please") == [(detector, value)]


@pytest.mark.parametrize("text", [
    # look-alikes that fail a check
    "user@localhost", "not an @ address", "git@", "@decorator",
    "4111 1111 1111 1112",                  # Luhn fails
    "1700000000123 1234567890123456",        # no card brand starts with 1
    "GB00 WEST 1234 5698 7654 32",           # IBAN check digits 00 are never issued
    "GB83 WEST 1234 5698 7654 32",           # mod-97 fails
    "123-456-7890",                          # NANP area codes do not start with 1
    "127.0.0.1 10.0.0.8 192.168.1.20 ::1 fe80::1",  # not global addresses
    "Hex bolt M8, Washer M8, Door hinge 80mm",
    # fakes by convention: what the anonymiser writes
    "kevin.doe@example.com", "x@shop.test", "+1 212-555-0142", "(212) 555-0100", "020 7946 0123",
    "07700 900123", "240.12.3.4", "2001:db8::1", "Kevin Doe", "Dr. Roe", "12 Example Road",
])
def test_leaves_look_alikes_and_fakes_alone(text: str) -> None:
    assert found(text) == []


def test_mask_replaces_every_value() -> None:
    masked = mask_pii("from a@b.io to c@d.io: hi")
    assert masked == "from [email removed] to [email removed]: hi"
    assert mask_pii("to c@d.io", replace=lambda m: "*" * len(m.value)) == "to ******"
    assert mask_pii("Jane Smith paid with 4111111111111111") == "[name removed] paid with [credit-card removed]"


ORDINARY = """\
platform linux -- Python 3.11.7, pytest-8.3.4, pluggy-1.5.0 -- /usr/bin/python3.11
rootdir: /home/runner/work/ledger/ledger
commit 4f9c2a1e8b7d6c5a4f3e2d1c0b9a8f7e6d5c4b3a (HEAD -> main, origin/main)
Merge: 3e1a9f0 b7c2d45
Name                     Stmts   Miss  Cover   Missing
src/ledger/api.py          120      4    97%   12-15, 88
src/ledger/store.py        310     31    90%   101-131
TOTAL                     1234     35    97%
tests/unit/test_store.py::TestStore::test_reopen[sqlite-1-1000] PASSED [ 42%]
0.12s call     tests/unit/test_api.py::test_ship[HING-500-2]
2024-05-01T12:34:56.789+00:00 run 1700000000123 took 30.05s (4000000000000000 ns budget)
uuid 123e4567-e89b-12d3-a456-426614174000 sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
listening on http://127.0.0.1:45678/api/v1.2.3/items?id=1234567890123 and http://[::1]:8080/
Successfully installed coverage-7.6.1 junitparser-3.2.0 PyGithub-2.4.0
Traceback (most recent call last): Short Test Summary Info; Mark Down the Price; Grace Period 30 days
ERROR at setup of TestInventory.test_low_stock - ValueError: 12:30:45 is not a valid quantity
"""


def test_ordinary_output_survives_mask_unchanged() -> None:
    assert mask_pii(ORDINARY) == ORDINARY


def test_real_pytest_failure_output_survives_mask_unchanged(tmp_path: Path) -> None:
    (tmp_path / "test_out.py").write_text('''
import pytest

def test_dict():
    assert {"sha": "4f9c2a1e8b7d6c5a4f3e2d1c0b9a8f7e6d5c4b3a", "took": 0.0123} == {"sha": "4f9c2a1e8b", "took": 12.5}

@pytest.mark.parametrize("n", [1, 22, 4444, 123456])
def test_numbers(n):
    assert [n, 1700000000123, 3.11] == list(range(3)), f"line {n} of 2024-05-01T12:34:56 at 127.0.0.1:5000"

def test_raises():
    raise TimeoutError("http://[::1]:8080/v1.2.3 timed out after 30.05 s (10.0.0.5, build 20240501.1)")
''')
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-vv", "-rA", "--durations=3",
                           str(tmp_path / "test_out.py")], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                          check=False)
    assert done.returncode == 1 and "6 failed" in done.stdout
    assert find_pii(done.stdout) == []
    assert mask_pii(done.stdout) == done.stdout


def test_every_fake_keeps_the_format_yet_passes_the_check() -> None:
    fakes = Pseudonymizer("a-salt-of-enough-length")
    samples = {"email": "jane.doe@acme-mail.io", "phone": "+44 20 7123 4567", "iban": "DE89370400440532013000",
               "credit-card": "4111 1111 1111 1111", "ipv4": "81.2.69.160", "ipv6": "2a00:1450:4001:82b::200e",
               "address": "221 Baker Street", "name": "Jane Smith"}
    for name, sample in samples.items():
        fake = fakes.fake(name, sample)
        assert fake != sample and find_pii(fake) == [], (name, fake)
        assert DETECTORS[name].pattern.search(fake), f"{name}: {fake} no longer has the shape of one"
