"""`qa dashboard`: history file in, `index.html` out."""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path

from ..github_env import read_github_env
from ..history.store import open_history
from ..layout import BADGE_JSON, BADGE_SVG, BADGES_DIR, INDEX
from ..scrub import write_text
from .badges import render_badges
from .model import DashboardModel, build_model
from .page import Assets, render_dashboard


def load_assets() -> Assets:
    folder = resources.files(__package__) / "assets"
    return Assets(*((folder / name).read_text(encoding="utf-8")
                    for name in ("uPlot.iife.min.js", "uPlot.min.css", "dashboard.js", "dashboard.css")))


def write_dashboard(history: Path, out: Path, base_branch: str, window: int) -> tuple[Path, DashboardModel]:
    """Render the dashboard of the history file into `out/index.html`, and its badges into `out/badges/`.

    Run links point at this job's GitHub server (`GITHUB_SERVER_URL`, github.com outside Actions): the
    history keeps each run's repository and run id, not its URL.
    """
    with open_history(history) as store:
        model = build_model(store, base_branch, window, read_github_env(payload=False).server_url)
    page = render_dashboard(model, load_assets(), int(time.time()))
    write_text(out / INDEX, page)
    write_badges(model, out / BADGES_DIR)
    return out / INDEX, model


def write_badges(model: DashboardModel, folder: Path) -> list[Path]:
    """`<stem>.svg` and `<stem>.json` of each badge."""
    written = []
    for stem, badge in render_badges(model).items():
        for suffix, text in ((BADGE_SVG, badge.svg()), (BADGE_JSON, badge.endpoint())):
            write_text(folder / f"{stem}{suffix}", text)
            written.append(folder / f"{stem}{suffix}")
    return written
