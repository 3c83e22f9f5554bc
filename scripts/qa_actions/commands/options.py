"""Options shared by several sub-commands, so each is spelled and documented once."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..errors import EXIT_GATE_FAILED, EXIT_OK

project_option = click.option(
    "--project", "-p", type=click.Path(path_type=Path, file_okay=False), default=Path(), show_default=True,
    help="The project directory (holds pyproject.toml).")
results_option = click.option(
    "--results", "-r", type=click.Path(path_type=Path, file_okay=False), default=None,
    help="Results folder. Default: `results-dir` from [tool.qa], qa-results/ in the project.")
env_option = click.option(
    "--env", "-e", "environment", default=None, metavar="NAME",
    help="Environment to test against: development, staging, production or one of [tool.qa.environments]"
         " (default: `environment` in [tool.qa], else development). Selects tests/data/NAME.")
history_option = click.option(
    "--history", "history_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="History file. Default: `file` from [tool.qa.history], qa-history.sqlite in the project.")
base_option = click.option(
    "--base", metavar="REF",
    help="Measure coverage of the lines changed since REF (a commit or branch). Default on GitHub: the base "
         "commit of the pull request or push.")
baseline_option = click.option(
    "--baseline", type=click.Path(path_type=Path, dir_okay=False), envvar="QA_BASELINE", default=None,
    help="results.json of the base branch (for example the last run on main), for coverage and duration deltas "
         "and new failures. Default: the base branch's latest run in the history file, when there is one.")
comment_key_option = click.option(
    "--comment-key", envvar="QA_COMMENT_KEY", default=None,
    help="What the comment's hidden marker identifies. Default: `comment-key` in "
         "[tool.qa.report], else <workflow>:<job>, and :<project key> for a project in a sub-folder "
         "(services/a: `:services-a`).")
check_prefix_option = click.option(
    "--check-prefix", envvar="QA_CHECK_PREFIX", default=None,
    help="Check runs are named `<prefix> / <tier>` (env QA_CHECK_PREFIX). Default: `check-prefix` in "
         "[tool.qa.report], else `qa`, or `qa / <project key>` for a project in a sub-folder "
         "(`qa / services-a / unit`).")
quiet_option = click.option(
    "--quiet", "-q", is_flag=True, help="Do not echo tool output (it is still in each output.log).")
tiers_option = click.option("--tiers", "-t", help="Tiers, comma- or space-separated (default: every enabled tier).")
fail_on_option = click.option(
    "--fail-on", type=click.Choice(["critical", "high", "medium", "low"]), envvar="QA_FAIL_ON",
    help="The least severe problem category that fails the verdict (default: `fail-on` in [tool.qa]; "
         "env QA_FAIL_ON).")

fail_on_failures_option = click.option(
    "--fail-on-failures", type=click.Choice(["any", "new"]), envvar="QA_FAIL_ON_FAILURES",
    help="`new`: a failing test that also fails in the base branch's latest run in the history is reported as "
         "pre-existing but does not fail the verdict; `any` (the default): every failure does (default: "
         "`fail-on-failures` in [tool.qa]; env QA_FAIL_ON_FAILURES). No base run to compare with: as `any`.")


def names_list(text: str | None) -> list[str]:
    """`unit, smoke`, `unit smoke` or `unit,smoke` -> ["unit", "smoke"]: every sub-command, action and
    workflow input that takes tiers or scans takes them separated by commas, spaces or both."""
    return [name for name in re.split(r"[\s,]+", text or "") if name]


def selection(text: str | None) -> list[str] | None:
    """What a --tiers or --scans list selects: None for `all` (or not given, or empty: every enabled
    one), [] for `none`, else the names."""
    names = names_list(text)
    if not names or names == ["all"]:
        return None
    if names == ["none"]:
        return []
    return names


def verdict_exit(verdict: str) -> int:
    return EXIT_GATE_FAILED if verdict == "failed" else EXIT_OK
