"""A chaostoolkit journal becomes an `ExperimentResult` and the failures it stands for.

The verdict, most telling first: an experiment that was aborted or wrote no journal is an
`experiment-error`; a steady state not met before the method, or deviated after it, is
`steady-state-deviated` (with the probes that missed their tolerance); a rollback that failed — an
exception, or a process that exited non-zero, which chaostoolkit only warns about — is
`rollback-failed`, because the fault it should have undone may still be in place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..fsutil import read_json
from ..layout import MANIFEST, inside
from ..manifest import ExperimentRun
from ..model import Activity, ExperimentResult, Failure
from ..text import one_line

MAX_JOURNAL_BYTES = 64 * 1024 * 1024
OUTPUT_CHARS = 300
TITLE_CHARS = 200


def read_experiment(folder: Path, run: ExperimentRun) -> tuple[ExperimentResult, list[Failure]]:
    """Judge one experiment of a tier folder from its journal (or from why it has none)."""
    path = inside(folder, run.journal)
    if path is None:
        raise InputError(f"{folder / MANIFEST}: experiment journal {run.journal[:80]!r} is outside the tier folder")
    if run.reason or not path.is_file():
        reason = run.reason or f"no journal at {run.journal}"
        return _error(run.file, run.file, reason, run.duration_s)
    journal = read_json(path, MAX_JOURNAL_BYTES)
    if not isinstance(journal, dict):
        raise InputError(f"{path}: not a chaostoolkit journal (expected a JSON object)")
    return judge(journal, run.file)


def judge(journal: dict[str, Any], file: str) -> tuple[ExperimentResult, list[Failure]]:
    experiment = _dict(journal.get("experiment"))
    steady = _dict(journal.get("steady_states"))
    before, after = _dict(steady.get("before")), _dict(steady.get("after"))
    result = ExperimentResult(
        title=one_line(str(experiment.get("title") or file), TITLE_CHARS), file=file, status="passed",
        journal_status=str(journal.get("status")) if journal.get("status") is not None else None,
        deviated=journal.get("deviated") is True,
        steady_state_before=_met(before), steady_state_after=_met(after),
        before=_activities(before.get("probes")), after=_activities(after.get("probes")),
        method=_activities(journal.get("run")), rollbacks=_activities(journal.get("rollbacks")),
        duration_s=_number(journal.get("duration")),
    )
    problems: list[tuple[str, str]] = []
    if result.journal_status in ("aborted", "interrupted"):
        failed = next((a for a in result.method if a.failed), None)
        detail = f": {_describe(failed)}" if failed else ""
        problems.append(("experiment-error", f"the experiment was {result.journal_status}{detail}"))
    elif result.steady_state_before is False:
        problems.append(("steady-state-deviated",
                         "steady state not met before the method: " + _probe_details(result.before)))
    elif result.deviated or result.steady_state_after is False or result.journal_status == "failed":
        problems.append(("steady-state-deviated",
                         "steady state deviated after the method: " + _probe_details(result.after)))
    failed_rollbacks = [a for a in result.rollbacks if a.failed]
    if failed_rollbacks:
        problems.append(("rollback-failed", "rollback failed: " + "; ".join(_describe(a) for a in failed_rollbacks)))
    failures = [Failure(test=f"experiment: {result.title}", message=message, file=file,
                        kind="error" if code == "experiment-error" else "failure", code=code)
                for code, message in problems]
    if problems:
        result.code = problems[0][0]
        result.status = "error" if result.code == "experiment-error" else "failed"
        result.reason = "; ".join(message for _, message in problems)
    return result, failures


def _error(title: str, file: str, reason: str, duration_s: float) -> tuple[ExperimentResult, list[Failure]]:
    result = ExperimentResult(title=title, file=file, status="error", duration_s=duration_s,
                              code="experiment-error", reason=reason)
    return result, [Failure(test=f"experiment: {title}", message=reason, file=file, kind="error",
                            code="experiment-error")]


def _activities(records: Any) -> list[Activity]:
    return [_activity(r) for r in records if isinstance(r, dict)] if isinstance(records, list) else []


def _activity(record: dict[str, Any]) -> Activity:
    activity = _dict(record.get("activity"))
    provider = _dict(activity.get("provider"))
    output = record.get("output")
    status = str(record.get("status") or "unknown")
    exception = record.get("exception")
    error = _last_line(exception) if isinstance(exception, list) else ""
    if provider.get("type") == "process" and isinstance(output, dict) and output.get("status") not in (0, None):
        status = "failed"
        error = error or f"exited with {output.get('status')}: {_last_line([str(output.get('stderr') or '')])}"
    tolerance = record.get("tolerance_met")
    return Activity(
        name=one_line(str(activity.get("name") or "?"), TITLE_CHARS),
        type=one_line(str(activity.get("type") or "?"), TITLE_CHARS), status=one_line(status, TITLE_CHARS),
        tolerance_met=tolerance if isinstance(tolerance, bool) else None,
        output=one_line(json.dumps(output, default=str) if output is not None else "", OUTPUT_CHARS),
        error=one_line(error, OUTPUT_CHARS), duration_s=_number(record.get("duration")),
    )


def _probe_details(probes: list[Activity]) -> str:
    missed = [p for p in probes if p.failed] or probes[-1:]
    return "; ".join(_describe(p) for p in missed) or "no probe details in the journal"


def _describe(activity: Activity) -> str:
    if activity.error:
        return f"{activity.type} `{activity.name}` failed: {activity.error}"
    if activity.tolerance_met is False:
        return f"probe `{activity.name}` returned {activity.output or 'nothing'}, outside its tolerance"
    return f"{activity.type} `{activity.name}` {activity.status}"


def _met(state: dict[str, Any]) -> bool | None:
    met = state.get("steady_state_met")
    return met if isinstance(met, bool) else None


def _last_line(parts: list[Any]) -> str:
    lines = [line.strip() for part in parts for line in str(part).splitlines() if line.strip()]
    return lines[-1] if lines else ""



def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> float:
    return round(float(value), 3) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
