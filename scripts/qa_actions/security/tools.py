"""Running a scanner from qa's own environment, and turning every way it can fail into one clear line."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..extras import missing_extra
from ..fsutil import read_json
from ..layout import OUTPUT_LOG
from ..project.process import ProcessOutcome, run_streaming

MAX_REPORT_BYTES = 256 * 1024 * 1024
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_NOISE = re.compile(r"Warning|warnings\.warn|^\s*from |^\s*import |^[+=\-_|│╭╰─ ]*$|^File \"|^\^+$")


class ScanFailure(Exception):
    """The scan could not run: a `scan-error` problem (or `missing-tool`), critical by default."""

    def __init__(self, message: str, code: str = "scan-error") -> None:
        super().__init__(message)
        self.code = code


def require(module: str, requirement: str) -> str | None:
    """Fail with `missing-tool` when `module` cannot be imported by qa; return the tool's version."""
    missing = missing_extra(module, f"the {requirement.split('[')[0]} scan")
    if missing:
        raise ScanFailure(missing, "missing-tool")
    try:
        return importlib.metadata.version(requirement.split("[")[0])
    except importlib.metadata.PackageNotFoundError:
        return None


def run_tool(command: list[str], *, cwd: Path, env: dict[str, str], folder: Path, timeout_s: float,
             label: str) -> ProcessOutcome:
    """Run a scanner with its output kept in `folder/output.log`; a timeout is a scan error."""
    outcome = run_streaming(command, cwd=cwd, env=env, log_path=folder / OUTPUT_LOG, timeout_s=timeout_s,
                            echo=False)
    if outcome.timed_out:
        raise ScanFailure(f"{label} ran longer than the scan timeout of {timeout_s:g} s and was stopped")
    return outcome


def explain(outcome: ProcessOutcome) -> str:
    """The line of a tool's output most likely to say what went wrong (colours and banners removed)."""
    lines = [_ANSI.sub("", line).strip() for line in outcome.tail]
    meaningful = [line for line in lines if line and not _NOISE.search(line)]
    return meaningful[-1] if meaningful else f"exit code {outcome.exit_code} and no output"


def read_report(path: Path, label: str, outcome: ProcessOutcome) -> Any:
    """The JSON report a tool wrote; a missing or malformed one means the tool failed."""
    if not path.is_file():
        raise ScanFailure(f"{label} exited with {outcome.exit_code} without writing its report: {explain(outcome)}")
    return read_json_or_fail(path, MAX_REPORT_BYTES, f"{label} wrote an unreadable report {path.name}")


def read_json_or_fail(path: Path, limit: int, what: str) -> Any:
    """A JSON file a scan depends on; unreadable, it makes the scan fail with `what: why`."""
    try:
        return read_json(path, limit)
    except InputError as exc:  # `what` names the file already
        raise ScanFailure(f"{what}: {str(exc).removeprefix(f'{path}: ').removeprefix('not valid JSON: ')}") from None


def relative(path: str | Path, base: Path) -> str:
    """`path` relative to `base` in POSIX form when it lies inside it, else as given."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            return candidate.as_posix()
    text = candidate.as_posix()
    return text[2:] if text.startswith("./") else text
