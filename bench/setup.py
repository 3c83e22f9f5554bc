"""What the setup action's bootstrap costs against a plain `pip install .`, measured in the same run.

For each set of packages (`core`: what every job installs; `all`: the whole of `qa run`) it times,
each into a fresh virtual environment:
  pip install .       python -m venv + pip install --no-cache-dir .[extras]  (a fresh runner, no cache)
  bootstrap cold      bootstrap.py with an empty QA_ACTIONS_CACHE (uv itself and every wheel downloaded)
  bootstrap warm      bootstrap.py with the cache a cold run left (the setup action's Actions cache hit)
and prints the times and the ratios. Targets (issue 18): cold <= 0.30x of pip, warm <= 3 s.
The bootstrap installs exactly `lock/` with hash checking; pip resolves the open ranges of
pyproject.toml, as every job did before the lock. The bootstrap's rounds are repeated (`--rounds`,
the median is printed); pip's, slow and steady, run once unless `--pip-rounds` says otherwise.

    python bench/setup.py                   # core and all, 3 bootstrap rounds
    python bench/setup.py --sets core --rounds 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BOOTSTRAP = REPO / "scripts" / "qa_actions" / "bootstrap.py"
SETS = {"core": "", "all": "all"}
COLD_TARGET, WARM_TARGET_S = 0.30, 3.0


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return elapsed


def plain_pip(scratch: Path, extras: str) -> float:
    """A fresh venv and `pip install .` (with the extras), no pip cache: what a job did before the lock."""
    venv = scratch / "pip-venv"
    shutil.rmtree(venv, ignore_errors=True)
    env = {**os.environ, "PIP_NO_CACHE_DIR": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    target = f"{REPO}[{extras}]" if extras else str(REPO)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return time.perf_counter() - started + _timed([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                                                   target], env)


def bootstrap(scratch: Path, extras: str, cache: Path) -> float:
    venv = scratch / "qa-venv"
    shutil.rmtree(venv, ignore_errors=True)
    env = {**os.environ, "QA_ACTIONS_VENV": str(venv), "QA_ACTIONS_CACHE": str(cache), "PIP_NO_CACHE_DIR": "1"}
    env.pop("GITHUB_ENV", None)
    env.pop("GITHUB_OUTPUT", None)
    return _timed([sys.executable, str(BOOTSTRAP), *(["--extras", extras] if extras else [])], env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="core,all", help="comma-separated: core, all")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the cold and warm bootstrap")
    parser.add_argument("--pip-rounds", type=int, default=1, help="rounds of the plain pip install")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="qa-bench-setup-") as tmp:
        scratch = Path(tmp)
        for name in args.sets.split(","):
            extras = SETS[name.strip()]
            pip = statistics.median(plain_pip(scratch, extras) for _ in range(args.pip_rounds))
            cold, warm = [], []
            for round_ in range(args.rounds):
                cache = scratch / f"cache-{name}-{round_}"
                cold.append(bootstrap(scratch, extras, cache))
                warm.append(bootstrap(scratch, extras, cache))
                shutil.rmtree(cache, ignore_errors=True)
            rows.append((name, pip, statistics.median(cold), statistics.median(warm)))
    print(f"{'set':<6} {'pip install .':>14} {'bootstrap cold':>15} {'ratio':>7} {'bootstrap warm':>15} {'ratio':>7}")
    ok = True
    for name, pip, cold, warm in rows:
        print(f"{name:<6} {pip:>13.1f}s {cold:>14.1f}s {cold / pip:>6.2f}x {warm:>14.1f}s {warm / pip:>6.2f}x")
        ok = ok and cold / pip <= COLD_TARGET and warm <= WARM_TARGET_S
    print(f"targets: cold <= {COLD_TARGET:.2f}x of pip, warm <= {WARM_TARGET_S:g} s: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
