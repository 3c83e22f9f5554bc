"""Run GitHub workflows with act in host mode, offline: see tests/act/README.md."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STANDINS = REPO / "tests" / "act" / "standins"
QA_REPOSITORY, QA_REF = "org/qa-actions", "v1"
SELF_USES = re.compile(r"(uses:\s*)\$/([^\s#]+)")
CACHE_MODE = re.compile(r"^\s*cache-mode:.*\n", re.M)
THIRD_PARTY_USES = re.compile(r"uses:\s*([\w.-]+/[\w.-]+)(/[\w./-]+)?@([0-9a-f]{40})")
GIT = ["git", "-c", "user.name=qa-actions tests", "-c", "user.email=tests@qa-actions.invalid",
       "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]


def tracked_files(root: Path) -> list[str]:
    done = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                          capture_output=True, text=True, check=True)
    return [name for name in done.stdout.split("\0") if name and (root / name).exists()]


def copy_tree(source: Path, target: Path, names: list[str]) -> None:
    """Copy the files `names`; a symbolic link to a folder is copied as the folder it points to, so the
    copy stands alone."""
    for name in names:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name)
        else:
            shutil.copy2(source / name, target / name)


def for_act(text: str) -> str:
    """Workflow YAML in the syntax act 0.2.89 knows: `$/path` (this repository at this commit) is
    written `org/qa-actions/path@v1`, served from the same copy, and `cache-mode:` (which act's
    schema refuses; it only limits the cache service, which act does not run) is dropped."""
    return CACHE_MODE.sub("", SELF_USES.sub(rf"\1{QA_REPOSITORY}/\2@{QA_REF}", text))


def qa_actions_copy(target: Path) -> Path:
    """This repository as `org/qa-actions@v1`, in the syntax act knows."""
    copy_tree(REPO, target, tracked_files(REPO))
    for path in [target / "action.yml", *target.glob("actions/*/action.yml"), *target.glob(".github/workflows/*.yml")]:
        path.write_text(for_act(path.read_text()))
    git_repository(target, f"https://github.com/{QA_REPOSITORY}.git")
    return target


def pinned_actions() -> dict[str, str]:
    """`owner/name@sha` of every third-party action our YAML pins -> its stand-in folder (an action in
    a sub-folder, such as `actions/cache/restore`, is that sub-folder of the stand-in)."""
    found = {}
    for path in [REPO / "action.yml", *REPO.glob("actions/*/action.yml"), *REPO.glob(".github/workflows/*.yml")]:
        for repository, subpath, sha in THIRD_PARTY_USES.findall(path.read_text()):
            if repository == "actions/checkout":
                continue  # act checks out the local repository itself
            standin = STANDINS / repository.split("/")[1]
            assert (standin / subpath.lstrip("/") / "action.yml").is_file(), \
                f"no act stand-in for {repository}{subpath} (used in {path})"
            found[f"{repository}@{sha}"] = str(standin)
    return found


def git_repository(path: Path, origin: str) -> None:
    subprocess.run([*GIT, "init", "-q"], cwd=path, check=True)
    subprocess.run([*GIT, "remote", "add", "origin", origin], cwd=path, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=path, check=True)
    subprocess.run([*GIT, "commit", "-qm", "sample"], cwd=path, check=True)


def head_sha(path: Path) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, text=True,
                          check=True).stdout.strip()


@dataclass
class ActRun:
    """What one `act` invocation did, from its JSON log."""

    returncode: int
    records: list[dict] = field(default_factory=list)
    log: str = ""

    def job_results(self) -> dict[str, str]:
        return {r["job"]: r["jobResult"] for r in self.records if "jobResult" in r}

    def summaries(self, job_prefix: str = "") -> str:
        return "".join(r["content"] for r in self.records
                       if r.get("command") == "summary" and r.get("job", "").startswith(job_prefix))

    def messages(self, job_prefix: str = "") -> str:
        return "\n".join(r.get("msg", "") for r in self.records if r.get("job", "").startswith(job_prefix))

    def outputs(self, job_prefix: str, step: str) -> dict[str, str]:
        """The outputs a top-level step (by id) of a job set."""
        return {r["name"]: r["arg"] for r in self.records
                if r.get("command") == "set-output" and r.get("job", "").startswith(job_prefix)
                and r.get("stepID") == [step]}

    def failed_steps(self, job: str | None = None) -> list[str]:
        """The steps that failed, of every job or of `job` (its name as `job_results` gives it, stripped)."""
        return [r["msg"].split("Failure - ", 1)[1].rsplit(" [", 1)[0] for r in self.records
                if r.get("stepResult") == "failure" and "Failure - " in r.get("msg", "")
                and (job is None or r.get("job", "").strip() == job)]

    def explain(self) -> str:
        """For assertion messages: each failed step with the last lines its job printed, then the log's tail."""
        failed = []
        for job, result in self.job_results().items():
            if result == "failure":
                steps = {name.split(" ", 1)[-1] for name in self.failed_steps(job.strip())}
                said = [r.get("msg", "") for r in self.records
                        if r.get("job") == job and r.get("msg") and r.get("step") in steps]
                end = next((i for i, line in enumerate(said) if "Failure - " in line), len(said))
                failed.append(f"-- {job.strip()}: {sorted(steps)}\n" + "\n".join(said[max(0, end - 25):end + 1]))
        return (f"act exit {self.returncode}, jobs {self.job_results()}\n" + "\n".join(failed) + "\n-- log:\n"
                + "\n".join(self.log.splitlines()[-30:]))


