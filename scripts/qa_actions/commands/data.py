from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import EXIT_GATE_FAILED, EXIT_OK
from .options import project_option, results_option


@click.group()
def data() -> None:
    """Test data: anonymise copies of real data, check test data for personal data left unmasked."""


@data.command()
@click.argument("source", type=click.Path(path_type=Path, exists=True))
@click.argument("target", type=click.Path(path_type=Path))
@project_option
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "jsonl", "sqlite"]), default=None,
              help="Read SOURCE as this format (default: from the file name, or the SQLite header).")
@click.option("--report", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Also write what changed (counts per file, kind and field) as JSON to this file.")
def anonymize(source: Path, target: Path, project: Path, fmt: str | None, report: Path | None) -> int:
    """Write TARGET: SOURCE (a file or folder) with personal data replaced by deterministic fakes.

    Rules come from [tool.qa.data] of the project; the secret salt from the environment variable it
    names (QA_ANONYMIZE_SALT by default). TARGET is never SOURCE.
    """
    from ..config import load_config
    from ..data.anonymize import Anonymizer, salt_from_env
    from ..scrub import write_text

    config = load_config(project).data
    reports = Anonymizer(config, salt_from_env(config)).anonymize(source, target, fmt)
    for item in reports:
        if item.target is None:
            click.echo(f"{item.source}: {item.note}")
            continue
        kinds = ", ".join(f"{kind} {n:,}" for kind, n in item.replaced.most_common()) or "nothing to replace"
        fields = ", ".join(item.fields) or "—"
        note = f"; {item.note}" if item.note else ""
        click.echo(f"{item.source} → {item.target}: {item.records:,} records, {sum(item.replaced.values()):,}"
                   f" values replaced ({kinds}) in fields: {fields}{note}")
    if report is not None:
        write_text(report, json.dumps([r.to_dict() for r in reports], indent=2) + "\n")
    return EXIT_OK


@data.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@project_option
@results_option
def check(paths: tuple[Path, ...], project: Path, results: Path | None) -> int:
    """Scan test data (PATHS, default `check-paths` of [tool.qa.data]) for personal data left unmasked.

    Writes <results>/security/test-data/scan.json; exits 1 when anything is found. Findings name the
    file, line and kind of data, never the value.
    """
    from ..config import load_config
    from ..data.check import SCAN_FOLDER, check_test_data
    from ..layout import SCAN_MANIFEST
    from ..text import plural

    config = load_config(project)
    folder = config.results_path(results)
    scan = check_test_data(config, folder, list(paths) or None)
    for finding in scan.findings:
        where = f"{finding.file}:{finding.line}" if finding.line else f"{finding.file}"
        click.echo(f"{where}: {finding.message}")
    files = len({f.file for f in scan.findings})
    if scan.status == "skipped":
        summary = scan.reason or "nothing scanned"
    elif scan.findings:
        summary = f"{plural(len(scan.findings), 'finding')} in {plural(files, 'file')}"
    else:
        summary = f"no finding in {', '.join(scan.targets)}"
    click.echo(f"test-data check {scan.status}: {summary} ({folder / SCAN_FOLDER / SCAN_MANIFEST})")
    return EXIT_GATE_FAILED if scan.findings else EXIT_OK
