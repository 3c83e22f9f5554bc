import pytest
from sample_results import failing_run

from qa_actions.scrub import Scrubber

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
    assert scrubber.secret_values == ("s3cr3t-value-1", "k-998877")  # too short a value would mask ordinary text
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
