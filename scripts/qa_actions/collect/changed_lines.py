"""Coverage of the lines a change touched: `git diff` against the base, intersected with the tiers' coverage.

A small intersection over coverage.py's JSON rather than diff-cover: the tiers already write that
JSON (diff-cover would want XML or LCOV, one more report per tier, parsed from possibly untrusted
input), the union across tiers and the ranges for annotations are a few lines here, and it is one
dependency fewer in every consumer's job.
"""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

from ..errors import QaError
from ..fsutil import read_limited
from ..model import ChangedFile, ChangedLinesResult, LineRange, RunResult
from ..text import clip
from .coverage import FileLines, read_line_coverage
from .gitdiff import added_lines

GIT_TIMEOUT_S = 120
MAX_SOURCE_LINES = 200  # uncovered lines whose text is kept, per file (the job summary lists them)
MAX_SOURCE_CHARS = 200  # of each such line
MAX_SOURCE_BYTES = 8 * 1024 * 1024  # a changed file larger than this keeps no text
FETCH_HINT = "set `fetch-depth: 0` on actions/checkout so the base commit is there"


class GitUnavailable(Exception):
    """The diff cannot be computed here; the message tells the user what to change."""


def measure_changed_lines(project: Path, results: Path, run: RunResult, gate: float | None,
                          base: str | None, head: str | None = None) -> ChangedLinesResult | None:
    """The changed-lines result for `run`, or None when the gate is off.

    `head`: the commit whose change is measured, when it is not the checkout (a fork's report job
    checks out the base branch and fetches the pull request's commits as data)."""
    if gate is None:
        return None
    reports = [results / t.coverage.report for t in run.tiers.values() if t.coverage and t.coverage.report]
    if not base:
        return ChangedLinesResult("skipped", gate, reason="no base commit to compare with (not a pull request "
                                  "or push; locally, pass --base REF)")
    if not reports:
        return ChangedLinesResult("skipped", gate, base=base, reason="no tier measures coverage")
    checkout = head is None
    try:
        git = Git(project)
        merge_base = git.merge_base(base, head or "HEAD")
        diff = git.diff(merge_base, head)
        head = git.commit(head or "HEAD")
    except GitUnavailable as exc:
        return ChangedLinesResult("unavailable", gate, base=base, reason=str(exc))
    coverage = union_coverage(reports, project)
    result = intersect(added_lines(diff), coverage)
    result.gate, result.base, result.head = gate, merge_base, head
    if checkout:  # the text of the uncovered lines is the checkout's only when the checkout is what was measured
        add_source(result, project)
    return result


def add_source(result: ChangedLinesResult, project: Path) -> None:
    """Keep the text of each uncovered changed statement, for the job summary's line-by-line list."""
    root = project.resolve()
    for changed in result.files:
        path = (root / changed.file).resolve()
        wanted = [n for r in changed.uncovered for n in range(r.start, r.end + 1)][:MAX_SOURCE_LINES]
        if not wanted or not path.is_relative_to(root) or not path.is_file():
            continue
        try:
            lines = read_limited(path, MAX_SOURCE_BYTES).splitlines()
        except (OSError, QaError, UnicodeDecodeError):
            continue  # the numbers are still listed, without their text
        changed.source = {str(n): clip(lines[n - 1].rstrip(), MAX_SOURCE_CHARS) for n in wanted
                          if n <= len(lines) and lines[n - 1].strip()}


def union_coverage(reports: list[Path], project: Path) -> dict[str, FileLines]:
    """A line is covered when any tier ran it; file names made relative to the project."""
    root = project.resolve()
    union: dict[str, FileLines] = {}
    for report in reports:
        for name, lines in read_line_coverage(report).items():
            path = project_relative(name, root)
            if path is not None:
                union.setdefault(path, FileLines()).add(lines)
    return union


def project_relative(name: str, root: Path) -> str | None:
    path = Path(name)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(root)
        except ValueError:
            return None
    return PurePosixPath(path.as_posix()).as_posix().removeprefix("./")


def intersect(changed: dict[str, set[int]], coverage: dict[str, FileLines]) -> ChangedLinesResult:
    """Changed statements, how many ran, and the uncovered ones as ranges (a range spans no other statement)."""
    files = []
    for path in sorted(changed):
        lines = coverage.get(path)
        if lines is None:
            continue
        statements = sorted(changed[path] & lines.statements)
        if not statements:
            continue
        uncovered = [n for n in statements if n not in lines.executed]
        files.append(ChangedFile(path, len(statements), len(statements) - len(uncovered),
                                 line_ranges(uncovered, lines.statements)))
    total = sum(f.statements for f in files)
    covered = sum(f.covered for f in files)
    percent = round(covered / total * 100, 2) if total else None
    return ChangedLinesResult("measured", percent=percent, statements=total, covered=covered, files=files)


