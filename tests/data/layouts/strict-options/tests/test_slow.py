import pytest


@pytest.mark.slow
def test_deselected_by_addopts():
    raise AssertionError('addopts deselects this')
