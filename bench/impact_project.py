"""The project bench/impact.py replays: a small pure-Python package, its tests and a git history.

Everything comes from one `random.Random(seed)`, so a seed always gives the same project and the
same commits (dates are fixed too, hence the same hashes). The package `ledger` has modules of
functions and classes drawn from a catalog of kinds (a total, a clamp, a parser, a checksum…),
each written two or three equivalent ways, plus hand-written modules: constants read at import
time, a registry built from them at import, samples imported only by the tests' parametrize lists
(collection time), a loader of the JSON file the tests read, and a report calling the others.
The tests' expected values are computed here by running the code, and every commit keeps them
true: a body edit switches a function to another of its equivalent versions, a constant edit keeps
what the tests check symbolically, and so on (the replay checks that the suite passes at each).
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

PACKAGE = "ledger"
SAMPLE_VALUES = [4, -2, 9, 0, 7, 7, 15, -5, 3]  # the conftest fixture's list


@dataclass(frozen=True)
class Kind:
    """A function's shape: its argument, its extra parameters, equivalent bodies ({S}: the argument)."""

    stem: str
    arg: str  # "values" (a list of ints; a method reads self.values), "text" or "value"
    params: tuple[str, ...]
    bodies: tuple[str, ...]
    consts: Callable[[Random], dict[str, Any]]
    cases: Callable[[Random, dict[str, Any]], list[tuple[Any, ...]]]  # full argument tuples
    doc: str


def _ints(rng: Random, size: int | None = None) -> list[int]:
    return [rng.randint(-9, 20) for _ in range(rng.randint(0, 6) if size is None else size)]


def _seq_cases(extra: Callable[[Random, dict[str, Any]], tuple[Any, ...]] = lambda r, c: ()):
    def cases(rng: Random, consts: dict[str, Any]) -> list[tuple[Any, ...]]:
        lists = [[], _ints(rng, 1), _ints(rng, 4), _ints(rng, 6), _ints(rng)]
        return [(values, *extra(rng, consts)) for values in lists]
    return cases


def _text_cases(pool: Callable[[Random, dict[str, Any]], list[str]]):
    return lambda rng, consts: [(text,) for text in pool(rng, consts)]


WORDS = ("alpha", "Beta", "gamma ray", "Delta Force", "epsilon", "zeta", "Eta Carinae", "theta")


def _phrases(rng: Random, consts: dict[str, Any]) -> list[str]:
    return ["", "  Hello World ", rng.choice(WORDS), f"{rng.choice(WORDS)} {rng.choice(WORDS)}", "A  b"]


def _pairs(rng: Random, consts: dict[str, Any]) -> list[str]:
    sep = consts["sep"]
    return ["", f"a=1{sep}b=2", f"k=v=w{sep}", f"{rng.choice('xyz')}={rng.randint(0, 99)}", f"{sep}q=r"]


def _numbers(rng: Random, consts: dict[str, Any]) -> list[str]:
    return [" 12 ", "x", str(rng.randint(-50, 50)), "0", "4.5"]


def _fields(rng: Random, consts: dict[str, Any]) -> list[str]:
    sep = consts["sep"]
    return ["", f" a {sep}b", f"{rng.choice(WORDS)}{sep}{sep} z ", "one"]


def _codes(rng: Random, consts: dict[str, Any]) -> list[str]:
    n = consts["n"]
    return ["", "a" * n, "a" * (n - 1), "a" * (n + 1), "-" * n, "".join(rng.choice("ab3Z") for _ in range(n))]


def _bounds(rng: Random) -> dict[str, Any]:
    lo = rng.randint(-5, 5)
    return {"lo": lo, "hi": lo + rng.randint(3, 12)}


def _around(*names: str):
    def cases(rng: Random, consts: dict[str, Any]) -> list[tuple[Any, ...]]:
        points = sorted({consts[n] + d for n in names for d in (-1, 0, 1)} | {consts[names[-1]] + 9})
        return [(p,) for p in points]
    return cases


def _collatz(rng: Random, consts: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(v,) for v in (-3, 0, 1, 2, 7, rng.randint(10, 99))]


def _no_params(kind: Kind) -> bool:
    return not kind.params


def _limits(rng: Random, consts: dict[str, Any]) -> tuple[Any, ...]:
    return (rng.randint(-2, 9),)


def _range(rng: Random, consts: dict[str, Any]) -> tuple[Any, ...]:
    lo = rng.randint(-3, 4)
    return (lo, lo + rng.randint(2, 10))


