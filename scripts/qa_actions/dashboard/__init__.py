"""The static dashboard: a model computed from the history, rendered to one self-contained index.html.

Where `qa dashboard` puts it by default is said here once: the report links to it and the report
action uploads it from there.
"""

from pathlib import Path

DASHBOARD_DIR = "dashboard"  # in the results folder
INDEX = "index.html"


def default_dashboard_dir(results: Path) -> Path:
    return results / DASHBOARD_DIR
