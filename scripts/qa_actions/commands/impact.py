from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from ..errors import EXIT_OK
from .options import history_option, project_option, results_option

tier_option = click.option("--tier", "-t", default="unit", show_default=True, help="The tier the map is of.")
python_option = click.option(
    "--python-version", metavar="X.Y", default=None,
    help="The Python version the tests run under. Default: the project interpreter's ([tool.qa] python).")


@click.group()
def impact() -> None:
    """Test-impact selection (docs/impact.md): record what each test ran, select what a change can break.

    Tiers with select = "affected" do both themselves (`qa tier`, `qa history add`); these commands
    record a map from any run and print what a change would run.
    """


@impact.command()
@project_option
@tier_option
@click.option("--coverage", "coverage_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The coverage data file of a run with per-test contexts (pytest `--cov-context=test`). Default:"
                   " the tier's coverage.data in the results folder, as `qa tier` records it.")
@click.option("--junit", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The JUnit report of the same run (every test it ran, so that one that ran no code is known)."
                   " Default: the tier's junit.xml in the results folder.")
@results_option
@click.option("--commit", default=None, help="The commit the run tested (default: HEAD).")
@click.option("--branch", default=None, help="The branch it is on (default: [tool.qa.history] base-branch).")
@python_option
@history_option
def record(project: Path, tier: str, coverage_file: Path | None, junit: Path | None, results: Path | None,
           commit: str | None, branch: str | None, python_version: str | None, history_file: Path | None) -> int:
    """Store the map of a run in the history file: per test, the functions and modules it ran.

    Without --coverage and --junit, the run is the tier's folder of the results, written by a
    `qa tier` run of a tier with select = "affected" on the base branch (and its coverage.json
    gives each block's lines, which a selected run carries forward)."""
    from ..config import load_config
    from ..impact.run import record_map
    from ..layout import COVERAGE_DATA, COVERAGE_JSON, JUNIT

    config = load_config(project)
    folder = config.results_path(results) / tier
    report = folder / COVERAGE_JSON if coverage_file is None else None
    with _git_errors():
        done = record_map(config, tier, coverage_file or folder / COVERAGE_DATA, junit or folder / JUNIT,
                          commit=commit, branch=branch or config.history.base_branch,
                          python=python_version or _python(config), history=history_file, report=report)
    covered = sum(1 for ran in done.map.tests.values() if ran)
    click.echo(f"impact map of {tier} at {(done.map.commit or '')[:12]} (Python {done.map.python}): "
               f"{len(done.map.tests)} tests ({covered} ran measured code), {len(done.map.blocks)} blocks "
               f"in {len(done.map.files)} files -> {done.history}")
    return EXIT_OK


@impact.command("select")
@project_option
@tier_option
@click.option("--base", required=True, metavar="REF", help="The change is what HEAD (or --head) adds to REF.")
@click.option("--head", default=None, metavar="REF", help="The change's last commit (default: the working tree).")
@click.option("--branch", default=None,
              help="Whose map to use (default: [tool.qa.history] base-branch).")
@python_option
@history_option
@click.option("--json", "as_json", is_flag=True, help="Print the selection as JSON instead of the explanation.")
def select_command(project: Path, tier: str, base: str, head: str | None, branch: str | None,
                   python_version: str | None, history_file: Path | None, as_json: bool) -> int:
    """Print which tests of a tier a change must run, and why (or why everything must)."""
    from ..config import load_config
    from ..github_env import untrusted
    from ..impact.run import select_tests

    config = load_config(project)
    with _git_errors():
        selection = select_tests(config, tier, base, head=head, python=python_version or _python(config),
                                 branch=branch, history=history_file)
    if as_json:
        click.echo(untrusted(json.dumps(dataclasses.asdict(selection), indent=2) + "\n"), nl=False)
    else:
        lines = [selection.explanation, *(f"  {test}  ({selection.why[test]})" for test in selection.tests)]
        click.echo(untrusted("\n".join(lines) + "\n"), nl=False)  # test names come from the project
    return EXIT_OK


def _python(config) -> str:
    from ..project.interpreter import probe, project_python

    version = probe(project_python(config.python)).version
    return f"{version[0]}.{version[1]}"


class _git_errors:
    """git's refusals (no checkout, a missing base) are a usage error with its message, not a crash."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, value, traceback) -> bool:
        from ..collect.changed_lines import GitUnavailable
        from ..errors import InputError

        if isinstance(value, GitUnavailable):
            raise InputError(str(value)) from None
        return False