SEQ_KINDS = (
    Kind("total", "values", (), (
        "return sum(v * {k} for v in {S}) + {c}",
        "total = {c}\nfor v in {S}:\n    total += v * {k}\nreturn total",
        "scaled = [v * {k} for v in {S}]\nreturn sum(scaled) + {c}",
    ), lambda r: {"k": r.randint(2, 5), "c": r.randint(0, 9)}, _seq_cases(), "The {noun}, scaled and summed."),
    Kind("count_over", "values", ("limit",), (
        "return sum(1 for v in {S} if v > limit)",
        "count = 0\nfor v in {S}:\n    if v > limit:\n        count += 1\nreturn count",
        "return len([v for v in {S} if v > limit])",
    ), lambda r: {}, _seq_cases(_limits), "How many {noun} exceed the limit."),
    Kind("clamp", "values", ("lo", "hi"), (
        "return [min(max(v, lo), hi) for v in {S}]",
        "result = []\nfor v in {S}:\n    if v < lo:\n        result.append(lo)\n    elif v > hi:\n"
        "        result.append(hi)\n    else:\n        result.append(v)\nreturn result",
        "return [max(lo, min(v, hi)) for v in {S}]",
    ), lambda r: {}, _seq_cases(_range), "The {noun}, each kept between lo and hi."),
    Kind("steps", "values", (), (
        "return [b - a for a, b in zip({S}, {S}[1:])]",
        "items = list({S})\nreturn [items[i + 1] - items[i] for i in range(len(items) - 1)]",
        "result = []\nprevious = None\nfor v in {S}:\n    if previous is not None:\n"
        "        result.append(v - previous)\n    previous = v\nreturn result",
    ), lambda r: {}, _seq_cases(), "The differences between neighbouring {noun}."),
    Kind("peak", "values", (), (
        "if not {S}:\n    return {d}\nreturn max({S})",
        "best = None\nfor v in {S}:\n    if best is None or v > best:\n        best = v\n"
        "return {d} if best is None else best",
        "return max({S}, default={d})",
    ), lambda r: {"d": r.randint(-3, 3)}, _seq_cases(), "The largest of the {noun}, or a default."),
    Kind("mean", "values", (), (
        "if not {S}:\n    return 0\nreturn round(sum({S}) / len({S}), {p})",
        "count = len({S})\nif count == 0:\n    return 0\ntotal = sum({S})\nreturn round(total / count, {p})",
    ), lambda r: {"p": r.randint(0, 2)}, _seq_cases(), "The mean of the {noun}, rounded."),
    Kind("weighted", "values", (), (
        "return sum((i + 1) * v for i, v in enumerate({S})) % {m}",
        "total = 0\nfor i, v in enumerate({S}, start=1):\n    total += i * v\nreturn total % {m}",
        "weights = range(1, len({S}) + 1)\nreturn sum(w * v for w, v in zip(weights, {S})) % {m}",
    ), lambda r: {"m": r.choice((97, 101, 251))}, _seq_cases(), "The {noun} weighted by position, modulo a prime."),
)

TEXT_KINDS = (
    Kind("slug", "text", (), (
        'return text.strip().lower().replace(" ", "{sep}")',
        'return "{sep}".join(text.strip().lower().split(" "))',
        'cleaned = text.strip().lower()\nreturn cleaned.replace(" ", "{sep}")',
    ), lambda r: {"sep": r.choice("-_.")}, _text_cases(_phrases), "The {noun} as a lower-case slug."),
    Kind("checksum", "text", (), (
        "return sum((i + 1) * ord(c) for i, c in enumerate(text)) % {m}",
        "total = 0\nfor i, c in enumerate(text, start=1):\n    total += i * ord(c)\nreturn total % {m}",
    ), lambda r: {"m": r.choice((97, 1009, 65521))}, _text_cases(_phrases),
        "A position-weighted checksum of the {noun}."),
    Kind("initials", "text", (), (
        'return "".join(word[0].upper() for word in text.split())',
        'letters = []\nfor word in text.split():\n    letters.append(word[0].upper())\nreturn "".join(letters)',
    ), lambda r: {}, _text_cases(_phrases), "The initials of the {noun}'s words."),
)

PARSE_KINDS = (
    Kind("pairs", "text", (), (
        'return dict(part.split("=", 1) for part in text.split("{sep}") if part)',
        'result = {{}}\nfor part in text.split("{sep}"):\n    if not part:\n        continue\n'
        '    key, value = part.split("=", 1)\n    result[key] = value\nreturn result',
    ), lambda r: {"sep": r.choice(";,&")}, _text_cases(_pairs), "The key=value pairs of a {noun}."),
    Kind("number", "text", (), (
        "try:\n    return int(text.strip()) + {c}\nexcept ValueError:\n    return {d}",
        "cleaned = text.strip()\ntry:\n    value = int(cleaned)\nexcept ValueError:\n    return {d}\n"
        "return value + {c}",
    ), lambda r: {"c": r.randint(0, 5), "d": r.choice((-1, 0))}, _text_cases(_numbers),
        "The {noun} as an integer, offset; a default when it is not one."),
    Kind("fields", "text", (), (
        'return [field.strip() for field in text.split("{sep}")]',
        'result = []\nfor field in text.split("{sep}"):\n    result.append(field.strip())\nreturn result',
    ), lambda r: {"sep": r.choice("|,;")}, _text_cases(_fields), "The fields of a {noun} line, stripped."),
)

