import pytest

from qa_actions.pii import find_pii, mask_pii


@pytest.mark.parametrize("text", ["jane.doe@example.com", "a+tag@mail.example.co.uk", "x_y@sub-domain.org"])
def test_finds_email(text: str) -> None:
    (match,) = find_pii(f"contact {text}, please")
    assert (match.detector, match.value) == ("email", text)


@pytest.mark.parametrize("text", ["user@localhost", "not an @ address", "git@", "@decorator"])
def test_ignores_non_emails(text: str) -> None:
    assert find_pii(text) == []


def test_mask_replaces_every_value() -> None:
    masked = mask_pii("from a@b.io to c@d.io: hi")
    assert masked == "from [email removed] to [email removed]: hi"
    assert mask_pii("to c@d.io", replace=lambda m: "*" * len(m.value)) == "to ******"
