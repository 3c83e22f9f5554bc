import pytest
from calc import add, sub


@pytest.mark.integration
def test_store_round_trip():
    assert sub(add(3, 4), 4) == 3


@pytest.mark.integration
@pytest.mark.slow
def test_store_many():
    assert sum(add(i, 1) for i in range(3)) == 6


@pytest.mark.smoke
def test_smoke():
    assert add(0, 0) == 0


@pytest.mark.slow
def test_slow_but_unit():
    assert sub(1, 1) == 0