CHECK_KINDS = (
    Kind("bucket", "value", (), (
        'if value < {a}:\n    return "low"\nif value < {b}:\n    return "mid"\nreturn "high"',
        'for limit, label in (({a}, "low"), ({b}, "mid")):\n    if value < limit:\n        return label\nreturn "high"',
        'return "low" if value < {a} else "mid" if value < {b} else "high"',
    ), lambda r: (lambda a: {"a": a, "b": a + r.randint(3, 20)})(r.randint(0, 10)), _around("a", "b"),
        "The {noun}'s band: low, mid or high."),
    Kind("in_range", "value", (), (
        "return {lo} <= value <= {hi}",
        "if value < {lo}:\n    return False\nreturn value <= {hi}",
    ), _bounds, _around("lo", "hi"), "Whether the {noun} is within the allowed range."),
    Kind("halve", "value", (), (
        "if value % 2 == 0:\n    return value // 2\nreturn 3 * value + 1",
        "return value // 2 if value % 2 == 0 else 3 * value + 1",
    ), lambda r: {}, _collatz, "The next {noun} of a Collatz walk."),
    Kind("is_code", "text", (), (
        "return len(text) == {n} and text.isalnum()",
        "if len(text) != {n}:\n    return False\nreturn text.isalnum()",
        "return text.isalnum() and len(text) == {n}",
    ), lambda r: {"n": r.randint(3, 6)}, _text_cases(_codes), "Whether the {noun} is a valid code."),
)

NOUNS = ("prices", "counts", "scores", "weights", "items", "fees", "units", "levels", "rows", "orders",
         "hours", "votes", "marks", "loads", "sizes", "rates", "points", "steps", "grades", "ticks")
VALUE_NOUNS = ("level", "grade", "size", "quantity", "score", "age", "count", "weight", "depth", "rank")
TEXT_NOUNS = ("title", "name", "header", "query", "label", "line", "note", "tag", "path", "entry", "memo", "key")


@dataclass
class Func:
    """A generated function or method: its kind, constants and which equivalent body it has now."""

    name: str
    kind: Kind
    consts: dict[str, Any]
    variant: int
    noun: str
    helpers: str | None = None  # the module its body was moved to, as `{name}_impl`, imported lazily

    def render(self, method: bool = False, impl: bool = False) -> str:
        arg = "self.values" if method and self.kind.arg == "values" else self.kind.arg
        params = ([] if method and self.kind.arg == "values" else [self.kind.arg]) + list(self.kind.params)
        head = ", ".join((["self"] if method else []) + params)
        if self.helpers and not impl:
            body = f"from .{self.helpers} import {self.name}_impl\n\nreturn {self.name}_impl({', '.join(params)})"
        else:
            body = self.kind.bodies[self.variant].format(S=arg, **self.consts)
        doc = self.kind.doc.format(noun=self.noun)
        name = f"{self.name}_impl" if impl else self.name
        text = f'def {name}({head}):\n    """{doc[0].upper()}{doc[1:]}"""\n{textwrap.indent(body, "    ")}\n'
        return textwrap.indent(text, "    ") if method else text

    def call(self, *args: Any) -> Any:
        """Run variant 0 on `args`: the expected value the tests write down."""
        namespace: dict[str, Any] = {}
        exec(Func(self.name, self.kind, self.consts, 0, self.noun).render(), namespace)  # our own generated code
        return namespace[self.name](*args)


@dataclass
class Cls:
    name: str
    methods: list[Func]
    doc: str

    def render(self) -> str:
        init = ('    def __init__(self, values):\n        if len(values) > MAX_LINES:\n'
                '            raise ValueError(f"at most {MAX_LINES} lines")\n        self.values = list(values)\n')
        return f'class {self.name}:\n    """{self.doc}"""\n\n{init}' + "".join(
            "\n" + method.render(method=True) for method in self.methods)


@dataclass
class Case:
    args: tuple[Any, ...]
    expected: Any


