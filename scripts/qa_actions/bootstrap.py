"""Install qa-actions into its own virtual environment from its hash-pinned lock, once per job.

docs/design.md: qa runs from its own environment, never the project's. The actions run this file as a
plain script before `qa` exists, so it uses the standard library only:

    python scripts/qa_actions/bootstrap.py [--extras load,chaos] [--project-python PATH]
    python scripts/qa_actions/bootstrap.py --cache-key [--extras ...]

The environment holds exactly the versions of `lock/` (docs/setup.md): `lock/core.txt` for every job,
plus one file per extra a job asks for (`load`, `chaos`, `security`, `data`; `all` is every one),
installed with hash checking by uv (itself pinned with its hashes in `lock/uv.txt`, kept with uv's
cache in `$QA_ACTIONS_CACHE`, which the setup action restores from the Actions cache), or by
`pip --require-hashes` where uv cannot be had (`QA_ACTIONS_INSTALLER=pip` asks for pip). qa-actions'
own code is the checkout this file sits in, put on the environment's path: nothing is built.

The environment is reused when an earlier step of the job (or another job on a self-hosted runner)
made it from the same lock; asking for another extra adds it. Exports `QA` (the qa executable) and,
when given, `QA_PYTHON` (the project's interpreter) to `$GITHUB_ENV`, and the step output `qa`.
`QA_ACTIONS_VENV` names an environment to use instead of one under `$RUNNER_TEMP`.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

MIN_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parents[2]
LOCK_DIR = "lock"
CORE = "core"
EXTRAS = ("load", "chaos", "security", "data")
UV_LOCK = "uv.txt"
MARKER = "qa-actions-lock.txt"  # in the environment: the lock it was made from
INSTALLERS = ("uv", "pip")
_ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]|[A-Za-z0-9])")


class BootstrapError(Exception):
    """Installing qa-actions failed; reported as one line and exit code 2."""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_entries(text: str) -> dict[str, str]:
    """A lock file's requirements, each its `name==version ; marker` line with the `--hash` lines that
    continue it (comments and blank lines dropped), keyed by that line with the name made canonical: a
    universal lock may pin one package twice, at two versions for two sets of markers."""
    entries: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line[0].isspace():
            if current is None:
                raise BootstrapError(f"a continuation line before any requirement in the lock: {stripped}")
            current.append(stripped.removesuffix("\\").strip())
            continue
        match = _ENTRY.match(stripped)
        if match is None:
            raise BootstrapError(f"not a requirement in the lock: {stripped}")
        head = stripped.removesuffix("\\").strip()
        key = canonical(match.group(1)) + head[match.end():]
        if key in entries:
            raise BootstrapError(f"{head} is locked twice in one file")
        current = entries[key] = [head]
    return {key: " ".join(lines) for key, lines in entries.items()}


def entry_name(key: str) -> str:
    """The canonical package name of a `lock_entries` key."""
    match = _ENTRY.match(key)
    return match.group(1) if match else key


def layers_for(extras: Iterable[str]) -> list[str]:
    """`core` and the asked extras in lock order; `all` is every extra."""
    asked = {e.strip().lower() for item in extras for e in re.split(r"[,\s]+", item) if e.strip()}
    if "all" in asked:
        asked = set(EXTRAS)
    unknown = sorted(asked - set(EXTRAS))
    if unknown:
        raise BootstrapError(f"unknown extra {', '.join(unknown)}: the extras are {', '.join(EXTRAS)} and all")
    return [CORE, *(e for e in EXTRAS if e in asked)]


def lock_path(root: Path, layer: str) -> Path:
    return root / LOCK_DIR / (layer if layer.endswith(".txt") else f"{layer}.txt")


def merged_lock(root: Path, layers: Iterable[str]) -> str:
    """The requirements of `layers` as one file. An extra's file holds what it adds to the core; a
    package both lock at one version (for other markers: each file was resolved for its own extras)
    becomes one requirement whose markers are either's (two versions of one package are for disjoint
    markers: the universal resolution forked)."""
    merged: dict[str, tuple[list[str], list[str]]] = {}  # name==version -> (markers, hashes)
    for layer in layers:
        path = lock_path(root, layer)
        try:
            entries = lock_entries(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise BootstrapError(f"cannot read the lock {path}: {exc.strerror or exc}") from None
        for entry in entries.values():
            head, *hashes = entry.split(" --hash=")
            pin, _, marker = (part.strip() for part in head.partition(";"))
            name, _, version = pin.partition("==")
            markers, known = merged.setdefault(f"{canonical(name)}=={version}", ([], []))
            markers.append(marker)
            known.extend(h for h in hashes if h not in known)
    return "".join(_requirement(pin, markers, hashes) for pin, (markers, hashes) in merged.items())


def _requirement(pin: str, markers: list[str], hashes: list[str]) -> str:
    marker = "" if "" in markers else " ; " + " or ".join(f"({m})" for m in dict.fromkeys(markers))
    if len(set(markers)) == 1:
        marker = f" ; {markers[0]}" if markers[0] else ""
    return pin + marker + "".join(f" \\\n    --hash={h}" for h in hashes) + "\n"


def lock_digest(root: Path, layers: Iterable[str]) -> str:
    """What the environment was made from: the locks of its layers and uv's."""
    digest = hashlib.sha256()
    for name in [*layers, UV_LOCK]:
        digest.update(name.encode() + b"\0" + lock_path(root, name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def cache_key(root: Path, layers: list[str]) -> str:
    """The Actions cache key of uv's cache: runner OS, machine, qa's Python and the lock's digest."""
    python = f"py{sys.version_info[0]}.{sys.version_info[1]}"
    return f"qa-actions-{sys.platform}-{platform.machine().lower()}-{python}-{'+'.join(layers)}-" \
           f"{lock_digest(root, layers)}"


def venv_path(root: Path, env: Mapping[str, str]) -> Path:
    """`$QA_ACTIONS_VENV`, else one environment per qa-actions checkout under the job's temp folder."""
    if env.get("QA_ACTIONS_VENV"):
        return Path(env["QA_ACTIONS_VENV"])
    digest = hashlib.sha256(str(root).encode()).hexdigest()[:12]
    return Path(env.get("RUNNER_TEMP") or tempfile.gettempdir()) / f"qa-actions-{digest}"


def cache_path(env: Mapping[str, str]) -> Path:
    """uv and its cache: `$QA_ACTIONS_CACHE` (the setup action's Actions cache), else the user's cache."""
    if env.get("QA_ACTIONS_CACHE"):
        return Path(env["QA_ACTIONS_CACHE"])
    return Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qa-actions"


def executable(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / (name + (".exe" if os.name == "nt" else ""))


def qa_launcher(venv: Path) -> Path:
    return venv / ("Scripts/qa.cmd" if os.name == "nt" else "bin/qa")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Parallel jobs on one runner sharing `QA_ACTIONS_VENV` must not build it twice at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            import fcntl
        except ImportError:  # Windows runners run one job at a time
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _works(qa: Path) -> bool:
    if not qa.is_file():
        return False
    done = subprocess.run([str(qa), "--version"], capture_output=True, text=True, check=False)
    return done.returncode == 0


def _run(command: list[str], what: str, env: Mapping[str, str] | None = None) -> None:
    done = subprocess.run(command, check=False, env=None if env is None else dict(env))
    if done.returncode != 0:
        raise BootstrapError(f"{what} failed with exit code {done.returncode}: {' '.join(command)}")


def installed(venv: Path) -> tuple[list[str], str]:
    """(layers, digest) the environment was made from, as its marker records them."""
    try:
        layers, _, digest = (venv / MARKER).read_text(encoding="utf-8").strip().partition(" ")
    except OSError:
        return [], ""
    return layers.split("+"), digest


def _uv(root: Path, cache: Path, python: str) -> Path | None:
    """uv from its PyPI wheel at the version and hashes of `lock/uv.txt`, kept in the cache; None when
    it cannot be installed here (the caller falls back to pip)."""
    pinned = next(iter(lock_entries(lock_path(root, UV_LOCK).read_text(encoding="utf-8")).values()))
    folder = cache / pinned.split()[0].replace("==", "-")
    uv = folder / ("Scripts/uv.exe" if os.name == "nt" else "bin/uv")
    if uv.is_file():
        return uv
    done = subprocess.run([python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet",
                           "--require-hashes", "--no-deps", "--target", str(folder), "-r",
                           str(lock_path(root, UV_LOCK))], check=False)
    if done.returncode != 0 or not uv.is_file():
        shutil.rmtree(folder, ignore_errors=True)
        print("::warning title=qa-actions setup::uv could not be installed: installing with pip instead",
              file=sys.stderr)
        return None
    return uv


def _install(root: Path, venv: Path, python: str, requirements: Path, env: Mapping[str, str]) -> str:
    """Make or update `venv` to hold exactly `requirements`; returns the installer used."""
    cache = cache_path(env)
    uv = None if env.get("QA_ACTIONS_INSTALLER", "uv") == "pip" else _uv(root, cache, python)
    if uv is not None:
        uv_env = {**env, "UV_CACHE_DIR": str(cache / "uv"), "UV_NO_PROGRESS": "1", "UV_PYTHON_DOWNLOADS": "never"}
        if not (venv / "pyvenv.cfg").is_file():
            _run([str(uv), "venv", "--quiet", "--python", python, str(venv)], "creating the virtual environment",
                 uv_env)
        _run([str(uv), "pip", "sync", "--quiet", "--require-hashes", "--python", str(executable(venv, "python")),
              str(requirements)], "installing qa-actions' lock with uv", uv_env)
        return "uv"
    if not executable(venv, "pip").is_file():
        _run([python, "-m", "venv", "--clear", str(venv)], "creating the virtual environment")
    _run([str(executable(venv, "python")), "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
          "--quiet", "--require-hashes", "--no-deps", "-r", str(requirements)], "installing qa-actions' lock with pip")
    return "pip"


def _link_code(root: Path, venv: Path) -> Path:
    """qa-actions' own code from this checkout: a `.pth` file puts `scripts/` on the environment's path,
    and `qa` runs its command line (what the `qa` console script of an installed wheel does)."""
    python = executable(venv, "python")
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "qa_actions.pth").write_text(str(root / "scripts") + "\n", encoding="utf-8")
    qa = qa_launcher(venv)
    if os.name == "nt":
        qa.write_text(f'@"{python}" -m qa_actions %*\r\n', encoding="utf-8")
    else:
        qa.write_text(f"#!{python}\nimport sys\n\nfrom qa_actions.cli import main\n\nsys.exit(main())\n",
                      encoding="utf-8")
        qa.chmod(0o755)
    return qa


def ensure_installed(root: Path, venv: Path, python: str, layers: list[str],
                     env: Mapping[str, str] = os.environ) -> Path:
    """The qa executable in `venv`, made from the lock of `layers` (with those it already holds)."""
    qa = qa_launcher(venv)
    with _locked(venv.with_name(venv.name + ".lock")):
        had, digest = installed(venv)
        wanted = layers_for([*had[1:], *layers[1:]])
        if had == wanted and digest == lock_digest(root, wanted) and _works(qa):
            return qa
        started = time.monotonic()
        (venv / MARKER).unlink(missing_ok=True)
        with tempfile.TemporaryDirectory() as scratch:
            requirements = Path(scratch, "requirements.txt")
            requirements.write_text(merged_lock(root, wanted), encoding="utf-8")
            installer = _install(root, venv, python, requirements, env)
        qa = _link_code(root, venv)
        if not _works(qa):
            raise BootstrapError(f"{qa} does not run after installing qa-actions from {root}")
        (venv / MARKER).write_text(f"{'+'.join(wanted)} {lock_digest(root, wanted)}\n", encoding="utf-8")
        print(f"qa-actions: {'+'.join(wanted)} installed from the lock with {installer} in"
              f" {time.monotonic() - started:.1f} s ({venv})", file=sys.stderr)
    return qa


def _append(env: Mapping[str, str], variable: str, lines: list[str]) -> None:
    target = env.get(variable)
    if target:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.writelines(line + "\n" for line in lines)


def main(argv: list[str] | None = None, env: Mapping[str, str] = os.environ) -> int:
    parser = argparse.ArgumentParser(description="Install qa-actions into its own environment from its lock.")
    parser.add_argument("--extras", action="append", default=[],
                        help=f"extras beside the core: {', '.join(EXTRAS)} or all (comma- or space-separated)")
    parser.add_argument("--project-python", help="the project's interpreter, exported as QA_PYTHON")
    parser.add_argument("--cache-key", action="store_true",
                        help="print the Actions cache key of uv's cache (step output cache-key) and install nothing")
    args = parser.parse_args(argv)
    try:
        if sys.version_info < MIN_PYTHON:
            raise BootstrapError(
                f"qa-actions needs Python {'.'.join(map(str, MIN_PYTHON))} or newer to run, and {sys.executable} is"
                f" {sys.version.split()[0]}: run the qa-actions setup action first in this job")
        layers = layers_for(args.extras)
        if args.cache_key:
            key = cache_key(ROOT, layers)
            _append(env, "GITHUB_OUTPUT", [f"cache-key={key}", f"restore-key={key.rsplit('-', 2)[0]}-",
                                           f"cache-dir={cache_path(env)}"])
            print(key)
            return 0
        qa = ensure_installed(ROOT, venv_path(ROOT, env), sys.executable, layers, env)
    except (BootstrapError, OSError, subprocess.CalledProcessError) as exc:
        print(f"::error title=qa-actions setup::{exc}", file=sys.stderr)
        return 2
    exported = [f"QA={qa}"] + ([f"QA_PYTHON={args.project_python}"] if args.project_python else [])
    _append(env, "GITHUB_ENV", exported)
    _append(env, "GITHUB_OUTPUT", [f"qa={qa}"])
    print(f"qa-actions: {qa}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
