"""A Python file's code blocks, each with a fingerprint of its source, found with `ast`.

A block is a top-level function, or a method of a class (classes nested in classes included), named
`func` or `Class.method`; everything else is the module block, `<module>`: the code that runs when
the module is imported (module statements, class bodies, and the decorators, defaults and
signatures of every function, which are evaluated at import too). A function nested in a function
belongs to the outer function.

The fingerprint is the sha256 of `ast.dump` without positions, so an edit anywhere in a block
(docstring and decorators included) changes it and moving the block does not. Comments and
formatting do not count, as they do not change what runs. The module block is dumped with the
function bodies emptied, so adding, removing or renaming a function changes it (a new method can
override an inherited one that tests recorded elsewhere), but an edit inside a body does not.
"""

from __future__ import annotations

import ast
import bisect
import copy
import hashlib
from dataclasses import dataclass, field

MODULE = "<module>"
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True, slots=True)
class Block:
    name: str
    fingerprint: str
    first: int  # the body's first and last line (the module block: 0, 0; it owns every other line)
    last: int


@dataclass(frozen=True)
class FileBlocks:
    """The blocks of one file, by name, and which block a line number belongs to."""

    blocks: dict[str, Block]
    _starts: list[tuple[int, int, str]] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        spans = sorted((b.first, b.last, b.name) for b in self.blocks.values() if b.name != MODULE)
        self._starts.extend(spans)  # blocks never overlap: a nested function belongs to its function

    def block_of(self, line: int) -> str:
        index = bisect.bisect_right(self._starts, (line, float("inf"), "")) - 1
        if index >= 0 and self._starts[index][0] <= line <= self._starts[index][1]:
            return self._starts[index][2]
        return MODULE

    def fingerprints(self) -> dict[str, str]:
        return {name: block.fingerprint for name, block in self.blocks.items()}


def fingerprint(node: ast.AST) -> str:
    return hashlib.sha256(ast.dump(node, annotate_fields=False).encode()).hexdigest()[:32]


def file_blocks(source: str) -> FileBlocks:
    """The blocks of `source`; raises SyntaxError when it is not Python."""
    tree = ast.parse(source)
    blocks: dict[str, Block] = {}
    for name, node in _functions(tree.body, ""):
        first, last = node.body[0].lineno, node.end_lineno or node.body[-1].lineno
        blocks[name] = Block(name, fingerprint(node), first, last)  # a redefinition replaces, as at run time
    blocks[MODULE] = Block(MODULE, fingerprint(_shape(tree)), 0, 0)
    return FileBlocks(blocks)


def _functions(body: list[ast.stmt], prefix: str) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    found: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]] = []
    for node in body:
        if isinstance(node, _FUNCTIONS):
            found.append((prefix + node.name, node))
        elif isinstance(node, ast.ClassDef):
            found += _functions(node.body, f"{prefix}{node.name}.")
    return found


def _shape(tree: ast.Module) -> ast.Module:
    """The module with the bodies of its blocks emptied: what importing it runs."""
    shape = copy.deepcopy(tree)
    for _, node in _functions(shape.body, ""):
        node.body = [ast.Pass()]
    return shape