@dataclass
class Test:
    """One test function: `style` param (parametrized), plain (asserts) or fixture (conftest's list)."""

    name: str
    target: Func
    owner: str | None  # the class of a method
    style: str
    cases: list[Case]

    def call(self, args: list[str]) -> str:
        """The call under test: a function's, or a method's on an instance built from the first argument."""
        if self.owner is None:
            return f"{self.target.name}({', '.join(args)})"
        return f"{self.owner}({args[0]}).{self.target.name}({', '.join(args[1:])})"

    def render(self, in_class: bool) -> str:
        self_arg = ["self"] if in_class else []
        if self.style == "param":
            rows = "".join(f"    ({case.args!r}, {case.expected!r}),\n" for case in self.cases)
            params = ", ".join([*self_arg, "args", "expected"])
            call = self.call(["*args"]) if self.owner is None else self.call(["args[0]", "*args[1:]"])
            text = (f'@pytest.mark.parametrize(("args", "expected"), [\n{rows}])\n'
                    f"def {self.name}({params}):\n    assert {call} == expected\n")
        elif self.style == "fixture":
            args = ["sample_values", *map(repr, self.cases[0].args[1:])]
            text = (f"def {self.name}({', '.join([*self_arg, 'sample_values'])}):\n"
                    f"    assert {self.call(args)} == {self.cases[0].expected!r}\n")
        else:
            asserts = "".join(f"    assert {self.call(list(map(repr, c.args)))} == {c.expected!r}\n"
                              for c in self.cases)
            text = f"def {self.name}({', '.join(self_arg)}):\n{asserts}"
        return textwrap.indent(text, "    ") if in_class else text


@dataclass
class Module:
    """A catalog module: functions and classes, and the test file that tests them."""

    name: str
    doc: str
    funcs: list[Func] = field(default_factory=list)
    classes: list[Cls] = field(default_factory=list)
    tests: list[Test] = field(default_factory=list)
    test_class: str | None = None  # the function tests sit in this class

    def source(self) -> str:
        head = f'"""{self.doc}"""\n' + ("\nfrom .constants import MAX_LINES\n" if self.classes else "")
        parts = [f.render() for f in self.funcs] + [c.render() for c in self.classes]
        return head + "".join(f"\n\n{part}" for part in parts)

    def helpers_source(self) -> str | None:
        moved = [f.render(impl=True) for f in self.funcs if f.helpers]
        if not moved:
            return None
        return f'"""What {self.name}.py delegates to."""\n' + "".join(f"\n\n{part}" for part in moved)

    def test_source(self) -> str:
        names = sorted({f.name for f in self.funcs if any(t.target is f for t in self.tests)})
        names += [c.name for c in self.classes]
        head = f"import pytest\n\nfrom {PACKAGE}.{self.name} import {', '.join(names)}\n"
        blocks = []
        if self.test_class:
            own = [t for t in self.tests if t.owner is None]
            blocks.append(f"class {self.test_class}:\n" + "\n".join(t.render(True) for t in own))
        else:
            blocks += [t.render(False) for t in self.tests if t.owner is None]
        for cls in self.classes:
            own = [t for t in self.tests if t.owner == cls.name]
            blocks.append(f"class Test{cls.name}:\n" + "\n".join(t.render(True) for t in own))
        return head + "".join(f"\n\n{block}" for block in blocks)