@dataclass
class ActSandbox:
    """Everything act needs, made once per test session under `root`."""

    root: Path
    qa_copy: Path = field(init=False)
    artifacts: Path = field(init=False)
    caches: Path = field(init=False)
    standins: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.qa_copy = qa_actions_copy(self.root / "qa-actions")
        self.artifacts = self.root / "artifacts"
        self.artifacts.mkdir()
        self.caches = self.root / "caches"
        self.standins = pinned_actions()

    def consumer(self, name: str, workflows: dict[str, str], project: Path) -> Path:
        """A consumer repository `acme/<name>`: the project's files plus `.github/workflows/`."""
        path = self.root / name
        copy_tree(project, path, tracked_files(project))
        for filename, text in workflows.items():
            (path / ".github" / "workflows" / filename).parent.mkdir(parents=True, exist_ok=True)
            (path / ".github" / "workflows" / filename).write_text(for_act(text))
        git_repository(path, f"https://github.com/acme/{name}.git")
        return path

    def run(self, repository: Path, event_name: str, event: dict, *, run_id: int, workflow: str | None = None,
            job: str | None = None, env: dict[str, str] | None = None, timeout: float = 600) -> ActRun:
        event_file = self.root / f"event-{run_id}.json"
        event_file.write_text(json.dumps(event))
        command = ["act", event_name, "-e", str(event_file), "-P", "ubuntu-latest=-self-hosted",
                   "--action-offline-mode", "--no-cache-server", "--json", "--concurrent-jobs", "2",
                   "--action-cache-path", str(self.root / "act-cache"),
                   "--local-repository", f"{QA_REPOSITORY}@{QA_REF}={self.qa_copy}",
                   "-s", "GITHUB_TOKEN=test-token"]
        for reference, folder in self.standins.items():
            command += ["--local-repository", f"{reference}={folder}"]
        variables = {
            "GITHUB_RUN_ID": str(run_id),
            "QA_ACTIONS_VENV": str(self.root / "qa-venv"),
            "QA_ACT_ARTIFACTS": str(self.artifacts),
            "QA_ACT_CACHES": str(self.caches),
            "QA_ACT_STANDINS": str(STANDINS / "standins.py"),
            "QA_ACT_PYTHON_BASE": sysconfig.get_path("purelib"),
            **(env or {}),
        }
        for name, value in variables.items():
            command += ["--env", f"{name}={value}"]
        if workflow:
            command += ["-W", f".github/workflows/{workflow}"]
        if job:
            command += ["-j", job]
        outer = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "ACT", "QA_"))}
        outer["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), outer.get("PATH", "")])
        done = subprocess.run(command, cwd=repository, env=outer, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout, check=False)
        records = []
        for line in done.stdout.splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if record.get("level") != "debug":
                records.append(record)
        return ActRun(done.returncode, records, done.stdout + done.stderr)


def pull_request_event(repository: Path, number: int = 7) -> dict:
    sha = head_sha(repository)
    event = repository_event(repository, action="synchronize", number=number)
    event["pull_request"] = {"number": number, "head": {"sha": sha, "ref": "feature", "repo": event["repository"]},
                             "base": {"sha": sha, "ref": "main", "repo": event["repository"]},
                             "html_url": f"https://github.com/acme/{repository.name}/pull/{number}"}
    return event


def with_outputs_job(caller: str, job: str, outputs: list[str]) -> str:
    """The caller workflow plus one job that prints the reusable workflow's outputs (through `env:`,
    so JSON values keep their quotes)."""
    variables = {name: f"OUT_{name.upper().replace('-', '_')}" for name in outputs}
    env = "".join(f"          {var}: ${{{{ needs.{job}.outputs.{name} }}}}\n" for name, var in variables.items())
    lines = "".join(f"          printf '%s\\n' \"{name}=${var}\"\n" for name, var in variables.items())
    return caller.rstrip() + f"""

  print-outputs:
    needs: {job}
    if: always()
    runs-on: ubuntu-latest
    steps:
      - env:
{env}        run: |
{lines}"""


def printed_outputs(run: ActRun) -> dict[str, str]:
    """What the job `with_outputs_job` added printed (act names it `<workflow name>/print-outputs`)."""
    text = "\n".join(r.get("msg", "") for r in run.records if r.get("job", "").strip().endswith("/print-outputs"))
    return dict(re.findall(r"^(\w[\w-]*)=(.*)$", text, re.M))


def with_inputs(caller: str, inputs: dict[str, str]) -> str:
    """The caller workflow with more `with:` inputs for its reusable-workflow job."""
    lines = "".join(f"      {name}: {json.dumps(value)}\n" for name, value in inputs.items())
    if "\n    with:\n" in caller:
        return caller.replace("\n    with:\n", "\n    with:\n" + lines, 1)
    head, uses, tail = re.split(r"(\n    uses: [^\n]+\n)", caller, maxsplit=1)
    return head + uses + "    with:\n" + lines + tail


def repository_event(repository: Path, **fields: object) -> dict:
    repo = {"full_name": f"acme/{repository.name}", "name": repository.name, "owner": {"login": "acme"},
            "default_branch": "main"}
    return {"repository": repo, **fields}
