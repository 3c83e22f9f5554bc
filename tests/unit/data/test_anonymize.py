"""`qa data anonymize` on the planted fixtures in tests/data/pii: every format, determinism, nothing survives."""

from __future__ import annotations

import csv
import ipaddress
import json
import shutil
import sqlite3
import tomllib
from pathlib import Path

import pytest

from qa_actions import pii
from qa_actions.config import parse_config
from qa_actions.config.data import DataConfig
from qa_actions.data.anonymize import Anonymizer, salt_from_env
from qa_actions.errors import InputError, QaError

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "pii"
SALT = "a-test-salt-of-32-characters-...."
# values the field rules replace that no detector would recognise alone
FIELD_ONLY = ["María García", "Calle Mayor 5", "34612345678", "C-1"]


def data_config() -> DataConfig:
    table = tomllib.loads((FIXTURES / "rules.toml").read_text())["tool"]["qa"]
    return parse_config(table, FIXTURES, FIXTURES / "rules.toml").data


def originals() -> set[str]:
    """Every personal value planted in the fixtures, as the detectors see it."""
    found = set()
    for name in ("customers.csv", "events.jsonl", "profile.json", "app.sql"):
        found |= {m.value for m in pii.find_pii((FIXTURES / name).read_text(encoding="utf-8"))}
    return found | set(FIELD_ONLY[:3])


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """The fixtures, plus the SQLite database built from app.sql."""
    folder = tmp_path / "raw"
    shutil.copytree(FIXTURES, folder)
    with sqlite3.connect(folder / "app.sqlite") as db:
        db.executescript((FIXTURES / "app.sql").read_text())
    db.close()
    (folder / "app.sql").unlink()
    return folder


@pytest.fixture
def anonymized(sources: Path, tmp_path: Path) -> Path:
    target = tmp_path / "clean"
    reports = Anonymizer(data_config(), SALT).anonymize(sources, target)
    assert {Path(r.source).name for r in reports if r.target} == {
        "customers.csv", "events.jsonl", "profile.json", "app.sqlite"}
    return target


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_no_original_value_survives_in_any_format(anonymized: Path) -> None:
    planted = originals()
    assert len(planted) > 20
    for path in anonymized.iterdir():
        content = path.read_bytes().decode("utf-8", errors="replace").casefold()
        left = [v for v in planted if v.casefold() in content]
        assert left == [], f"{path.name} still holds {left}"


def test_anonymised_data_passes_the_check(anonymized: Path) -> None:
    for path in anonymized.iterdir():
        if path.suffix != ".sqlite":
            assert pii.find_pii(path.read_text(encoding="utf-8")) == [], path.name
    with sqlite3.connect(anonymized / "app.sqlite") as db:
        for table in ("users", "audit"):
            for row in db.execute(f"SELECT * FROM {table}"):
                assert all(pii.find_pii(v) == [] for v in row if isinstance(v, str))


def test_csv_keeps_shape_and_formats(sources: Path, anonymized: Path) -> None:
    before, after = read_rows(sources / "customers.csv"), read_rows(anonymized / "customers.csv")
    assert [list(r) for r in after] == [list(r) for r in before]
    assert [r["customer_id"] for r in after] == ["C-1", "C-2", "C-3"]  # keep
    for old, new in zip(before, after, strict=True):
        assert new["email"].endswith((".com", ".org", ".net")) and "@example." in new["email"]
        assert len(new["card"]) == len(old["card"]) and new["card"][:2] == old["card"][:2]
        assert not pii.luhn_ok(pii.digits_of(new["card"]))
        assert [i for i, c in enumerate(new["card"]) if c == " "] == [i for i, c in enumerate(old["card"]) if c == " "]
        assert new["iban"][:2] == old["iban"][:2] and len(new["iban"]) == len(old["iban"])
        assert pii.fictional_phone(pii.digits_of(new["phone"]))
        assert new["full_name"].split()[-1] in pii.PLACEHOLDER_SURNAMES
        assert pii.PLACEHOLDER_STREET in new["street"]
    assert ipaddress.ip_address(after[0]["last_login_ip"]).version == 4
    assert ipaddress.ip_address(after[1]["last_login_ip"]).version == 6


def test_the_same_value_gets_the_same_fake_across_files(anonymized: Path) -> None:
    customers = read_rows(anonymized / "customers.csv")
    events = [json.loads(line) for line in (anonymized / "events.jsonl").read_text().splitlines() if line]
    profile = json.loads((anonymized / "profile.json").read_text())
    with sqlite3.connect(anonymized / "app.sqlite") as db:
        users = db.execute("SELECT email, full_name, card FROM users ORDER BY id").fetchall()
    jane, mark = customers[0], customers[1]
    assert events[0]["user"]["email"] == jane["email"] == profile[0]["contact"]["email"] == users[0][0]
    assert events[0]["user"]["full_name"] == jane["full_name"] == users[0][1]
    assert events[1]["user"]["email"] == mark["email"] == users[1][0]  # upper-case original, same fake
    assert events[0]["last_login_ip"] == jane["last_login_ip"]
    assert events[1]["card"] == mark["card"] == users[1][2]
    assert profile[0]["iban"] == jane["iban"]
    # free text: the names and e-mail the fields had are replaced by the same fakes inside notes
    assert jane["full_name"] in jane["notes"] and mark["email"] in mark["notes"]
    assert mark["full_name"] in events[1]["notes"]