class Project:
    """The generated project as data, written to `root`; each change edits the data and rewrites files."""

    def __init__(self, root: Path, rng: Random) -> None:
        self.root, self.rng = root, rng
        self.used: set[str] = set()
        self.constants = {"PRECISION": 2, "MAX_LINES": 100, "CURRENCIES": ["EUR", "USD", "GBP"], "TIMEOUT": 30}
        self.samples = list(WORDS[:5])
        self.sizes = [1, 2, 4, 8]
        self.rates = {"EUR": 1.0, "USD": 1.08, "GBP": 0.86}
        self.revision = {"conftest": 0, "docs": 0, "readme": 0}
        self.modules = [
            self._module("text", "Text helpers for names and titles.", TEXT_KINDS, 6, test_class="TestText",
                         first=lambda kind: kind.stem == "slug"),  # idempotent: test_samples relies on it
            self._module("parsing", "Parsers of the small text formats the ledger reads.", PARSE_KINDS, 5),
            self._module("numbers", "Arithmetic over lists of amounts.", SEQ_KINDS, 6, first=_no_params),
            self._module("stats", "Statistics of series of amounts.", SEQ_KINDS, 5),
            self._module("checks", "Validation of single values.", CHECK_KINDS, 6, test_class="TestChecks"),
            self._module("models", "The order and basket models.", (), 0,
                         classes=(("Order", "An order: its line amounts.", 5), ("Basket", "A basket of amounts.", 4))),
            self._module("account", "The account book.", SEQ_KINDS, 3,
                         classes=(("Book", "An account book: its postings.", 4),)),
        ]

    # --- building -------------------------------------------------------------------------------------

    def _name(self, stem: str, nouns: tuple[str, ...]) -> tuple[str, str]:
        for noun in self.rng.sample(nouns, len(nouns)):
            name = f"{stem}_{noun}"
            if name not in self.used:
                self.used.add(name)
                return name, noun
        name = f"{stem}_{len(self.used)}"
        self.used.add(name)
        return name, "values"

    def new_func(self, kinds: tuple[Kind, ...], method: bool = False) -> Func:
        kind = self.rng.choice(kinds)  # the report calls the first function of a module or class
        if method:
            name, noun = kind.stem, "amounts"
        else:
            nouns = {"values": NOUNS, "value": VALUE_NOUNS}.get(kind.arg, TEXT_NOUNS)
            name, noun = self._name(kind.stem, nouns)
        return Func(name, kind, kind.consts(self.rng), self.rng.randrange(len(kind.bodies)), noun)

    def new_tests(self, func: Func, owner: str | None, taken: set[str]) -> list[Test]:
        cases = [Case(args, func.call(*args)) for args in func.kind.cases(self.rng, func.consts)]
        base = f"test_{func.name}"
        roll = self.rng.random()
        if func.kind.arg == "values" and roll < 0.2:
            rest = cases[0].args[1:]
            args = (SAMPLE_VALUES, *rest)
            tests = [Test(f"{base}_sample", func, owner, "fixture", [Case(args, func.call(*args))])]
            tests.append(Test(base, func, owner, "plain", cases[1:3]))
        elif roll < 0.65:
            tests = [Test(base, func, owner, "param", cases)]
        else:
            half = len(cases) // 2
            tests = [Test(f"{base}_empty" if not cases[0].args[0] else f"{base}_first", func, owner, "plain",
                          cases[:half]), Test(base, func, owner, "plain", cases[half:])]
        for test in tests:
            while test.name in taken:
                test.name += "_more"
            taken.add(test.name)
        return tests

    def _module(self, name: str, doc: str, kinds: tuple[Kind, ...], count: int, test_class: str | None = None,
                classes: tuple[tuple[str, str, int], ...] = (),
                first: Callable[[Kind], bool] = lambda kind: True) -> Module:
        module = Module(name, doc, test_class=test_class)
        taken: set[str] = set()
        for index in range(count):
            func = self.new_func(tuple(k for k in kinds if first(k)) if index == 0 else kinds)
            module.funcs.append(func)
            module.tests += self.new_tests(func, None, taken)
        for cls_name, cls_doc, methods in classes:
            cls = Cls(cls_name, [], cls_doc)
            stems: set[str] = set()
            while len(cls.methods) < methods:
                method = self.new_func(SEQ_KINDS if cls.methods else tuple(filter(_no_params, SEQ_KINDS)), method=True)
                if method.name not in stems:
                    stems.add(method.name)
                    cls.methods.append(method)
                    module.tests += self.new_tests(method, cls_name, taken)
            module.classes.append(cls)
        return module

    # --- rendering ------------------------------------------------------------------------------------

    def files(self) -> dict[str, str]:
        """Every file of the project now."""
        c = self.constants
        numbers = next(m for m in self.modules if m.name == "numbers")
        text = next(m for m in self.modules if m.name == "text")
        total, title = numbers.funcs[0], text.funcs[0]
        order = next(m for m in self.modules if m.name == "models").classes[0]
        files = {
            "pyproject.toml": PYPROJECT,
            ".gitignore": ".coverage*\n__pycache__/\n*.xml\n",
            "README.md": f"# ledger\n\nA small accounting toolkit.\n\nRevision {self.revision['readme']}.\n",
            "docs/usage.md": f"# Usage\n\n```python\nfrom ledger.report import summary\n```\n\n"
                             f"Notes revision {self.revision['docs']}.\n",
            f"{PACKAGE}/__init__.py": '"""Ledger: a small accounting toolkit (generated by bench/impact.py)."""\n\n'
                                      '__version__ = "1.0.0"\n',
            f"{PACKAGE}/constants.py": ('"""Settings shared by the package, read at import time."""\n\n'
                                        f"PRECISION = {c['PRECISION']}\nMAX_LINES = {c['MAX_LINES']}\n"
                                        f"CURRENCIES = {tuple(c['CURRENCIES'])!r}\n"
                                        f"DEFAULT_CURRENCY = CURRENCIES[0]\nTIMEOUT = {c['TIMEOUT']}\n"),
            f"{PACKAGE}/registry.py": REGISTRY,
            f"{PACKAGE}/samples.py": ('"""Sample words for the tests\' parametrize lists (read at collection)."""\n\n'
                                      f"WORDS = {tuple(self.samples)!r}\nAMOUNTS = (3, 7, 11, 42)\n"
                                      f"SIZES = {tuple(self.sizes)!r}\n"),
            f"{PACKAGE}/loader.py": LOADER,
            f"{PACKAGE}/report.py": REPORT.format(total=total.name, title=title.name, order=order.name,
                                                   method=order.methods[0].name),
            "tests/__init__.py": "",
            "tests/conftest.py": CONFTEST.format(values=SAMPLE_VALUES, revision=self.revision["conftest"]),
            "tests/data/rates.json": json.dumps(self.rates, indent=2, sort_keys=True) + "\n",
            "tests/test_registry.py": TEST_REGISTRY,
            "tests/test_loader.py": TEST_LOADER,
            "tests/test_samples.py": TEST_SAMPLES.format(title=title.name),
            "tests/test_report.py": self._report_tests(total, title, order.methods[0]),
        }
        for module in self.modules:
            files[f"{PACKAGE}/{module.name}.py"] = module.source()
            files[f"tests/test_{module.name}.py"] = module.test_source()
            if (helpers := module.helpers_source()) is not None:
                files[f"{PACKAGE}/{module.name}_helpers.py"] = helpers
        return files

    def _report_tests(self, total: Func, title: Func, method: Func) -> str:
        rows = [([1, 2, 3], "Big Deal"), ([], "empty"), ([5, -5, 8], " Mixed Bag ")]
        cases = [((values, name), f"{title.call(name)}: {total.call(values)}") for values, name in rows]
        first = [1, 2, 3]
        return TEST_REPORT.format(cases=cases, first=first, line=f"order of {len(first)}: {method.call(first)}")

    def write(self) -> None:
        for path, text in self.files().items():
            target = self.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists() or target.read_text() != text:
                target.write_text(text)


