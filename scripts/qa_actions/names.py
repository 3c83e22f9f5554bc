"""The names a project's reports go by on GitHub, made from its `project-dir` in this one place.

Two projects in one repository (`project-dir: services/a` and `services/b`) run in the same
workflow run, on the same commit and pull request: their artifacts, history caches, sticky
comments, check runs, code-scanning categories and nightly issues must not share a name, or one
overwrites, downloads or closes the other's. So `project-dir` enters each of them through one
*project key*: empty for the repository root (`.`), whose names stay exactly what they were, and a
safe slug otherwise (`services/a` -> `services-a`). The YAML asks `qa names` for them instead of
slugging in bash.

`project-dir` comes from the caller's workflow: a line break, an absolute path or a path out of
the workspace is refused; any other character outside `A-Z a-z 0-9 . _ -` is replaced, and a key
that lost characters that way (or is too long) ends in a hash of the whole path, so that two
folders cannot end up with one key by their odd characters.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import QaError
from .layout import RESULTS_DIR, TIER_NAME

MAX_KEY = 64
HASH_CHARS = 8
MAX_NAME_TEXT = 100  # a check-run prefix or comment key chosen by the caller
ROOT_HISTORY_CACHE = "qa-history-.-"  # the root project's cache prefix, as it always was
SARIF_CATEGORY = "qa-actions"
REPORT_ARTIFACT = "qa-report"
CHECK_PREFIX = "qa"
NIGHTLY_KEY = "nightly"
NIGHTLY_TITLE = "Nightly QA run failed"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_ARTIFACT_PREFIX = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_SHARD = re.compile(r"^[1-9][0-9]{0,3}$")


def normalised_dir(project_dir: str) -> str:
    """`project-dir` as a clean relative POSIX path, "" for the root; refused when it could mislead."""
    if _CONTROL.search(project_dir):
        raise QaError("project-dir: a line break or control character is not allowed")
    text = project_dir.strip()
    if text.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", text):
        raise QaError(f"project-dir: {text!r} is absolute; expected a folder relative to the workspace")
    path = posixpath.normpath(text or ".")
    if path == ".." or path.startswith("../"):
        raise QaError(f"project-dir: {text!r} leads out of the workspace")
    return "" if path == "." else path


def project_key(project_dir: str) -> str:
    """The slug that tells a project's names apart: "" for the root, `services/a` -> `services-a`."""
    path = normalised_dir(project_dir)
    if not path:
        return ""
    plain = path.replace("/", "-")
    slug = re.sub("-{2,}", "-", _UNSAFE.sub("-", plain)).strip("-.")
    if slug == plain and len(slug) <= MAX_KEY:
        return slug
    digest = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]
    head = slug[:MAX_KEY - HASH_CHARS - 1].rstrip("-.")
    return f"{head}-{digest}" if head else digest


def chosen_text(value: str | None, what: str) -> str | None:
    """A comment key or check prefix the caller chose: one short line, or refused."""
    if value is None or not value.strip():
        return None
    if _CONTROL.search(value):
        raise QaError(f"{what}: a line break or control character is not allowed")
    if len(value) > MAX_NAME_TEXT:
        raise QaError(f"{what}: at most {MAX_NAME_TEXT} characters")
    return value.strip()


@dataclass(frozen=True)
class ProjectNames:
    """Every name of one project's reports; `ProjectNames("")` is the root project's (today's names)."""

    path: str = ""  # normalised project-dir, "" at the root
    key: str = ""

    @classmethod
    def of(cls, project_dir: str) -> ProjectNames:
        """From `project-dir` as the workflow gives it (relative to the workspace)."""
        return cls(normalised_dir(project_dir), project_key(project_dir))

    @classmethod
    def for_project(cls, project: Path, root: Path) -> ProjectNames:
        """For the project folder `project` as seen from `root` (the workspace, else the current
        folder); a project outside `root` is named like the root."""
        absolute, base = project.resolve(), root.resolve()
        try:
            relative = absolute.relative_to(base).as_posix()
        except ValueError:
            return cls()
        return cls.of(relative)

    def _keyed(self, name: str) -> str:
        return f"{self.key}-{name}" if self.key else name

    @property
    def artifact_prefix(self) -> str:
        """Tier and scan artifacts: `qa-results-<tier>`, or `services-a-qa-results-<tier>`: the key
        goes first, so that the root's pattern `qa-results-*` matches no other project's artifact."""
        return self._keyed(RESULTS_DIR)

    @property
    def artifact_pattern(self) -> str:
        return f"{self.artifact_prefix}-*"

    @property
    def security_artifact(self) -> str:
        return f"{self.artifact_prefix}-security"

    @property
    def report_artifact(self) -> str:
        return self._keyed(REPORT_ARTIFACT)

    @property
    def history_cache_prefix(self) -> str:
        """`restore-keys` of the history cache; a key never holds `--`, so `services-a--` cannot
        restore `services-a-b`'s history."""
        return f"qa-history-{self.key}--" if self.key else ROOT_HISTORY_CACHE

    @property
    def sarif_category(self) -> str:
        return f"{SARIF_CATEGORY}-{self.key}" if self.key else SARIF_CATEGORY

    @property
    def check_prefix(self) -> str:
        """Check runs are `<prefix> / <tier>`: `qa / unit`, or `qa / services-a / unit`."""
        return f"{CHECK_PREFIX} / {self.key}" if self.key else CHECK_PREFIX

    def marker_key(self, workflow_job: str) -> str:
        """The comment's marker `<workflow>:<job>`, with `:<key>` for a project in a sub-folder."""
        return f"{workflow_job}:{self.key}" if self.key else workflow_job

    @property
    def nightly_key(self) -> str:
        return f"{NIGHTLY_KEY}:{self.key}" if self.key else NIGHTLY_KEY

    @property
    def nightly_title(self) -> str:
        return f"{NIGHTLY_TITLE}: {self.path}" if self.path else NIGHTLY_TITLE

    def tier_artifact(self, tier: str, shard: int = 1, shards: int = 1, prefix: str | None = None) -> str:
        """`<prefix>-<tier>`, or `<prefix>-<tier>-<K>-of-<N>` for a shard."""
        base = f"{prefix or self.artifact_prefix}-{tier}"
        return base if shards == 1 else f"{base}-{shard}-of-{shards}"

    def outputs(self) -> dict[str, str]:
        """What `qa names` sets as step outputs."""
        return {"project-key": self.key, "project-path": self.path, "artifact-prefix": self.artifact_prefix,
                "artifact-pattern": self.artifact_pattern, "security-artifact": self.security_artifact,
                "report-artifact": self.report_artifact, "history-cache-prefix": self.history_cache_prefix,
                "sarif-category": self.sarif_category}


def tier_artifact_name(names: ProjectNames, tier: str, shard: str, shards: str, prefix: str | None) -> str:
    """The test-tier action's artifact name, from its inputs as text: each checked before it is used."""
    if not TIER_NAME.fullmatch(tier):
        raise QaError("tier: expected a tier name (a-z, 0-9, _ and -, at most 32)")
    if not (_SHARD.match(shard) and _SHARD.match(shards)):
        raise QaError("shard and shards: expected numbers")
    if prefix is not None and not _ARTIFACT_PREFIX.match(prefix):
        raise QaError("artifact-prefix: expected letters, digits, '.', '_' and '-'")
    return names.tier_artifact(tier, int(shard), int(shards), prefix)
