"""Local stand-ins for the third-party actions qa-actions uses, for running workflows with act
offline (act cannot fetch remote actions). Each stand-in keeps the behaviour our workflows rely on:

- setup-python: a fresh interpreter environment per job (a venv over a prepared base, so test
  plugins resolve without downloads), `python-path`, `update-environment`, and setup-python's
  refusal when `cache: pip` finds no dependency file.
- upload-artifact v7 / download-artifact v8 (the inputs we use are those of v4): artifacts are
  folders under $QA_ACT_ARTIFACTS/<run id>/;
  hidden files are skipped unless `include-hidden-files`, `!path` lines exclude a file or folder,
  names must be unique in a run, a pattern downloads each artifact into its own folder unless
  `merge-multiple`, and another run's artifacts need `github-token` with `run-id`.
- codeql upload-sarif: the SARIF file is kept under the run's folder, as code-scanning/<category>.sarif.
- cache/restore and cache/save v5: caches are folders under $QA_ACT_CACHES/<repository>/<key>/; a key is saved
  once (a second save of it is refused with a warning), restore takes the exact key, else the
  newest cache whose key starts with one of `restore-keys`.

Called as `python3 standins.py ACTION` from the stand-in's action.yml with its inputs in INPUT_*.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ENV = os.environ


def fail(message: str) -> None:
    print(f"::error::{message}")
    sys.exit(1)


def inp(name: str, default: str = "") -> str:
    return ENV.get(f"INPUT_{name.upper().replace('-', '_')}", default).strip() or default


def output(**values: str) -> None:
    with Path(ENV["GITHUB_OUTPUT"]).open("a") as handle:
        handle.writelines(f"{k.replace('_', '-')}={v}\n" for k, v in values.items())


def workspace() -> Path:
    return Path(ENV["GITHUB_WORKSPACE"])


def store(run_id: str) -> Path:
    return Path(ENV["QA_ACT_ARTIFACTS"]) / run_id


def setup_python() -> None:
    if inp("cache") == "pip":
        patterns = [p.strip() for p in inp("cache-dependency-path").splitlines() if p.strip()]
        patterns = patterns or ["**/requirements.txt"]
        if not any(glob.glob(str(workspace() / p), recursive=True) for p in patterns):  # noqa: PTH207 (absolute globs)
            fail(f"No file in {workspace()} matched to [{', '.join(patterns)}], make sure you have checked out the"
                 " target repository")
    if inp("update-environment", "true") == "false":
        output(python_path=sys.executable, python_version=sysconfig.get_python_version())
        return
    venv = Path(ENV["RUNNER_TEMP"]) / f"python-{inp('python-version', 'default')}"
    if not venv.exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        ask = "import sysconfig; print(sysconfig.get_path('purelib'))"
        purelib = subprocess.run([str(venv / "bin" / "python"), "-c", ask], capture_output=True, text=True,
                                 check=True).stdout.strip()
        base = ENV["QA_ACT_PYTHON_BASE"]
        Path(purelib, "qa_act_base.pth").write_text(f"{base}\n")
    with Path(ENV["GITHUB_PATH"]).open("a") as handle:
        handle.write(f"{venv / 'bin'}\n")
    output(python_path=str(venv / "bin" / "python"), python_version=sysconfig.get_python_version())


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def upload_artifact() -> None:
    name = inp("name", "artifact")
    lines = [p.strip() for p in inp("path").splitlines() if p.strip()]
    paths = [workspace() / p for p in lines if not p.startswith("!")]
    excluded = [(workspace() / p[1:]).resolve() for p in lines if p.startswith("!")]
    existing = [p for p in paths if p.exists()]
    root = Path(os.path.commonpath(existing)) if existing else workspace()
    if len(existing) == 1 and existing[0].is_file():
        root = existing[0].parent
    hidden_ok = inp("include-hidden-files", "false") == "true"
    files = []
    for path in existing:
        candidates = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
        files += [f for f in candidates if (hidden_ok or not _hidden(f.relative_to(root)))
                  and not any(f.resolve().is_relative_to(x) for x in excluded)]
    if not files:
        if inp("if-no-files-found", "warn") == "error":
            fail(f"No files were found with the provided path: {inp('path')}. No artifacts will be uploaded.")
        print(f"::warning::No files were found with the provided path: {inp('path')}.")
        return
    target = store(ENV["GITHUB_RUN_ID"]) / name
    if target.exists():
        fail(f"Failed to CreateArtifact: an artifact with this name already exists on the workflow run: {name}")
    for file in files:
        destination = target / file.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, destination)
    print(f"uploaded {len(files)} files as {name}")
    output(artifact_id=str(len(list(target.parent.iterdir()))), artifact_url=f"file://{target}")


def download_artifact() -> None:
    token, run_id = inp("github-token"), inp("run-id")
    source = store(run_id if token else ENV["GITHUB_RUN_ID"])
    if token and not run_id:
        fail("run-id is required with github-token")
    available = sorted(p.name for p in source.iterdir()) if source.is_dir() else []
    name, pattern = inp("name"), inp("pattern")
    chosen = [name] if name else [a for a in available if fnmatch.fnmatchcase(a, pattern or "*")]
    if name and name not in available:
        fail(f"Unable to download artifact(s): Artifact not found for name: {name}")
    path = workspace() / inp("path", ".")
    flat = bool(name) or inp("merge-multiple", "false") == "true"
    for artifact in chosen:
        shutil.copytree(source / artifact, path if flat else path / artifact, dirs_exist_ok=True)
    print(f"downloaded {len(chosen)} artifacts from run {source.name}: {', '.join(chosen)}")
    output(download_path=str(path))


def upload_sarif() -> None:
    sarif = workspace() / inp("sarif_file")
    if not sarif.is_file():
        fail(f"Path does not exist: {sarif}")
    target = store(ENV["GITHUB_RUN_ID"]) / "code-scanning" / f"{inp('category', 'default')}.sarif"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(sarif, target)


def caches() -> Path:
    """This repository's caches (GitHub scopes them by repository)."""
    return Path(ENV["QA_ACT_CACHES"]) / ENV.get("GITHUB_REPOSITORY", "local")


