import pytest

from ledger import Money, ValidationError


@pytest.mark.parametrize(
    ("text", "cents", "currency"),
    [
        ("0", 0, "EUR"), ("1", 100, "EUR"), ("12.5", 1250, "EUR"), ("12.50", 1250, "EUR"), ("-3", -300, "EUR"),
        ("1,200.00", 120000, "EUR"), ("USD 4.99", 499, "USD"), ("GBP12", 1200, "GBP"), ("0.005", 0, "EUR"),
        ("0.015", 2, "EUR"), ("0.025", 2, "EUR"), ("  7.1  ", 710, "EUR"), ("-EUR 1.01", -101, "EUR"),
    ],
)
def test_parse(text: str, cents: int, currency: str) -> None:
    assert Money.parse(text) == Money(cents, currency)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "eur 3", "--1", "1e3", ".5", "12,50.0.0"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValidationError):
        Money.parse(text)


@pytest.mark.parametrize(("cents", "text"), [(0, "EUR 0.00"), (5, "EUR 0.05"), (123456, "EUR 1,234.56"),
                                             (-250, "-EUR 2.50")])
def test_str(cents: int, text: str) -> None:
    assert str(Money(cents)) == text


@pytest.mark.parametrize("cents", range(-50, 150, 7))
@pytest.mark.parametrize("parts", [1, 2, 3, 7])
def test_allocate_adds_up_and_is_fair(cents: int, parts: int) -> None:
    shares = Money(cents).allocate(parts)
    assert sum(s.cents for s in shares) == cents
    assert max(s.cents for s in shares) - min(s.cents for s in shares) <= 1


def test_allocate_needs_parts() -> None:
    with pytest.raises(ValidationError):
        Money(100).allocate(0)


def test_arithmetic() -> None:
    assert Money(150) + Money(50) == Money(200)
    assert Money(150) - Money(50) == Money(100)
    assert Money(150).times(3) == Money(450)
    assert Money(1) < Money(2)


@pytest.mark.parametrize("operation", [Money.__add__, Money.__sub__])
def test_mixing_currencies_is_refused(operation) -> None:
    with pytest.raises(ValidationError, match="cannot mix"):
        operation(Money(1, "EUR"), Money(1, "USD"))
