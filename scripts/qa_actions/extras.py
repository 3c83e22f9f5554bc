"""Which extra of qa-actions brings which heavy tool, so that a job without it says what to install.

The core (`pip install qa-actions`) is what every job needs; the tools below are optional dependencies
(pyproject.toml) that only the jobs using them install: the setup action's `extras` input, or
`qa-actions[all]` for the whole of `qa run` on a laptop.
"""

from __future__ import annotations

import importlib.util
import sys

# importable module -> the extra that installs it
EXTRA_OF = {"locust": "load", "chaostoolkit": "chaos", "safety": "security", "pip_audit": "security",
            "faker": "data"}


def missing_extra(module: str, needed_by: str) -> str | None:
    """None when qa's environment can import `module`, else the one line that names the extra:
    `the load tier needs qa-actions[load]: locust is not installed in …`."""
    if importlib.util.find_spec(module) is not None:
        return None
    extra = EXTRA_OF.get(module)
    if extra is None:
        return (f"{needed_by} needs {module}, which is not installed in qa's environment ({sys.executable}):"
                " reinstall qa-actions (pip install qa-actions)")
    return (f"{needed_by} needs qa-actions[{extra}]: {module} is not installed in qa's environment"
            f" ({sys.executable}); pip install 'qa-actions[{extra}]', or `extras: {extra}` in the setup action")
