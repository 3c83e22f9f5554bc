"""Where a run happens on GitHub: the Actions variables, the event payload, and the runner's files.

The only reader of `GITHUB_*` and `RUNNER_*` variables (bootstrap.py aside: it runs before qa-actions
is installed), and the only writer of `$GITHUB_OUTPUT` and `$GITHUB_ENV`. The payload says which
commit the report is about and what it is compared with: for a pull request the PR head and base,
for a push the commits before and after, for `workflow_run` the triggering run's head.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .fsutil import read_limited

MAX_EVENT_BYTES = 25 * 1024 * 1024
PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target"})
_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_MARKER_UNSAFE = re.compile(r"[^A-Za-z0-9 ._/()+#-]")
DEFAULT_API_URL = "https://api.github.com"
DEFAULT_SERVER_URL = "https://github.com"
MAX_LABELS, MAX_LABEL_CHARS = 100, 100  # GitHub allows 100 labels on an issue, of 50 characters
# the runner's tokens in a job's environment: qa-actions needs them to publish, a project's tests do not
RUNNER_TOKENS = ("GITHUB_TOKEN", "GH_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL",
                 "ACTIONS_RUNTIME_TOKEN", "ACTIONS_RUNTIME_URL", "ACTIONS_CACHE_URL", "ACTIONS_RESULTS_URL")


@dataclass(frozen=True)
class PullRequestRef:
    """A pull request as the event payload describes it."""

    number: int
    head_sha: str | None = None
    base_sha: str | None = None
    from_fork: bool = False
    labels: tuple[str, ...] = ()  # its label names (at most MAX_LABELS), such as `qa:full-run`


@dataclass(frozen=True)
class GitHubEvent:
    name: str
    head_sha: str | None = None  # the commit check runs and links belong to
    base_sha: str | None = None  # what the change is compared with (changed-lines coverage)
    pull: PullRequestRef | None = None
    head_branch: str | None = None  # workflow_run: where to look the pull request up
    head_owner: str | None = None
    from_fork: bool = False
    triggering_workflow: str | None = None  # workflow_run: the workflow whose results these are


@dataclass(frozen=True)
class GitHubEnv:
    """The GitHub Actions variables qa-actions reads; all None outside GitHub."""

    event: GitHubEvent
    token: str | None = None
    api_url: str = DEFAULT_API_URL
    server_url: str = DEFAULT_SERVER_URL
    repository: str | None = None
    run_id: str | None = None
    run_attempt: str | None = None
    workflow: str | None = None
    job: str | None = None
    sha: str | None = None  # GITHUB_SHA as the runner gives it (the event's commits are checked)
    base_ref: str | None = None  # a pull request's base branch
    head_ref: str | None = None  # a pull request's head branch
    ref_name: str | None = None  # the branch or tag of a push
    step_summary: Path | None = None
    output: Path | None = None
    env_file: Path | None = None
    workspace: Path | None = None
    in_actions: bool = False  # GITHUB_ACTIONS=true: workflow commands are read from the log

    @property
    def run_url(self) -> str | None:
        if not (self.repository and self.run_id):
            return None
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"

    def marker_key(self, configured: str | None) -> str:
        """`<workflow>:<job>`, the part of the hidden marker that tells our comments apart."""
        if configured:
            return _marker_safe(configured)
        workflow = self.event.triggering_workflow or self.workflow or "local"
        return f"{_marker_safe(workflow)}:{_marker_safe(self.job or 'local')}"


def read_github_env(environ: Mapping[str, str] = os.environ, payload: bool = True) -> GitHubEnv:
    """The environment of this process as GitHub Actions describes it; with `payload`, the event file too.

    Without it only the event's name and `GITHUB_SHA` describe the event, and a missing event file is no error.
    """

    def path(name: str) -> Path | None:
        return Path(environ[name]) if environ.get(name) else None

    def text(name: str) -> str | None:
        return environ.get(name) or None

    name = environ.get("GITHUB_EVENT_NAME") or "local"
    event_payload = read_event_payload(path("GITHUB_EVENT_PATH")) if payload else {}
    return GitHubEnv(
        event=parse_event(name, event_payload, environ.get("GITHUB_SHA")),
        token=environ.get("GITHUB_TOKEN") or environ.get("GH_TOKEN") or None,
        api_url=(environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
        server_url=(environ.get("GITHUB_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/"),
        repository=text("GITHUB_REPOSITORY"),
        run_id=text("GITHUB_RUN_ID"),
        run_attempt=text("GITHUB_RUN_ATTEMPT"),
        workflow=text("GITHUB_WORKFLOW"),
        job=text("GITHUB_JOB"),
        sha=text("GITHUB_SHA"),
        base_ref=text("GITHUB_BASE_REF"),
        head_ref=text("GITHUB_HEAD_REF"),
        ref_name=text("GITHUB_REF_NAME"),
        step_summary=path("GITHUB_STEP_SUMMARY"),
        output=path("GITHUB_OUTPUT"),
        env_file=path("GITHUB_ENV"),
        workspace=path("GITHUB_WORKSPACE"),
        in_actions=environ.get("GITHUB_ACTIONS") == "true",
    )


def read_event_payload(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    if not path.is_file():
        raise InputError(f"GITHUB_EVENT_PATH names {path}, which does not exist")
    try:
        payload = json.loads(read_limited(path, MAX_EVENT_BYTES))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} (GITHUB_EVENT_PATH): not valid JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise InputError(f"{path} (GITHUB_EVENT_PATH): expected a JSON object")
    return payload


def parse_event(name: str, payload: Mapping[str, Any], sha: str | None) -> GitHubEvent:
    """The commits and pull request an event is about; missing or odd fields become None."""
    if name in PULL_REQUEST_EVENTS and isinstance(payload.get("pull_request"), dict):
        pull = _pull(payload["pull_request"])
        if pull is not None:
            return GitHubEvent(name, pull.head_sha or _sha(sha), pull.base_sha, pull, from_fork=pull.from_fork)
    if name == "push":
        return GitHubEvent(name, _sha(payload.get("after")) or _sha(sha), _sha(payload.get("before")))
    if name == "merge_group":
        group = payload.get("merge_group")
        return GitHubEvent(name, _sha(_get(group, "head_sha")) or _sha(sha), _sha(_get(group, "base_sha")))
    if name == "workflow_run" and isinstance(payload.get("workflow_run"), dict):
        return _workflow_run(name, payload, sha)
    return GitHubEvent(name, _sha(sha))


def _workflow_run(name: str, payload: Mapping[str, Any], sha: str | None) -> GitHubEvent:
    run = payload["workflow_run"]
    head_sha = _sha(run.get("head_sha")) or _sha(sha)
    pulls = run.get("pull_requests")
    pull = _pull(pulls[0]) if isinstance(pulls, list) and pulls and isinstance(pulls[0], dict) else None
    head_repo, base_repo = _get(run, "head_repository", "full_name"), _get(payload, "repository", "full_name")
    triggering = run.get("name") if isinstance(run.get("name"), str) else None
    return GitHubEvent(
        name, head_sha, pull.base_sha if pull else None, pull,
        head_branch=_text(run.get("head_branch")), head_owner=_text(_get(run, "head_repository", "owner", "login")),
        from_fork=bool(head_repo and base_repo and head_repo != base_repo), triggering_workflow=triggering,
    )


def _pull(data: Mapping[str, Any]) -> PullRequestRef | None:
    number = data.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
        return None
    head_repo, base_repo = _get(data, "head", "repo", "full_name"), _get(data, "base", "repo", "full_name")
    # a deleted fork leaves head.repo null; `head.repo.fork` is no help (the base may be a fork itself)
    fork = bool(base_repo) and head_repo != base_repo
    labels = data.get("labels") if isinstance(data.get("labels"), list) else []
    names = tuple(str(label["name"])[:MAX_LABEL_CHARS] for label in labels[:MAX_LABELS]
                  if isinstance(label, Mapping) and isinstance(label.get("name"), str))
    return PullRequestRef(number, _sha(_get(data, "head", "sha")), _sha(_get(data, "base", "sha")), fork, names)


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _sha(value: Any) -> str | None:
    return value if isinstance(value, str) and _SHA.match(value) and value.strip("0") else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _marker_safe(text: str) -> str:
    """Text that cannot end the HTML comment it sits in (no `>`, no `--`)."""
    return re.sub("-{2,}", "-", _MARKER_UNSAFE.sub("_", text))[:100]


_OUTPUT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,99}$")
# what the runner, or a reader of the file in another language, may take for the end of a line
_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def output_text(values: Mapping[str, str]) -> str:
    """The `$GITHUB_OUTPUT` / `$GITHUB_ENV` format, which no value can break out of.

    A single-line value is `name=value`; a value with any line break gets a here-document with a
    delimiter of its own that is random and not in the value. A name that is not a plain identifier
    is refused: it would end the line early (`=`, `<<`, a line break) or name another variable.
    """
    lines = []
    for name, value in values.items():
        if not _OUTPUT_NAME.match(name):
            raise InputError(f"refusing to write the output or variable {name!r}: "
                             "expected letters, digits, `_` and `-` only")
        if _LINE_BREAKS.search(value):
            delimiter = _delimiter(value)
            lines.append(f"{name}<<{delimiter}\n{value}\n{delimiter}")
        else:
            lines.append(f"{name}={value}")
    return "\n".join(lines) + "\n"


def single_line(value: str) -> str:
    """`value` with every line break (and so any here-document delimiter line) turned into a space."""
    return _LINE_BREAKS.sub(" ", value)


def _delimiter(value: str) -> str:
    while True:
        delimiter = f"QA_EOF_{uuid.uuid4().hex}"
        if delimiter not in value:
            return delimiter


def log_text(text: str, in_actions: bool) -> str:
    """`text` as it may be printed in a job's log: in Actions no line of it can be a workflow command.

    Test names, messages, tier and experiment names come from the code under test (a fork's, perhaps);
    a line `::warning ::…`, `::add-mask::…`, `::stop-commands::…` or `##[…]` in them would be obeyed by
    the runner. So the text is wrapped in a random `::stop-commands::` token, which only our own
    closing line ends (the token is not in the text). Outside Actions the text is printed as it is.
    """
    if not in_actions or not text:
        return text
    start, stop = command_guard(text)
    end = "\n" if text.endswith("\n") else ""
    return f"{start}\n{text.removesuffix(chr(10))}\n{stop}{end}"


def command_guard(text: str = "") -> tuple[str, str]:
    """The two lines between which the runner obeys no workflow command: `::stop-commands::<token>`
    and `::<token>::`, the token random and not in `text` (for text streamed later, such as a tier's
    output, a fresh random token is as good: the process writing it cannot know it)."""
    token = _delimiter(text).lower()
    return f"::stop-commands::{token}", f"::{token}::"


def untrusted(text: str, environ: Mapping[str, str] = os.environ) -> str:
    """`log_text` for this process's environment: what every command prints from results goes through it."""
    return log_text(text, environ.get("GITHUB_ACTIONS") == "true")


def append_to(path: Path, text: str) -> None:
    """The runner's files are appended to, never replaced (other steps' commands may have written)."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def write_outputs(values: Mapping[str, str], env: Mapping[str, str] = os.environ) -> bool:
    """Set step outputs; False when not running in a GitHub Actions step."""
    return _append_values(read_github_env(env, payload=False).output, values)


def export_variables(values: Mapping[str, str], env: Mapping[str, str] = os.environ) -> bool:
    """Set environment variables for the job's later steps."""
    return _append_values(read_github_env(env, payload=False).env_file, values)


def _append_values(target: Path | None, values: Mapping[str, str]) -> bool:
    if target is None:
        return False
    append_to(target, output_text(values))
    return True


def mask_commands(values: Iterable[str], environ: Mapping[str, str] = os.environ) -> str:
    """`::add-mask::` lines that make the runner hide `values` in every later line of the job's log;
    empty outside Actions. A multi-line value is masked line by line (one command holds one line)."""
    if environ.get("GITHUB_ACTIONS") != "true":
        return ""
    lines = {line.strip() for value in values for line in value.splitlines() if line.strip()}
    return "".join(f"::add-mask::{line}\n" for line in sorted(lines))


def warning_command(title: str, text: str) -> str:
    """A `::warning` workflow command, its title and text escaped so that it stays one command."""
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    title = title.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")
    return f"::warning title={title}::{escaped}"