def cache_save() -> None:
    target = caches() / inp("key")
    if target.exists():
        print(f"::warning::Failed to save: Unable to reserve cache with key {inp('key')}, another job may be"
              " creating this cache.")
        return
    saved = 0
    for line in filter(None, (p.strip() for p in inp("path").splitlines())):
        source = workspace() / line
        if source.is_file():
            (target / line).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / line)
            saved += 1
    if not saved:
        print("::warning::Path Validation Error: Path(s) specified in the action for caching do(es) not exist,"
              " hence no cache is being saved.")
        return
    print(f"Cache saved with key: {inp('key')}")


def cache_restore() -> None:
    key = inp("key")
    saved = sorted(caches().iterdir(), key=lambda p: p.stat().st_mtime_ns) if caches().is_dir() else []
    prefixes = [p.strip() for p in inp("restore-keys").splitlines() if p.strip()]
    exact = [p for p in saved if p.name == key]
    matched = exact or [p for p in reversed(saved) if any(p.name.startswith(x) for x in prefixes)][:1]
    output(cache_primary_key=key, cache_hit=str(bool(exact)).lower(),
           cache_matched_key=matched[0].name if matched else "")
    if not matched:
        print(f"Cache not found for input keys: {', '.join([key, *prefixes])}")
        return
    shutil.copytree(matched[0], workspace(), dirs_exist_ok=True)
    print(f"Cache restored from key: {matched[0].name}")


if __name__ == "__main__":
    {"setup-python": setup_python, "upload-artifact": upload_artifact, "download-artifact": download_artifact,
     "upload-sarif": upload_sarif, "cache-restore": cache_restore, "cache-save": cache_save}[sys.argv[1]]()