def test_another_salt_gives_other_fakes(sources: Path, tmp_path: Path, anonymized: Path) -> None:
    Anonymizer(data_config(), SALT + "x").anonymize(sources / "customers.csv", tmp_path / "other.csv")
    first, second = read_rows(anonymized / "customers.csv"), read_rows(tmp_path / "other.csv")
    assert [r["email"] for r in first] != [r["email"] for r in second]
    Anonymizer(data_config(), SALT).anonymize(sources / "customers.csv", tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == (anonymized / "customers.csv").read_bytes()


def test_json_keeps_types_and_layout(anonymized: Path) -> None:
    profile = json.loads((anonymized / "profile.json").read_text())
    assert isinstance(profile[1]["contact"]["phone"], str)  # a fake phone has separators
    assert profile[1]["iban"] is None and profile[1]["score"] == 4.5
    assert profile[0]["tags"][0] == "vip" and profile[0]["tags"][1] != "Jane Smith"
    assert (anonymized / "profile.json").read_text().startswith("[\n  {")
    lines = (anonymized / "events.jsonl").read_text().splitlines()
    assert lines[1] == "" and json.loads(lines[0])["attempts"] == 1


def test_sqlite_rewrites_rows_without_firing_triggers_and_keeps_schema(anonymized: Path) -> None:
    with sqlite3.connect(anonymized / "app.sqlite") as db:
        assert db.execute("SELECT count(*) FROM audit").fetchone() == (1,)
        assert db.execute("SELECT visits FROM users ORDER BY id").fetchall() == [(3,), (7,)]
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        note = db.execute("SELECT note FROM audit").fetchone()[0]
    assert {"users", "audit", "users_audit"} <= names
    name, address = note.split(" logged in from ")
    assert name.split()[-1] in pii.PLACEHOLDER_SURNAMES
    assert ipaddress.ip_address(address) in ipaddress.ip_network("240.0.0.0/4")


def test_never_writes_over_the_input(sources: Path) -> None:
    anonymizer = Anonymizer(data_config(), SALT)
    with pytest.raises(QaError, match="over its input"):
        anonymizer.anonymize(sources / "customers.csv", sources / "customers.csv")
    with pytest.raises(QaError, match="inside the other"):
        anonymizer.anonymize(sources, sources / "clean")
    assert (FIXTURES / "customers.csv").read_bytes() == (sources / "customers.csv").read_bytes()


@pytest.mark.parametrize(("name", "content", "words"), [
    ("bad.json", '{"a": ', "not valid JSON at line 1"),
    ("bad.jsonl", '{"a": 1}\n{"a": \n', "not valid JSON at line 2"),
    ("bad.sqlite", "this is not a database", "cannot read as SQLite"),
])
def test_malformed_input_is_one_clear_error(tmp_path: Path, name: str, content: str, words: str) -> None:
    (tmp_path / name).write_text(content)
    with pytest.raises(InputError, match=words):
        Anonymizer(data_config(), SALT).anonymize(tmp_path / name, tmp_path / "out" / name)
    assert not (tmp_path / "out" / name).exists()
    assert list((tmp_path / "out").iterdir()) == []  # no temporary file left behind


def test_unsupported_files_in_a_folder_are_skipped_not_copied(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "photo.png").write_bytes(b"\x89PNG\r\n")
    (report,) = Anonymizer(data_config(), SALT).anonymize(tmp_path / "src", tmp_path / "dst")
    assert report.target is None and "skipped" in (report.note or "")
    assert not (tmp_path / "dst" / "photo.png").exists()


def test_salt_must_be_set_and_long_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QA_ANONYMIZE_SALT", raising=False)
    with pytest.raises(QaError, match="QA_ANONYMIZE_SALT is not set"):
        salt_from_env(DataConfig())
    monkeypatch.setenv("QA_ANONYMIZE_SALT", "short")
    with pytest.raises(QaError, match="shorter than 16"):
        salt_from_env(DataConfig())
    monkeypatch.setenv("QA_ANONYMIZE_SALT", SALT)
    assert salt_from_env(DataConfig()) == SALT


def test_report_counts_kinds_and_fields_never_values(sources: Path, tmp_path: Path) -> None:
    (report,) = Anonymizer(data_config(), SALT).anonymize(sources / "customers.csv", tmp_path / "c.csv")
    assert report.records == 3
    assert report.replaced["email"] >= 4 and report.replaced["credit-card"] == 4
    assert report.fields["full_name"] == 3 and report.fields["notes"] >= 4
    assert "jane" not in json.dumps(report.to_dict()).lower()


def test_rules_reject_unknown_kinds(tmp_path: Path) -> None:
    from qa_actions.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown kind `mail`"):
        parse_config({"data": {"fields": {"email": "mail"}}}, tmp_path, tmp_path / "pyproject.toml")
    with pytest.raises(ConfigError, match="unknown detector `ssn`"):
        parse_config({"data": {"detectors": ["ssn"]}}, tmp_path, tmp_path / "pyproject.toml")