def line_ranges(lines: list[int], statements: set[int]) -> list[LineRange]:
    """Group sorted `lines` into ranges of consecutive statements (blank lines and comments do not split)."""
    position = {line: index for index, line in enumerate(sorted(statements))}
    ranges: list[LineRange] = []
    for line in lines:
        if ranges and position[line] == position[ranges[-1].end] + 1:
            ranges[-1].end = line
        else:
            ranges.append(LineRange(line, line))
    return ranges


class Git:
    """The few git questions changed-lines coverage asks, each failing with a message for the user."""

    def __init__(self, project: Path) -> None:
        self.project = project
        if self._try("rev-parse", "--is-inside-work-tree") != "true":
            raise GitUnavailable(f"{project} is not inside a git checkout, so the changed lines are unknown")

    def commit(self, ref: str) -> str:
        return self._out("rev-parse", "--verify", f"{ref}^{{commit}}").strip()

    def merge_base(self, base: str, head: str = "HEAD") -> str:
        """Where the change started: the merge base of `base` and `head`."""
        shallow = self._try("rev-parse", "--is-shallow-repository") == "true"
        for what, ref in (("base", base), ("head", head)):
            if ref.startswith("-"):
                raise GitUnavailable(f"`{ref}` is not a commit")
            if self._try("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is None:
                where = "this shallow checkout" if shallow else "this checkout"
                raise GitUnavailable(f"the {what} commit {ref[:12]} is not in {where}: {FETCH_HINT}")
        found = self._try("merge-base", base, head)
        if found is None:
            hint = FETCH_HINT if shallow else "fetch the full history of both branches"
            raise GitUnavailable(f"{base[:12]} and {head[:12]} share no history in this checkout: {hint}")
        return found

    def diff(self, since: str, until: str | None = None) -> str:
        """`until` (default: the working tree) against `since`, paths relative to the project, renames followed."""
        return self._out("diff", "--no-color", "--no-ext-diff", "--no-textconv", "--unified=0", "--find-renames",
                         "--src-prefix=a/", "--dst-prefix=b/", "--relative", since, *([until] if until else []),
                         "--", ".")

    def name_status(self, since: str, until: str | None = None) -> list[tuple[str, str, str | None]]:
        """(status letter, path, path at `since` for a rename or copy) of every changed file, relative paths."""
        out = self._out("diff", "--no-color", "--no-ext-diff", "--name-status", "-z", "--find-renames",
                        "--relative", since, *([until] if until else []), "--", ".")
        fields, found = out.split("\0"), []
        index = 0
        while index < len(fields) and fields[index]:
            status = fields[index][:1]
            if status in ("R", "C"):
                found.append((status, fields[index + 2], fields[index + 1]))
                index += 3
            else:
                found.append((status, fields[index + 1], None))
                index += 2
        return found

    def untracked(self) -> list[str]:
        """Files of the working tree git does not track and does not ignore, relative to the project."""
        out = self._out("ls-files", "--others", "--exclude-standard", "-z", "--", ".")
        return [path for path in out.split("\0") if path]

    def show(self, commit: str, path: str) -> str | None:
        """The text of `path` (relative to the project) at `commit`, or None when it is not there."""
        return self._try_raw("show", f"{commit}:./{path}")

    def commit_distance(self, ancestor: str, descendant: str) -> int | None:
        """Commits from `ancestor` to `descendant`, or None when `ancestor` is not in its history."""
        if self._try("merge-base", "--is-ancestor", ancestor, descendant) is None:
            return None
        found = self._try("rev-list", "--count", f"{ancestor}..{descendant}")
        return int(found) if found and found.isdigit() else None

    def _try_raw(self, *args: str) -> str | None:
        done = self._run(args)
        return done.stdout if done.returncode == 0 else None

    def _try(self, *args: str) -> str | None:
        """Stripped output, or None when git says no."""
        done = self._run(args)
        return done.stdout.strip() if done.returncode == 0 else None

    def _out(self, *args: str) -> str:
        done = self._run(args)
        if done.returncode != 0:
            message = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
            raise GitUnavailable(f"`git {args[0]}` failed: {message[0]}")
        return done.stdout

    def _run(self, args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(["git", "-c", "core.quotePath=true", *args], cwd=self.project,
                                  capture_output=True, text=True, encoding="utf-8", errors="replace",
                                  timeout=GIT_TIMEOUT_S, check=False)
        except FileNotFoundError:
            raise GitUnavailable("git is not installed, so the changed lines are unknown") from None
        except subprocess.TimeoutExpired:
            raise GitUnavailable(f"`git {args[0]}` took longer than {GIT_TIMEOUT_S} s") from None
