"""A tiny calculator: what the layouts' tests measure."""


def add(a: int, b: int) -> int:
    return a + b


def sub(a: int, b: int) -> int:
    """
    >>> sub(3, 1)
    2
    """
    return a - b
