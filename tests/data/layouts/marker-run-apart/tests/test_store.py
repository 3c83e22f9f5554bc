import pytest
from calc import add


@pytest.mark.integration
def test_store():
    assert add(1, 1) == 2
