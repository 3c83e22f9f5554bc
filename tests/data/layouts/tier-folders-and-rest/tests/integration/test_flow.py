from calc import add, sub


def test_flow():
    assert sub(add(1, 2), 2) == 1
