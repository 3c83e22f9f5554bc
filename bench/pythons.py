"""Interpreters for the benchmarks' tests: a project's own environment, apart from qa's (DESIGN.md).

A version such as 3.12 means pyenv's newest 3.12.x, for which a venv is created once under
~/.cache/qa-actions-bench/ with the test plugins qa-actions uses, pinned to the versions installed
here (so both environments run the same plugin code). A path is used as it is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "qa-actions-bench"
PLUGINS = ("pytest", "pytest-cov", "pytest-timeout", "pytest-asyncio", "pytest-mock", "pytest-split", "pytest-xdist")
THIS_VERSION = f"{sys.version_info[0]}.{sys.version_info[1]}"


def available(version: str) -> bool:
    return any(PYENV.glob(f"{version}.*"))


def bench_python(spec: str) -> str:
    """The interpreter for `spec`: a path as given, or a cached venv of pyenv's newest `spec` (3.12)."""
    if os.sep in spec:
        return spec
    found = sorted(PYENV.glob(f"{spec}.*"), key=lambda p: [int(x) for x in p.name.split(".") if x.isdigit()])
    if not found:
        raise SystemExit(f"no Python {spec} under {PYENV}")
    base = found[-1]
    venv = CACHE / f"venv-{base.name}"
    python = venv / "bin" / "python"
    pins = "\n".join(f"{name}=={metadata.version(name)}" for name in PLUGINS)
    stamp = venv / "plugins.txt"
    if not python.exists() or not stamp.exists() or stamp.read_text() != pins:
        print(f"creating {venv} with {pins.replace(chr(10), ' ')}", file=sys.stderr)
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([str(base / "bin" / "python"), "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *pins.split()], check=True)
        stamp.write_text(pins)
    return str(python)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
