#!/usr/bin/env python3
"""Write docs/actions.md's tables of every input and output from the action.yml files and the
reusable workflows, between its markers, so that the docs and the YAML cannot drift.

    python .ci/action-docs.py            # rewrite the tables
    python .ci/action-docs.py --check    # exit 1 when the committed tables are not what the YAML gives

tests/unit/actions/test_action_docs.py regenerates the tables in memory and compares them as --check does.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[1]
PAGE = Path("docs") / "actions.md"
START = "<!-- action-docs:start (written by .ci/action-docs.py from the YAML: do not edit by hand) -->"
END = "<!-- action-docs:end -->"
OWNER = "org/qa-actions"  # as the README's examples name this repository
TAG = "v1"  # the major tag the release workflow moves


@dataclass(frozen=True)
class Surface:
    """One thing a caller `uses:`: an action or a reusable workflow, with its inputs and outputs."""

    title: str
    uses: str
    description: str
    inputs: dict[str, dict]
    outputs: dict[str, dict]
    secrets: dict[str, dict]
    typed: bool  # workflow inputs have a type; action inputs are strings


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def surfaces(repo: Path) -> list[Surface]:
    """The root action, the single actions, then the reusable workflows (`on: workflow_call`), sorted."""
    found = []
    for path in [repo / "action.yml", *sorted(repo.glob("actions/*/action.yml"))]:
        action = load(path)
        where = path.parent.relative_to(repo).as_posix()
        uses = OWNER if where == "." else f"{OWNER}/{where}"
        title = "The root action" if where == "." else f"`{where}`"
        found.append(Surface(title, f"{uses}@{TAG}", action.get("description", ""), action.get("inputs") or {},
                             action.get("outputs") or {}, {}, typed=False))
    for path in sorted(repo.glob(".github/workflows/*.yml")):
        on = load(path).get("on")
        if not isinstance(on, dict) or "workflow_call" not in on:
            continue  # the repository's own workflows (ci.yml, release.yml) are not called by anyone
        call = on["workflow_call"] or {}
        where = path.relative_to(repo).as_posix()
        found.append(Surface(f"`{path.name}`", f"{OWNER}/{where}@{TAG}", _comment_of(path), call.get("inputs") or {},
                             call.get("outputs") or {}, call.get("secrets") or {}, typed=True))
    return found


def _comment_of(path: Path) -> str:
    """A workflow has no description field: its opening comment says what it is for."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(lines)


def cell(text: object) -> str:
    """Text for one table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def code(value: object) -> str:
    """A default as code; empty and missing defaults in words."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        value = str(value).lower()
    text = cell(value)
    if text == "":
        return "(empty)"
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def table(surface: Surface) -> list[str]:
    lines = [f"## {surface.title}", "", f"`uses: {surface.uses}`", ""]
    if surface.description:
        lines += [cell(surface.description), ""]
    if surface.inputs:
        header = "| input | description | type | default | required |" if surface.typed else \
            "| input | description | default | required |"
        lines += ["Inputs:", "", header, "|" + "---|" * (header.count("|") - 1)]
        for name, spec in surface.inputs.items():
            spec = spec or {}
            row = [f"`{name}`", cell(spec.get("description", ""))]
            if surface.typed:
                row.append(cell(spec.get("type", "")))
            row += [code(spec.get("default")), "yes" if spec.get("required") else "no"]
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    if surface.secrets:
        lines += ["Secrets:", "", "| secret | description | required |", "|---|---|---|"]
        for name, spec in surface.secrets.items():
            spec = spec or {}
            required = "yes" if spec.get("required") else "no"
            lines.append(f"| `{name}` | {cell(spec.get('description', ''))} | {required} |")
        lines.append("")
    if surface.outputs:
        lines += ["Outputs:", "", "| output | description |", "|---|---|"]
        for name, spec in surface.outputs.items():
            lines.append(f"| `{name}` | {cell((spec or {}).get('description', ''))} |")
        lines.append("")
    return lines


def render(repo: Path) -> str:
    """The generated block, markers included."""
    lines = [START, ""]
    for surface in surfaces(repo):
        lines += table(surface)
    return "\n".join([*lines, END])


def replace_block(text: str, block: str) -> str:
    """The page with its generated block replaced; ValueError unless the markers are there once each."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f"{PAGE} must hold the markers {START!r} and {END!r} once each, in that order")
    return re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, text, count=1, flags=re.S)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/actions.md is not up to date")
    parser.add_argument("--repo", type=Path, default=REPO, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    page = args.repo / PAGE
    try:
        current = page.read_text(encoding="utf-8")
        wanted = replace_block(current, render(args.repo))
    except (OSError, ValueError) as error:
        print(f"action-docs: {error}", file=sys.stderr)
        return 1
    if current == wanted:
        print(f"{PAGE}: up to date")
        return 0
    if args.check:
        print(f"action-docs: {PAGE} does not match the action.yml files and workflows: run python .ci/action-docs.py",
              file=sys.stderr)
        return 1
    page.write_text(wanted, encoding="utf-8")
    print(f"{PAGE}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
