#!/usr/bin/env python3
"""Refresh or check qa-actions' own lock (`lock/`), which the setup action installs with hash checking.

    python .ci/lock.py            # resolve pyproject.toml again (uv) and rewrite lock/ and person-names.txt
    python .ci/lock.py --check    # fail when pyproject.toml and lock/ disagree (offline)

One resolution of every extra (`uv pip compile --universal`, so one lock serves every Python 3.11+ and
every OS) is cut into layers: `core.txt` (what every job needs), and per extra the packages it adds
to the core, at the same versions. `uv.txt` pins uv itself. Each file records a digest of the
pyproject.toml tables it was made from; `--check` recomputes it and checks every requirement of
pyproject.toml against the pins, so an edited dependency without a refreshed lock fails CI.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from qa_actions import pii  # noqa: E402
from qa_actions.bootstrap import CORE, EXTRAS, LOCK_DIR, UV_LOCK, canonical, entry_name, lock_entries  # noqa: E402

LOWEST_PYTHON = "3.11"
UV_REQUIREMENT = "uv"
HEADER = "# qa-actions lock: {what}\n# made by `python .ci/lock.py` from pyproject.toml ({digest}): do not edit\n"
NAMES = REPO / "scripts" / "qa_actions" / pii.NAMES_FILE


def project_table(project_dir: Path) -> dict:
    return tomllib.loads((project_dir / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def inputs_digest(project: dict) -> str:
    """The digest of what the lock is made from: requires-python, the dependencies and the locked extras."""
    extras = project.get("optional-dependencies", {})
    table = {"requires-python": project.get("requires-python"), "dependencies": project.get("dependencies", []),
             "extras": {name: extras.get(name, []) for name in EXTRAS}, "uv": UV_REQUIREMENT,
             "python": LOWEST_PYTHON}
    return "sha256:" + hashlib.sha256(json.dumps(table, sort_keys=True).encode()).hexdigest()[:16]


def _compile(project_dir: Path, out: Path, extra: str | None, constraints: Path | None) -> dict[str, str]:
    command = ["uv", "pip", "compile", "pyproject.toml", "--universal", "--generate-hashes", "--quiet",
               "--python-version", LOWEST_PYTHON, "--no-header", "--no-annotate", "-o", str(out)]
    command += ["--extra", extra] if extra else []
    command += ["-c", str(constraints)] if constraints else []
    subprocess.run(command, cwd=project_dir, check=True)
    return lock_entries(out.read_text(encoding="utf-8"))


def _write(path: Path, what: str, digest: str, entries: dict[str, str]) -> None:
    body = "".join(entry.replace(" --hash", " \\\n    --hash") + "\n" for _, entry in sorted(entries.items()))
    path.write_text(HEADER.format(what=what, digest=digest) + body, encoding="utf-8")


def refresh(project_dir: Path) -> None:
    digest = inputs_digest(project_table(project_dir))
    folder = project_dir / LOCK_DIR
    folder.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        everything = Path(scratch, "all.txt")
        _compile(project_dir, everything, "all", None)
        core = _compile(project_dir, Path(scratch, "core.txt"), None, everything)
        _write(folder / f"{CORE}.txt", "the core, for every job", digest, core)
        for extra in EXTRAS:
            resolved = _compile(project_dir, Path(scratch, f"{extra}.txt"), extra, everything)
            added = {key: entry for key, entry in resolved.items() if key not in core}
            _write(folder / f"{extra}.txt", f"what qa-actions[{extra}] adds to the core", digest, added)
        uv_in = Path(scratch, "uv.in")
        uv_in.write_text(UV_REQUIREMENT + "\n", encoding="utf-8")
        uv_out = Path(scratch, "uv.out")
        subprocess.run(["uv", "pip", "compile", str(uv_in), "--universal", "--generate-hashes", "--quiet",
                        "--no-header", "--no-annotate", "-o", str(uv_out)], check=True)
        _write(folder / UV_LOCK, "uv, which installs the others", digest, lock_entries(uv_out.read_text()))
    if project_dir == REPO:
        first, last, faker = pii.names_from_faker()
        NAMES.write_text(pii.names_text(first, last, faker), encoding="utf-8")
    print(f"lock/ refreshed from pyproject.toml ({digest})")


def _pins(entries: dict[str, str]) -> dict[str, list[str]]:
    """Locked versions by package: a universal lock may hold two, for two sets of markers."""
    pins: dict[str, list[str]] = {}
    for key in entries:
        pins.setdefault(entry_name(key), []).append(key.split()[0].partition("==")[2])
    return pins


def check(project_dir: Path) -> list[str]:
    """Every way pyproject.toml and lock/ can disagree, one line each."""
    project = project_table(project_dir)
    digest = inputs_digest(project)
    problems: list[str] = []
    files: dict[str, dict[str, str]] = {}
    for layer in [CORE, *EXTRAS, UV_LOCK.removesuffix(".txt")]:
        path = project_dir / LOCK_DIR / f"{layer}.txt"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            problems.append(f"{LOCK_DIR}/{path.name} is missing: run python .ci/lock.py")
            continue
        if not any(f"({digest})" in line for line in text.splitlines()[:2]):
            problems.append(f"{LOCK_DIR}/{path.name} was made from another pyproject.toml: run python .ci/lock.py")
        files[layer] = lock_entries(text)
        problems += [f"{LOCK_DIR}/{path.name}: {name} has no --hash" for name, entry in files[layer].items()
                     if "--hash=" not in entry]
    core = files.get(CORE, {})
    extras = project.get("optional-dependencies", {})
    for layer, requirements in [(CORE, project.get("dependencies", [])), *((e, extras.get(e, [])) for e in EXTRAS)]:
        pins = _pins({**core, **files.get(layer, {})})
        for text in requirements:
            requirement = Requirement(text)
            name = canonical(requirement.name)
            if name == canonical(project["name"]):
                continue
            if name not in pins:
                problems.append(f"{text} ({layer}) is not in the lock: run python .ci/lock.py")
            else:
                problems += [f"{text} ({layer}) does not admit the locked {name}=={pin}: run python .ci/lock.py"
                             for pin in pins[name] if not requirement.specifier.contains(pin, prereleases=True)]
    everything = [key for entries in files.values() for key in entries if entries is not files.get("uv")]
    for name, versions in _pins(dict.fromkeys(everything, "")).items():
        unmarked = [key for key in everything if entry_name(key) == name and ";" not in key]
        if len(set(versions)) > 1 and unmarked:
            problems.append(f"{name} is locked at {', '.join(sorted(set(versions)))}, {unmarked[0].split()[0]} for"
                            f" every environment: run python .ci/lock.py")
    for extra in EXTRAS:
        core_pins = {key.split()[0] for key in core}
        core_names = {entry_name(key) for key in core}
        problems += [f"{LOCK_DIR}/{extra}.txt locks {key.split()[0]}, the core another version" for key in
                     files.get(extra, {}) if entry_name(key) in core_names and key.split()[0] not in core_pins]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="check lock/ against pyproject.toml, change nothing")
    parser.add_argument("--project", type=Path, default=REPO, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.check:
        refresh(args.project.resolve())
        return 0
    problems = check(args.project.resolve())
    for problem in problems:
        print(f"lock: {problem}", file=sys.stderr)
    if not problems:
        print(f"lock/ matches pyproject.toml ({inputs_digest(project_table(args.project))})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
