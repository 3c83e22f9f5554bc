def test_two(two):
    assert two == 2
