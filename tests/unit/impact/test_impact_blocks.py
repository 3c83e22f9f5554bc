"""Blocks and fingerprints: an edit anywhere in a block changes it, moving it or reformatting does not."""

from __future__ import annotations

import pytest

from qa_actions.impact.blocks import MODULE, file_blocks

SOURCE = '''\
import os

LIMIT = 10


def add(a, b):
    """Sum."""
    return a + b


class Box:
    size = 3

    def grow(self, n):
        def inner():
            return n
        return self.size + inner()

    class Lid:
        def close(self):
            return True
'''


def test_blocks_are_functions_and_methods_and_the_rest_is_the_module() -> None:
    found = file_blocks(SOURCE)
    assert sorted(found.blocks) == [MODULE, "Box.Lid.close", "Box.grow", "add"]
    assert found.block_of(8) == "add"  # the body
    assert found.block_of(6) == MODULE  # the `def` line runs at import
    assert found.block_of(16) == "Box.grow"  # a nested function belongs to its function
    assert found.block_of(12) == MODULE  # a class body runs at import
    assert found.block_of(21) == "Box.Lid.close"


def edited(old: str, new: str) -> set[str]:
    before, after = file_blocks(old).fingerprints(), file_blocks(new).fingerprints()
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


@pytest.mark.parametrize(("old", "new", "changed"), [
    ("    return a + b\n", "    return a - b\n", {"add"}),
    ('    """Sum."""\n', '    """Adds."""\n', {"add"}),
    ("        return self.size + inner()\n", "        return self.size * inner()\n", {"Box.grow"}),
    ("            return n\n", "            return n + 1\n", {"Box.grow"}),
    ("LIMIT = 10\n", "LIMIT = 11\n", {MODULE}),
    ("    size = 3\n", "    size = 4\n", {MODULE}),
    ("def add(a, b):\n", "def add(a, b=1):\n", {"add", MODULE}),  # defaults are evaluated at import
    ("    return a + b\n", "    return a + b  # comment\n", set()),
    ("    return a + b\n", "    return (a\n            + b)\n", set()),
])
def test_an_edit_changes_exactly_its_block(old: str, new: str, changed: set[str]) -> None:
    assert SOURCE.count(old) == 1
    assert edited(SOURCE, SOURCE.replace(old, new)) == changed


def test_moving_a_function_keeps_its_fingerprint() -> None:
    moved = SOURCE.replace('def add(a, b):\n    """Sum."""\n    return a + b\n', "") + (
        '\n\ndef add(a, b):\n    """Sum."""\n    return a + b\n')
    before, after = file_blocks(SOURCE), file_blocks(moved)
    assert after.blocks["add"].first != before.blocks["add"].first
    assert after.blocks["add"].fingerprint == before.blocks["add"].fingerprint
    assert after.blocks["Box.grow"].fingerprint == before.blocks["Box.grow"].fingerprint


def test_adding_or_removing_a_method_changes_the_module_block() -> None:
    """A new method can override an inherited one the tests recorded in another class."""
    added = SOURCE + "\n\nclass Sub(Box):\n    def grow(self, n):\n        return 0\n"
    assert edited(SOURCE, added) == {MODULE, "Sub.grow"}
    removed = SOURCE.replace("    def grow(self, n):\n        def inner():\n            return n\n"
                             "        return self.size + inner()\n", "")
    assert edited(SOURCE, removed) == {MODULE, "Box.grow"}


def test_not_python_is_a_syntax_error() -> None:
    with pytest.raises(SyntaxError):
        file_blocks("def broken(:\n")
