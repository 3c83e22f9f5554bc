"""docs/actions.md's tables are what the action.yml files and reusable workflows declare: regenerated in
memory by .ci/action-docs.py and compared with the committed page, so that the two cannot drift."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / ".ci" / "action-docs.py"
PAGE = REPO / "docs" / "actions.md"
_spec = importlib.util.spec_from_file_location("action_docs_script", SCRIPT)
action_docs = sys.modules["action_docs_script"] = importlib.util.module_from_spec(_spec)  # for its dataclass
_spec.loader.exec_module(action_docs)


def run_script(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True,
                          timeout=60, check=False)


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def rows_by_section(text: str) -> dict[str, set[str]]:
    """The names in the first column of each `## ` section's tables, read from the page as a reader sees it."""
    found: dict[str, set[str]] = {}
    section = None
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:]
            found[section] = set()
        elif section and (match := re.match(r"\| `([^`]+)` \|", line)):
            found[section].add(match[1])
    return found


def test_the_committed_tables_are_what_the_yaml_declares() -> None:
    committed = PAGE.read_text(encoding="utf-8")
    assert action_docs.replace_block(committed, action_docs.render(REPO)) == committed, \
        "docs/actions.md does not match the action.yml files and workflows: run python .ci/action-docs.py"


def test_every_input_output_and_secret_has_a_row() -> None:
    rows = rows_by_section(PAGE.read_text(encoding="utf-8"))
    expected = {"The root action": load(REPO / "action.yml")}
    for path in sorted(REPO.glob("actions/*/action.yml")):
        expected[f"`actions/{path.parent.name}`"] = load(path)
    for path in sorted(REPO.glob(".github/workflows/*.yml")):
        on = load(path)["on"]
        if "workflow_call" in on:
            expected[f"`{path.name}`"] = on["workflow_call"]
    assert sorted(rows) == sorted(expected)
    assert {"`qa.yml`", "`nightly.yml`", "`report-fork.yml`", "`actions/setup`"} <= set(rows)
    for section, declared in expected.items():
        names = {name for part in ("inputs", "outputs", "secrets") for name in declared.get(part) or {}}
        assert rows[section] == names, section


def test_the_page_shows_defaults_and_required_as_declared() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert "| `tier` | " in text and re.search(r"\| `tier` \| .* \| — \| yes \|", text)  # test-tier's one required
    assert re.search(r"\| `github-token` \| .* \| `\$\{\{ github.token \}\}` \| no \|", text)
    assert re.search(r"\| `timeout-minutes` \| .* \| number \| `30` \| no \|", text)


@pytest.mark.parametrize(("value", "shown"), [(None, "—"), ("", "(empty)"), (True, "`true`"), (30, "`30`"),
                                              ("a|b", "`a\\|b`"), ("`x`", "`` `x` ``")])
def test_defaults_are_code_and_empty_ones_words(value: object, shown: str) -> None:
    assert action_docs.code(value) == shown


def test_a_cell_is_one_line_with_its_pipes_escaped() -> None:
    assert action_docs.cell("first line\n  second | third\n") == "first line second \\| third"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The YAML and the page of this repository, to change one of them."""
    for path in [REPO / "action.yml", *REPO.glob("actions/*/action.yml"), *REPO.glob(".github/workflows/*.yml"), PAGE]:
        target = tmp_path / path.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return tmp_path


def test_a_changed_action_fails_the_check_until_the_page_is_rewritten(copy: Path) -> None:
    assert run_script("--check", "--repo", copy).returncode == 0, "the committed docs/actions.md is out of date"
    setup = copy / "actions" / "setup" / "action.yml"
    setup.write_text(setup.read_text(encoding="utf-8").replace('default: "3.12"', 'default: "3.13"', 1),
                     encoding="utf-8")
    done = run_script("--check", "--repo", copy)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == ("action-docs: docs/actions.md does not match the action.yml files and workflows: "
                           "run python .ci/action-docs.py\n")
    assert run_script("--repo", copy).returncode == 0
    assert run_script("--check", "--repo", copy).returncode == 0
    assert re.search(r"\| `qa-python-version` \| .* \| `3.13` \| no \|", (copy / "docs" / "actions.md").read_text())


def test_a_new_input_needs_a_row(copy: Path) -> None:
    gate = copy / "actions" / "coverage-gate" / "action.yml"
    text = gate.read_text(encoding="utf-8")
    gate.write_text(text.replace("inputs:\n", "inputs:\n  planted:\n    description: A planted input.\n"
                                              "    required: false\n    default: x\n", 1), encoding="utf-8")
    assert run_script("--check", "--repo", copy).returncode == 1
    run_script("--repo", copy)
    assert "| `planted` | A planted input. | `x` | no |" in (copy / "docs" / "actions.md").read_text()


def test_a_page_without_its_markers_is_one_line(copy: Path) -> None:
    page = copy / "docs" / "actions.md"
    page.write_text(page.read_text(encoding="utf-8").replace(action_docs.END, ""), encoding="utf-8")
    done = run_script("--check", "--repo", copy)
    assert done.returncode == 1 and done.stderr.startswith("action-docs: docs/actions.md must hold the markers")
    assert done.stderr.count("\n") == 1
