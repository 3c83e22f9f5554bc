"""`qa dashboard`: history file in, `index.html` out."""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path

from ..github_env import read_github_env
from ..history.store import open_history
from ..layout import INDEX
from ..scrub import write_text
from .model import DashboardModel, build_model
from .page import Assets, render_dashboard


def load_assets() -> Assets:
    folder = resources.files(__package__) / "assets"
    return Assets(*((folder / name).read_text(encoding="utf-8")
                    for name in ("uPlot.iife.min.js", "uPlot.min.css", "dashboard.js", "dashboard.css")))


def write_dashboard(history: Path, out: Path, base_branch: str, window: int) -> tuple[Path, DashboardModel]:
    """Render the dashboard of the history file into `out/index.html`.

    Run links point at this job's GitHub server (`GITHUB_SERVER_URL`, github.com outside Actions): the
    history keeps each run's repository and run id, not its URL.
    """
    with open_history(history) as store:
        model = build_model(store, base_branch, window, read_github_env(payload=False).server_url)
    page = render_dashboard(model, load_assets(), int(time.time()))
    write_text(out / INDEX, page)
    return out / INDEX, model
