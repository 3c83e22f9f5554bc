"""Every third-party action we pin runs on Node 24: GitHub's runners stopped running Node 20 actions in
September 2026, so a Node 20 pin is a workflow that fails for every adopting repository."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
RUNTIMES = tomllib.loads((REPO / "tests" / "data" / "action-runtimes.toml").read_text(encoding="utf-8"))
YAML = [REPO / "action.yml", *sorted(REPO.glob("actions/*/action.yml")), *sorted(REPO.glob(".github/workflows/*.yml")),
        *sorted(REPO.glob("scripts/qa_actions/templates/workflows/*.yml")),
        # examples people copy: the same pins there
        REPO / "README.md", *sorted(REPO.glob("docs/*.md")), *sorted(REPO.glob("examples/**/*.yml"))]
USES = re.compile(r"^\s*(?:-\s*)?uses:\s*(?P<action>[\w.-]+/[\w./-]+)@(?P<ref>\S+)(?:\s+#\s*(?P<comment>\S+))?", re.M)
OURS = ("org/qa-actions", "./")


def pins() -> list[tuple[str, str, str, str | None]]:
    found = []
    for path in YAML:
        for match in USES.finditer(path.read_text(encoding="utf-8")):
            if not match["action"].startswith(OURS):
                found.append((path.relative_to(REPO).as_posix(), match["action"], match["ref"], match["comment"]))
    return found


def test_the_yaml_pins_third_party_actions() -> None:
    assert len(pins()) >= 20  # the scan finds them: a regex that matched nothing would pass the next test


@pytest.mark.parametrize(("where", "action", "ref", "comment"), pins(), ids=lambda value: str(value))
def test_every_pin_is_a_node24_release_with_its_version_in_a_comment(where: str, action: str, ref: str,
                                                                      comment: str | None) -> None:
    assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{where}: {action} is pinned by {ref!r}, not a full commit SHA"
    known = RUNTIMES.get(f"{action}@{ref}")
    assert known is not None, f"{where}: {action}@{ref} is not in tests/data/action-runtimes.toml (read its action.yml)"
    assert known["using"] == "node24", f"{where}: {action} {known['version']} runs on {known['using']}"
    assert comment == known["version"], f"{where}: {action}@{ref} is {known['version']}, the comment says {comment}"
