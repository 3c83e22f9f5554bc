from __future__ import annotations

import tempfile
from pathlib import Path

import click

from ..errors import EXIT_OK

WORKFLOWS = {"pull-request.yml": "qa.yml", "nightly.yml": "qa-nightly.yml", "fork-report.yml": "qa-fork-report.yml"}


@click.command()
@click.argument("project", type=click.Path(path_type=Path, file_okay=False), default=Path())
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
@click.option("--force", is_flag=True, help="Replace the tiers of an existing [tool.qa] and existing workflow files.")
@click.option("--no-run", is_flag=True,
              help="Do not run the tests to measure coverage: the gates keep their defaults (unit 80 %,"
                   " integration 60 %).")
@click.option("--workflow", is_flag=True,
              help="Also write the caller workflows to .github/workflows/: qa.yml, qa-nightly.yml,"
                   " qa-fork-report.yml.")
@click.option("--uses", default="org/qa-actions@v1", show_default=True, metavar="OWNER/NAME@REF",
              help="Where the workflows take qa-actions from: your organisation's copy and its release tag.")
def init(project: Path, dry_run: bool, force: bool, no_run: bool, workflow: bool, uses: str) -> int:
    """Write the [tool.qa] that matches what PROJECT already has: its tiers and their paths, the source
    coverage measures, and coverage gates that start at the measured coverage (rounded down) where it
    is under the default, so that the first run is green. Never overwrites without --force.

    `qa plan --explain` shows the same detection without writing anything.
    """
    from ..config import load_config
    from ..config.starter import merged_pyproject, starter_tiers, write_pyproject
    from ..errors import QaError

    config = load_config(project)
    if config.detection.layout == "none":
        raise QaError(f"no tests found: looked in {', '.join(config.detection.looked_in)}; write some, or set "
                      f"[tool.qa.tiers.unit] paths in {config.source}")
    pyproject = project / "pyproject.toml"
    merged_pyproject(pyproject, {}, force)  # refuse early, before the tests run
    measured = {} if no_run else _measure(config)
    text = merged_pyproject(pyproject, starter_tiers(config, measured), force)
    workflows = _workflows(project, uses, force) if workflow else {}
    if dry_run:
        click.echo(f"# {pyproject}\n{text}")
        for path, content in workflows.items():
            click.echo(f"# {path}\n{content}")
        return EXIT_OK
    write_pyproject(pyproject, text)
    click.echo(f"wrote [tool.qa] to {pyproject}")
    from ..scrub import write_text

    for path, content in workflows.items():
        write_text(path, content)
        click.echo(f"wrote {path}")
    click.echo("next: qa run (runs the tiers and scans with this configuration)")
    return EXIT_OK


def _measure(config) -> dict[str, float | None]:
    """Run the tiers with a coverage gate once, into a folder of its own, and read their coverage."""
    from ..collect.merge import collect
    from ..model import RunInfo
    from ..pipeline import run_tiers
    from ..progress import say

    names = [name for name in config.runnable(config.enabled_tiers()) if config.tiers[name].coverage_gate is not None]
    if not names:
        return {}
    say(f"■ measuring coverage: {', '.join(names)} (qa init --no-run skips this)")
    with tempfile.TemporaryDirectory(prefix="qa-init-") as folder:
        run_tiers(config, names, Path(folder), echo=False)
        run = collect(Path(folder), RunInfo(run_id="init", time=""), config.project)
    measured = {}
    for name, tier in run.tiers.items():
        measured[name] = tier.coverage.percent if tier.coverage is not None else None
        failing = tier.counts.failed + tier.counts.errors
        say(f"■ {name}: {tier.counts.tests} tests, coverage {measured[name] if measured[name] is not None else '—'}"
            + (f" ({failing} failing: the gate still starts here)" if failing else ""))
    return measured


def _workflows(project: Path, uses: str, force: bool) -> dict[Path, str]:
    import re

    from ..errors import QaError
    from ..templates import template_text

    match = re.fullmatch(r"([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)@([A-Za-z0-9_./-]+)", uses)
    if not match:
        raise QaError(f"--uses {uses[:60]!r}: expected OWNER/NAME@REF, such as org/qa-actions@v1")
    written = {}
    for template, name in WORKFLOWS.items():
        path = project / ".github" / "workflows" / name
        if path.exists() and not force:
            raise QaError(f"{path} exists: `qa init --workflow --force` replaces it")
        text = re.sub(r"org/qa-actions(/[^@\s]*)?@v1", lambda m: f"{match[1]}{m[1] or ''}@{match[2]}",
                      template_text(template))
        written[path] = text
    return written