PYPROJECT = """[project]
name = "ledger"
version = "1.0.0"
requires-python = ">=3.11"

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]

[tool.qa.tiers.unit]
paths = ["tests"]
coverage = false

[tool.qa.impact-inputs]
"tests/data/*.json" = ["tests/test_loader.py"]
"""

REGISTRY = '''"""Currencies and minor units, derived from the constants when the package is imported."""

from .constants import CURRENCIES, DEFAULT_CURRENCY, PRECISION

SUPPORTED = frozenset(CURRENCIES)
SCALE = 10 ** PRECISION


def is_supported(code):
    """Whether the ledger books in this currency."""
    return code.upper() in SUPPORTED


def to_minor(amount):
    """An amount in minor units (cents)."""
    return round(amount * SCALE)


def from_minor(units):
    """Minor units back to an amount."""
    return units / SCALE


def currency_or_default(code):
    """The code if supported, else the default currency."""
    if code and is_supported(code):
        return code.upper()
    return DEFAULT_CURRENCY
'''

LOADER = '''"""Exchange rates, read from a JSON file."""

import json
from pathlib import Path


def load_rates(path):
    """The rates in the file, by upper-case currency code."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {code.upper(): float(rate) for code, rate in data.items()}


def convert(amount, rate):
    """An amount converted at a rate, to cents."""
    return round(amount * rate, 2)
'''

REPORT = '''"""Report lines, built from the other modules."""

from .models import {order}
from .numbers import {total}
from .text import {title}


def summary(values, name):
    """One report line: the name and the values' total."""
    return f"{{{title}(name)}}: {{{total}(values)}}"


def order_line(values):
    """An order's report line."""
    order = {order}(values)
    return f"order of {{len(order.values)}}: {{order.{method}()}}"
'''

CONFTEST = '''"""Shared fixtures (revision {revision})."""

import pytest


@pytest.fixture
def sample_values():
    """A list of amounts many tests use."""
    return {values!r}
'''

TEST_REGISTRY = f'''import pytest

from {PACKAGE}.constants import CURRENCIES, DEFAULT_CURRENCY, MAX_LINES, PRECISION, TIMEOUT
from {PACKAGE}.models import Order
from {PACKAGE}.registry import SUPPORTED, currency_or_default, from_minor, is_supported, to_minor


def test_every_currency_is_supported():
    assert all(is_supported(code.lower()) for code in CURRENCIES)
    assert len(SUPPORTED) == len(CURRENCIES)


def test_unknown_currency():
    assert not is_supported("XXX")
    assert currency_or_default("XXX") == DEFAULT_CURRENCY
    assert currency_or_default("") == DEFAULT_CURRENCY


@pytest.mark.parametrize("amount", [0, 1, 12.5, 99.99])
def test_minor_units_round_trip(amount):
    assert from_minor(to_minor(amount)) == round(amount, PRECISION)


def test_minor_units_of_one():
    assert to_minor(1) == 10 ** PRECISION


def test_last_currency():
    assert currency_or_default(CURRENCIES[-1].lower()) == CURRENCIES[-1]


def test_timeout_is_positive():
    assert TIMEOUT > 0


class TestOrderLimit:
    def test_at_the_limit(self):
        assert len(Order([1] * MAX_LINES).values) == MAX_LINES

    def test_over_the_limit(self):
        with pytest.raises(ValueError, match=str(MAX_LINES)):
            Order([1] * (MAX_LINES + 1))
'''

