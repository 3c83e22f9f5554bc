import base64
import json
import urllib.parse
from pathlib import Path
from xml.etree import ElementTree
from xml.sax import saxutils

import pytest
from sample_results import failing_run

from qa_actions import scrub
from qa_actions.scrub import LineScrubber, Scrubber, is_secret_name

SECRETS = [
    ("ghp_" + "a1B2" * 9, "[github-token removed]"),
    ("github_pat_" + "11ABCDEFG0" * 4, "[github-token removed]"),
    ("AKIAIOSFODNN7EXAMPLE", "[aws-access-key removed]"),
    ("xoxb-1234567890-abcdefghij", "[slack-token removed]"),
    ("AIza" + "B" * 35, "[google-api-key removed]"),
    ("glpat-" + "x" * 20, "[gitlab-token removed]"),
    ("sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "[stripe-key removed]"),
    ("npm_" + "a" * 36, "[npm-token removed]"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "[jwt removed]"),
]


@pytest.mark.parametrize(("secret", "replacement"), SECRETS)
def test_common_token_formats(secret: str, replacement: str) -> None:
    assert Scrubber().text(f"failed with {secret} here") == f"failed with {replacement} here"


def test_private_keys_are_removed_whole() -> None:
    text = "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\nafter"
    assert Scrubber().text(text) == "key:\n[private-key removed]\nafter"


@pytest.mark.parametrize(("text", "expected"), [
    ("postgres://app:hunter2@db:5432/x", "postgres://app:[password removed]@db:5432/x"),
    ("Authorization: Bearer abcdefgh12345", "Authorization: Bearer [credentials removed]"),
    ('DB_PASSWORD="correct-horse"', 'DB_PASSWORD="[secret removed]"'),
    ("api_key: 0123456789", "api_key: [secret removed]"),
])
def test_credentials_next_to_their_label(text: str, expected: str) -> None:
    assert Scrubber().text(text) == expected


def test_values_of_secret_looking_environment_variables() -> None:
    scrubber = Scrubber.from_environ({"DEPLOY_TOKEN": "s3cr3t-value-1", "MY_API_KEY": "k-998877", "PASSWORD": "1",
                                     "HOME": "/root-home"})
    assert {"s3cr3t-value-1", "k-998877"} <= set(scrubber.secret_values)
    assert "1" not in scrubber.secret_values  # too short a value would mask ordinary text
    assert not any("root-home" in value for value in scrubber.secret_values)
    assert scrubber.text("got s3cr3t-value-1 and k-998877 in /root-home") == \
        "got [secret removed] and [secret removed] in /root-home"


def test_personal_data_goes_through_the_shared_detectors() -> None:
    assert Scrubber().text("mail jane.doe@acme-mail.com") == "mail [email removed]"


@pytest.mark.parametrize("text", ["0d94f32b0e13d98e4f9055e87793599036161a7d", "test_token_refresh passed",
                                  "https://github.com/org/repo/blob/abc/x.py#L3", "max_tokens=10", "97.68% (gate 80%)"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert Scrubber().text(text) == text


def test_model_scrubbing_copies_the_whole_tree() -> None:
    run = failing_run()
    run.tiers["unit"].failures[0].message = "as jane@acme-mail.com with s3cr3t-value-1"
    clean = Scrubber(("s3cr3t-value-1",)).model(run)
    assert clean.tiers["unit"].failures[0].message == "as [email removed] with [secret removed]"
    assert run.tiers["unit"].failures[0].message == "as jane@acme-mail.com with s3cr3t-value-1"  # not changed
    assert clean.tiers["unit"].coverage == run.tiers["unit"].coverage
    assert clean.scans["bandit"].findings == run.scans["bandit"].findings


@pytest.mark.parametrize("name", ["GITHUB_TOKEN", "DB_PASS", "MYSQL_PWD", "SIGNING_KEY", "PASSWORD_SALT", "GH_PAT",
                                  "SERVICE_CREDENTIALS", "BASIC_AUTH", "PRIVATE_PEM", "apiKey", "ghToken",
                                  "AWS_SECRET_ACCESS_KEY", "SAFETY_API_KEY", "MYSECRET"])
def test_secret_looking_names_by_their_words(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["PWD", "OLDPWD", "PATH", "HOME", "KEYCLOAK_URL", "GIT_AUTHOR_NAME", "PASSENGER_COUNT",
                                  "MONKEYPATCH_MODE", "PYTHONPATH"])
def test_ordinary_names_are_not_secret(name: str) -> None:
    assert not is_secret_name(name)


def test_configured_secret_names_add_names_words_and_globs() -> None:
    assert not is_secret_name("STRIPE_DSN")
    assert is_secret_name("STRIPE_DSN", ["dsn"])
    assert is_secret_name("SENTRY_URL", ["sentry_*"])
    assert is_secret_name("WEBHOOK", ["WEBHOOK"])


def test_encoded_forms_of_a_secret_value() -> None:
    value = "super-secret-value-42"
    scrubber = Scrubber.from_environ({"APP_SECRET": value})
    for encoded in (value, base64.b64encode(value.encode()).decode(), value.encode().hex(),
                    urllib.parse.quote("p@ss w/rd:" + value, safe="")):
        assert value not in scrubber.secrets(f"x {encoded} y")
    weird = 'a"b\\c<d>&e-secret'
    scrubber = Scrubber.from_environ({"APP_SECRET": weird})
    for written in (json.dumps({"m": weird}), saxutils.escape(weird), repr(weird), urllib.parse.quote(weird, safe=""),
                    base64.b64encode(weird.encode()).decode(), weird.encode().hex()):
        assert "[secret removed]" in scrubber.secrets(written), written


def test_a_secret_cut_short_by_a_truncated_repr() -> None:
    value = "s3cr3t-9f8e7d6c5b4a-value"
    scrubber = Scrubber.from_environ({"DEPLOY_TOKEN": value})
    cut = f"assert {{'auth': '{value[:9]}...{value[-7:]}', 'user': 'x'}}"
    cleaned = scrubber.secrets(cut)
    assert value[:9] not in cleaned and value[-7:] not in cleaned and "'user': 'x'" in cleaned
    token = "ghp_" + "A1b2C3d4E5" * 4
    assert "A1b2C3" not in Scrubber().secrets(f"E  assert '{token[:12]}...{token[-6:]}' == ''")


def test_private_keys_in_json_and_xml_leave_the_structure_intact() -> None:
    key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1234\nabcd+/==\n-----END RSA PRIVATE KEY-----"
    as_json = json.dumps({"message": f"leaked {key} here", "next": "kept"})
    cleaned = json.loads(Scrubber().secrets(as_json))
    assert cleaned == {"message": "leaked [private-key removed] here", "next": "kept"}
    truncated = json.dumps({"message": key[:60], "next": "kept"})
    assert json.loads(Scrubber().secrets(truncated)) == {"message": "[private-key removed]", "next": "kept"}
    xml = f'<testcase name="t"><failure message="{saxutils.escape(key[:50], {chr(10): "&#10;"})}">body</failure>' \
          f'</testcase>'
    root = ElementTree.fromstring(Scrubber().secrets(xml))
    assert root.find("failure").get("message") == "[private-key removed]"


def test_scrub_file_works_in_chunks_and_follows_a_key_across_them(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(scrub, "CHUNK_BYTES", 64)
    value = "chunked-secret-value"
    scrubber = Scrubber.from_environ({"SOME_TOKEN": value})
    monkeypatch.setattr(scrub, "_active", scrubber)
    lines = [f"line {i} {value if i % 7 == 0 else 'plain'}\n" for i in range(50)]
    key = ["-----BEGIN PRIVATE KEY-----\n", *[f"{'QUJD' * 15}\n" for _ in range(10)], "-----END PRIVATE KEY-----\n"]
    log = tmp_path / "output.log"
    log.write_text("".join(lines[:20] + key + lines[20:]))
    assert scrub.scrub_file(log)
    text = log.read_text()
    assert value not in text and "QUJD" not in text and text.count("line ") == 50
    assert not scrub.scrub_file(log)  # nothing left to change
    binary = tmp_path / "coverage.data"
    binary.write_bytes(b"\xff\xfe\x00" + value.encode())
    assert not scrub.scrub_file(binary)  # not text: left alone


def test_line_scrubber_masks_a_key_over_lines() -> None:
    lines = LineScrubber(Scrubber())
    out = [lines.line(t) for t in ["ok\n", "-----BEGIN EC PRIVATE KEY-----\n", "MHcCAQEE\n",
                                   "-----END EC PRIVATE KEY-----\n", "after\n"]]
    assert out[0] == "ok\n" and out[-1] == "after\n" and "MHcCAQEE" not in "".join(out)


def test_scrubbing_twice_changes_nothing_more() -> None:
    once = Scrubber().secrets("token=ghp_" + "A1b2C3d4E5" * 4 + " and https://u:[password removed]@h")
    assert Scrubber().secrets(once) == once and "removed] removed]" not in once


def test_the_active_scrubber_follows_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("LATE_TOKEN", "set-after-the-first-write")
    assert "set-after" not in scrub.active().secrets("x set-after-the-first-write y")
    monkeypatch.setenv("LATE_TOKEN", "changed-value-now")
    assert "changed-value" not in scrub.active().secrets("x changed-value-now y")


@pytest.mark.parametrize("text", ["asttokens==3.0.1", "tokenizers==0.21.0", "pytest-secretstorage==1.2.3",
                                  "mytoken = other_function_name()"])
def test_ordinary_text_near_secret_words_is_kept(text: str) -> None:
    assert Scrubber().secrets(text) == text


def test_labelled_secrets_still_found_after_an_underscore() -> None:
    assert Scrubber().secrets("DB_PASSWORD=hunter2hunter2") == "DB_PASSWORD=[secret removed]"
    assert Scrubber().secrets("auth_token: 'abcdef123456'") == "auth_token: '[secret removed]'"


def test_a_label_does_not_take_the_next_lines_text_as_its_value() -> None:
    """`secrets:` opening a YAML block (a workflow qa init writes) labels nothing on the lines below."""
    workflow = "    secrets:\n      safety-api-key: ${{ secrets.SAFETY_API_KEY }}\n    token:\n      value\n"
    assert scrub.active().secrets(workflow) == workflow
    assert scrub.active().secrets("token:   s3cr3t-value-1") == "token:   [secret removed]"


def test_qa_comment_key_is_a_setting_not_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not is_secret_name("QA_COMMENT_KEY") and is_secret_name("QA_DEPLOY_KEY")
    monkeypatch.setenv("QA_COMMENT_KEY", "ci.yml:qa:services-a")
    marker = "<!-- qa-actions:ci.yml:qa:services-a -->"
    assert scrub.active().secrets(marker) == marker
