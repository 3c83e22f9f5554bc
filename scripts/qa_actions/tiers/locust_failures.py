"""Loaded by locust beside the project's locustfile (`-f theirs,this`): when the run quits, every failure
locust counted goes to the JSON file named by QA_LOCUST_FAILURES; and the run lasts its `--run-time`.

Locust's own failures CSV is a snapshot rewritten once a second, and nothing writes it at the end, so a
short run (or a busy machine) can end before its last snapshot and lose the errors; its end-of-run
error report is only printed without --json-file. The `quitting` event is locust's hook for this."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from locust import events


@events.quitting.add_listener
def write_failures(environment: Any, **_: Any) -> None:
    target = os.environ.get("QA_LOCUST_FAILURES")
    stats = getattr(environment, "stats", None)
    if not target or stats is None:
        return
    rows = [{"Method": error.method, "Name": error.name, "Error": str(error.error), "Occurrences": error.occurrences}
            for error in stats.errors.values()]
    # the tier's folder is scrubbed of secrets after locust exits, like every file a tool writes there
    Path(target).write_text(json.dumps(rows), encoding="utf-8")


@events.init.add_listener
def refresh_the_clock(**_: Any) -> None:
    """gevent's loop keeps the time it last ran at, and locust starts its `--run-time` timer from it: a slow
    start (a fresh runner compiles every module's bytecode on import) ended the run that much early,
    with no requests at all. The timer starts after `init`, from the time refreshed here."""
    import gevent

    gevent.get_hub().loop.update_now()