TEST_LOADER = f'''from pathlib import Path

import pytest

from {PACKAGE}.constants import DEFAULT_CURRENCY
from {PACKAGE}.loader import convert, load_rates

RATES = Path(__file__).parent / "data" / "rates.json"


@pytest.fixture
def rates():
    return load_rates(RATES)


def test_rates_are_positive(rates):
    assert all(rate > 0 for rate in rates.values())


def test_default_currency_has_rate_one(rates):
    assert rates[DEFAULT_CURRENCY] == 1.0


def test_codes_are_upper_case(rates):
    assert all(code == code.upper() and len(code) == 3 for code in rates)


@pytest.mark.parametrize(("amount", "rate", "expected"), [(10, 1.5, 15.0), (0, 2.0, 0.0), (3.333, 1.0, 3.33)])
def test_convert(amount, rate, expected):
    assert convert(amount, rate) == expected
'''

TEST_REPORT = f'''import pytest

from {PACKAGE}.report import order_line, summary


@pytest.mark.parametrize(("args", "expected"), {{cases!r}})
def test_summary(args, expected):
    assert summary(*args) == expected


def test_order_line():
    assert order_line({{first!r}}) == {{line!r}}
'''

TEST_SAMPLES = f'''import pytest

from {PACKAGE}.samples import AMOUNTS, SIZES, WORDS
from {PACKAGE}.text import {{title}}


@pytest.mark.parametrize("word", WORDS)
def test_words_are_idempotent(word):
    assert {{title}}({{title}}(word)) == {{title}}(word)


@pytest.mark.parametrize("amount", AMOUNTS)
def test_amounts_are_positive(amount):
    assert amount > 0


@pytest.mark.parametrize("size", SIZES)
def test_sizes_are_powers_of_two(size):
    assert size > 0 and size & (size - 1) == 0
'''


# --- the history ----------------------------------------------------------------------------------------

CHANGES = {  # kind -> weight of the commits after one of each
    "body": 60, "method": 10, "add": 7, "test-edit": 6, "test-rename": 4, "constant": 7, "data": 5,
    "undeclared": 4, "conftest": 3, "multi": 9, "extract": 4,
}
FULL_RUN_KINDS = frozenset({"undeclared", "conftest"})  # the map cannot see these: everything must run
NEW_CODES = ("CHF", "JPY", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "AUD", "CAD", "NZD", "SGD")
NEW_WORDS = ("iota", "Kappa", "lambda calculus", "Mu", "nu", "Xi Jinping Road", "omicron", "pi", "Rho", "sigma")


@dataclass
class Commit:
    sha: str
    parent: str
    kind: str
    message: str
    files: list[str]


