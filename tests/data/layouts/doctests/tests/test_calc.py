from calc import add, sub


def test_add():
    assert add(2, 3) == 5


def test_sub():
    assert sub(5, 3) == 2


def test_both():
    assert sub(add(1, 1), 1) == 1
