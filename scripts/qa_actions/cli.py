"""The `qa` command line: one sub-command per step, each usable alone (see DESIGN.md)."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import EXIT_GATE_FAILED, EXIT_OK, EXIT_USAGE, QaError

PROJECT = click.option("--project", "-p", type=click.Path(path_type=Path, file_okay=False), default=Path(),
                       show_default=True, help="The project directory (holds pyproject.toml).")
RESULTS = click.option("--results", "-r", type=click.Path(path_type=Path, file_okay=False), default=None,
                       help="Results folder. Default: `results-dir` from [tool.qa], qa-results/ in the project.")
QUIET = click.option("--quiet", "-q", is_flag=True, help="Do not echo tool output (it is still in output.log).")


def _tier_names(value: str | None) -> list[str] | None:
    return [n.strip() for n in value.split(",") if n.strip()] if value else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qa")
def cli() -> None:
    """qa-actions: test tiers, security scans, coverage gates and one report.

    Exit codes: 0 every gate passed, 1 a gate failed, 2 usage or configuration error.
    """


@cli.command()
@click.argument("project", type=click.Path(path_type=Path, file_okay=False), default=Path())
@click.option("--tiers", "-t", help="Comma-separated tiers to run (default: every enabled tier).")
@RESULTS
@QUIET
def run(project: Path, tiers: str | None, results: Path | None, quiet: bool) -> int:
    """Run every tier of PROJECT, then collect, gate and print the table."""
    from .config import load_config
    from .errorlog import write_error_log
    from .pipeline import collect_results, errors_dir, fresh_results, results_dir, run_tiers
    from .render.console import render_table

    config = load_config(project)
    names = config.select_tiers(_tier_names(tiers))
    folder = results_dir(config, results)
    fresh_results(folder)
    run_tiers(config, names, folder, echo=not quiet)
    outcome = collect_results(config, folder)
    log = write_error_log(outcome, errors_dir(config))
    click.echo("\n" + render_table(outcome), nl=False)
    click.echo(f"results: {folder / 'results.json'} · problems: {log}")
    return EXIT_GATE_FAILED if outcome.verdict == "failed" else EXIT_OK


@cli.command()
@click.argument("name")
@PROJECT
@RESULTS
@QUIET
def tier(name: str, project: Path, results: Path | None, quiet: bool) -> int:
    """Run one tier NAME with pytest; writes <results>/<NAME>/junit.xml, coverage.json and tier.json.

    Exits 1 when the tier's tests fail, it cannot run, or its coverage is under its gate.
    """
    from .collect import merge_tier, read_part
    from .config import load_config
    from .evaluate import evaluate
    from .model import RunResult
    from .pipeline import results_dir
    from .render.console import render_table
    from .runinfo import current_run
    from .tier_runner import TierRun, run_tier

    config = load_config(project)
    config.select_tiers([name])
    folder = results_dir(config, results)
    run_tier(TierRun(config, name, folder, echo=not quiet))
    tier_result = merge_tier(name, [read_part(folder / name)], folder)
    outcome = RunResult(run=current_run(config.project), tiers={name: tier_result})
    evaluate(outcome, config.categories, config.fail_on)
    click.echo("\n" + render_table(outcome), nl=False)
    return EXIT_GATE_FAILED if outcome.verdict == "failed" else EXIT_OK


@cli.command()
@PROJECT
@RESULTS
def collect(project: Path, results: Path | None) -> int:
    """Turn the raw reports under the results folder into results.json (merges matrix jobs' folders)."""
    from .config import load_config
    from .pipeline import collect_results, results_dir

    config = load_config(project)
    folder = results_dir(config, results)
    outcome = collect_results(config, folder)
    click.echo(f"collected {len(outcome.tiers)} tiers and {len(outcome.scans)} scans into {folder / 'results.json'}"
               f" (verdict: {outcome.verdict})")
    return EXIT_OK


@cli.command()
@PROJECT
@RESULTS
def gate(project: Path, results: Path | None) -> int:
    """Apply the gates to results.json, write .errors/, exit 1 when a gate fails."""
    from .config import load_config
    from .pipeline import errors_dir, gate_results, results_dir
    from .render.console import render_table

    config = load_config(project)
    outcome = gate_results(config, results_dir(config, results))
    click.echo(render_table(outcome), nl=False)
    click.echo(f"problems: {errors_dir(config)}")
    return EXIT_GATE_FAILED if outcome.verdict == "failed" else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point: one clear line and exit 2 for bad input, never a traceback."""
    try:
        code = cli.main(args=argv, prog_name="qa", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        code = EXIT_USAGE
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.Abort:
        click.echo("qa: aborted", err=True)
        code = 130
    except QaError as exc:
        click.echo(f"qa: error: {exc}", err=True)
        code = exc.exit_code
    except KeyboardInterrupt:
        click.echo("qa: interrupted", err=True)
        code = 130
    except Exception as exc:
        if os.environ.get("QA_DEBUG"):
            traceback.print_exc()
        click.echo(f"qa: internal error: {type(exc).__name__}: {exc} (set QA_DEBUG=1 for the traceback)", err=True)
        code = EXIT_USAGE
    return code if isinstance(code, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