class History:
    """Writes the initial commit, then one commit per change, each through git."""

    def __init__(self, project: Project) -> None:
        self.project, self.rng = project, project.rng
        self.count = 0

    def git(self, *args: str) -> str:
        when = f"@{1767225600 + self.count * 3600} +0000"
        env = {**os.environ, "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
               "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.com",
               "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_CONFIG_GLOBAL": os.devnull,
               "GIT_CONFIG_NOSYSTEM": "1"}
        return subprocess.run(["git", *args], cwd=self.project.root, env=env, capture_output=True, text=True,
                              check=True).stdout.strip()

    def start(self) -> str:
        self.project.write()
        self.git("init", "-q", "-b", "main")
        self.git("add", "-A")
        self.git("commit", "-qm", "ledger: the package, its tests and data")
        return self.git("rev-parse", "HEAD")

    def commit(self, kind: str) -> Commit:
        parent = self.git("rev-parse", "HEAD")
        files: list[str] = []
        while not files:  # a change that happens to write the same text is drawn again
            message = getattr(self, "_" + kind.replace("-", "_"))()
            self.project.write()
            self.git("add", "-A")
            files = self.git("diff", "--cached", "--name-only").splitlines()
        self.count += 1
        self.git("commit", "-qm", message)
        return Commit(self.git("rev-parse", "HEAD"), parent, kind, message, files)

    def plan(self, commits: int) -> list[str]:
        kinds = list(CHANGES)
        rest = self.rng.choices(kinds, weights=list(CHANGES.values()), k=max(0, commits - len(kinds)))
        plan = kinds[:commits] + rest
        self.rng.shuffle(plan)
        return plan

    # --- the changes --------------------------------------------------------------------------------------

    def _pick_func(self, exclude: set[str] = frozenset()) -> tuple[Module, Func]:
        choices = [(m, f) for m in self.project.modules for f in m.funcs
                   if m.name not in exclude and len(f.kind.bodies) > 1]
        return self.rng.choice(choices)

    def _switch(self, func: Func) -> None:
        func.variant = self.rng.choice([i for i in range(len(func.kind.bodies)) if i != func.variant])

    def _body(self) -> str:
        module, func = self._pick_func()
        self._switch(func)
        return f"{module.name}: {self.rng.choice(('simplify', 'rewrite', 'tidy', 'refactor'))} {func.name}"

    def _method(self) -> str:
        module, cls = self.rng.choice([(m, c) for m in self.project.modules for c in m.classes])
        method = self.rng.choice([f for f in cls.methods if len(f.kind.bodies) > 1])
        self._switch(method)
        return f"{module.name}: simplify {cls.name}.{method.name}"

    def _add(self) -> str:
        module = self.rng.choice([m for m in self.project.modules if m.funcs])
        pool = {"text": TEXT_KINDS, "parsing": PARSE_KINDS, "checks": CHECK_KINDS}.get(module.name, SEQ_KINDS)
        func = self.project.new_func(pool)
        module.funcs.append(func)
        module.tests += self.project.new_tests(func, None, {t.name for t in module.tests})
        return f"{module.name}: add {func.name}, with its tests"

    def _extract(self) -> str:
        module, func = self.rng.choice([(m, f) for m in self.project.modules for f in m.funcs if not f.helpers])
        func.helpers = f"{module.name}_helpers"
        return f"{module.name}: move the logic of {func.name} to {func.helpers}"

    def _test_edit(self) -> str:
        module = self.rng.choice(self.project.modules)
        test = self.rng.choice([t for t in module.tests if t.style != "fixture"])
        args = self.rng.choice(test.target.kind.cases(self.rng, test.target.consts))
        test.cases.append(Case(args, test.target.call(*args)))
        return f"tests: one more case for {test.name}"

    def _test_rename(self) -> str:
        module = self.rng.choice(self.project.modules)
        test = self.rng.choice(module.tests)
        old = test.name
        taken = {t.name for t in module.tests}
        for suffix in ("_cases", "_examples", "_works", "_behaves"):
            if old + suffix not in taken:
                test.name = old + suffix
                break
        return f"tests: rename {old} to {test.name}"

    def _constant(self) -> str:
        constants = self.project.constants
        choice = self.rng.choice(("MAX_LINES", "CURRENCIES", "PRECISION", "TIMEOUT", "samples", "sizes"))
        if choice == "MAX_LINES":
            constants["MAX_LINES"] += self.rng.choice((-10, 10, 20))
        elif choice == "CURRENCIES":
            code = next(c for c in NEW_CODES if c not in constants["CURRENCIES"])
            constants["CURRENCIES"].append(code)
            return f"constants: book in {code} too"
        elif choice == "PRECISION":
            constants["PRECISION"] = 5 - constants["PRECISION"]  # 2 <-> 3
        elif choice == "TIMEOUT":
            constants["TIMEOUT"] += 15
        elif choice == "sizes":  # a new parameter of a test that imports SIZES at collection
            self.project.sizes.append(self.project.sizes[-1] * 2)
            return f"samples: size {self.project.sizes[-1]}"
        else:
            word = next(w for w in NEW_WORDS if w not in self.project.samples)
            self.project.samples.append(word)
            return f"samples: add {word!r}"
        return f"constants: {choice} = {constants[choice]}"

    def _data(self) -> str:
        rates = self.project.rates
        if self.rng.random() < 0.5:
            code = next(c for c in NEW_CODES if c not in rates)
            rates[code] = round(self.rng.uniform(0.1, 20), 3)
            return f"data: a rate for {code}"
        code = self.rng.choice([c for c in rates if c != "EUR"])
        rates[code] = round(rates[code] * self.rng.uniform(0.95, 1.05), 3)
        return f"data: update the {code} rate"

    def _undeclared(self) -> str:
        which = self.rng.choice(("docs", "readme"))
        self.project.revision[which] += 1
        return "docs: usage notes" if which == "docs" else "readme: the revision"

    def _conftest(self) -> str:
        self.project.revision["conftest"] += 1
        return "tests: describe the shared fixtures"

    def _multi(self) -> str:
        touched: set[str] = set()
        names = []
        for _ in range(self.rng.randint(2, 3)):
            module, func = self._pick_func(exclude=touched)
            touched.add(module.name)
            self._switch(func)
            names.append(func.name)
        if self.rng.random() < 0.5:
            self._test_edit()
        return f"refactor: {', '.join(names)}"


def generate(root: Path, seed: int, commits: int) -> tuple[str, list[Commit], Project]:
    """Write the project and its history; the first commit and the changes after it."""
    project = Project(root, Random(seed))
    history = History(project)
    first = history.start()
    return first, [history.commit(kind) for kind in history.plan(commits)], project
