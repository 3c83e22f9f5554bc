"""Scrubbing of everything qa-actions writes or posts: secrets at the point of writing, personal data
when a report is rendered.

Test output is the leak: a failing test prints a connection URL with its password, a token from the
environment, a user's e-mail address, and that text lands in `results.json`, `.errors/`, the history
and every artifact uploaded from them. So every file qa-actions writes passes through `write_text`
here, and the files the tools write (JUnit, journals, logs) through `scrub_file` as soon as the tool
has finished. Secrets are found three ways: the values of environment variables whose names say
they are secret (and their encoded and truncated forms), well-known token formats, and credentials
in URLs and assignments. Personal data is masked by `pii.mask_pii`, the one detector table of the
project, when a report is rendered.
"""

from __future__ import annotations

import base64
import bisect
import dataclasses
import fnmatch
import html
import itertools
import json
import os
import re
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .fsutil import atomic_write_text
from .pii import mask_pii

T = TypeVar("T")

# the words of a variable name that say its value is secret (GITHUB_TOKEN, DB_PASS, apiKey, AWS_SECRET_ACCESS_KEY)
SECRET_WORDS = frozenset({"token", "tokens", "secret", "secrets", "password", "passwd", "passphrase", "pass", "pwd",
                          "key", "keys", "salt", "pat", "credential", "credentials", "cred", "creds", "auth",
                          "private", "apikey", "accesskey", "secretkey", "privatekey"})
# whole words that end like a secret word: GHTOKEN, DBPASSWORD, MYSECRET
SECRET_WORD_ENDINGS = ("token", "secret", "password", "passwd", "apikey")
# the shell's working directories, not passwords; qa's own settings whose names hold a secret word
NOT_SECRET_NAMES = frozenset({"PWD", "OLDPWD", "QA_COMMENT_KEY"})
MIN_SECRET_VALUE = 6  # shorter values ("1", "true") would mask ordinary words
MIN_FRAGMENT = 4  # the shortest piece of a secret kept beside a truncation mark ("abcd...") that is masked
ELLIPSES = ("...", "\u2026")

# well-known token formats; each match is replaced whole. Their characters never include quotes,
# backslashes or angle brackets, so a match never spans the structure of the JSON or XML it sits in.
TOKEN_FORMATS: dict[str, str] = {
    "github-token": r"\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})\b",
    "aws-access-key": r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b",
    "slack-token": r"\bxox[abposr]-[A-Za-z0-9-]{10,}",
    "slack-webhook": r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]+",
    "google-api-key": r"\bAIza[0-9A-Za-z_-]{35}\b",
    "gitlab-token": r"\bglpat-[A-Za-z0-9_-]{20,}",
    "stripe-key": r"\b[rsp]k_(?:live|test)_[A-Za-z0-9]{16,}\b",
    "openai-key": r"\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}",
    "npm-token": r"\bnpm_[A-Za-z0-9]{36}\b",
    "pypi-token": r"\bpypi-AgE[A-Za-z0-9_-]{50,}",
    "jwt": r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
    # a PEM block, its lines broken by real or escaped (\n in JSON, &#10; in XML) newlines; without an
    # END line (a truncated message), as far as the base64 body goes
    "private-key": r"-----BEGIN[A-Z ]*PRIVATE KEY-----(?:[^<>\"']*?-----END[A-Z ]*PRIVATE KEY-----"
                   r"|(?:[A-Za-z0-9+/=:,\s-]|\\[nr]|&#1[03];)*)",
    # a token cut short by pytest's repr ("ghp_abcd...wxyz"): what is left of it on both sides of the mark
    "token-fragment": r"\b(?:gh[pousr]_|github_pat_|xox[abposr]-|glpat-|npm_|pypi-|sk-|eyJ|AKIA|ASIA)"
                      r"[A-Za-z0-9_.-]*?(?:\.\.\.|\u2026)[A-Za-z0-9_-]*",
}
# a secret next to what names it (URL user, header, `password = `): only the part named `value` is replaced
LABELLED_SECRETS: dict[str, tuple[str, str]] = {
    "password": (r"(?<=://)[^\s/:@'\"\\<>]+:", r"[^\s/@'\"\\<>\[\]]+(?=@)"),
    "credentials": (r"(?i:\b(?:proxy-)?authorization[ \t]*[:=][ \t]*(?:bearer[ \t]+|token[ \t]+|basic[ \t]+)?)",
                    r"[A-Za-z0-9._~+/=-]{8,}"),
    # the label starts a word (DB_PASSWORD= and token: count, asttokens==3.0 does not)
    # on one line: `secrets:` opening a YAML block does not label the next line's text
    "secret": (r"(?i:(?<![A-Za-z0-9])(?:password|passwd|secret|token|api[_-]?key|access[_-]?key)\w*['\"]?[ \t]*[:=]"
               r"[ \t]*['\"]?)", r"(?!=)[^\s'\",;&\\<>\[\]]{6,}"),
}


_TOKENS = [(kind, re.compile(pattern)) for kind, pattern in TOKEN_FORMATS.items()]
_LABELLED = [(kind, re.compile(f"({label})({value})")) for kind, (label, value) in LABELLED_SECRETS.items()]
# a text holding none of these (lower-cased) matches none of the patterns above: most texts are
# skipped after a few substring searches, which cost far less than the regular expressions
TRIGGERS = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "akia", "asia", "agpa", "aida", "aroa", "anpa",
            "xox", "hooks.slack", "aiza", "glpat-", "k_live_", "k_test_", "sk-", "npm_", "pypi-", "eyj", "-----begin",
            "://", "authorization", "passw", "secret", "token", "key")
_NAME_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def removed(kind: str) -> str:
    return f"[{kind} removed]"


def is_secret_name(name: str, extra: Iterable[str] = ()) -> bool:
    """Whether a variable's name says its value is secret: one of its words is (`DB_PASS`, `apiKey`,
    `GITHUB_TOKEN`), or it matches a name, word or glob of `[tool.qa] secret-names` (`extra`)."""
    if name.upper() in NOT_SECRET_NAMES:
        return False
    words = [w.lower() for w in _NAME_WORDS.findall(name)]
    if any(w in SECRET_WORDS or w.endswith(SECRET_WORD_ENDINGS) for w in words):
        return True
    for pattern in extra:
        pattern = pattern.lower()
        if pattern in words or fnmatch.fnmatchcase(name.lower(), pattern):
            return True
    return False


def encoded_forms(value: str) -> set[str]:
    """The forms a secret takes in what we write: itself, base64, URL-encoded, hex, and escaped the way
    JSON, XML and Python's repr escape it."""
    raw = value.encode("utf-8", "surrogatepass")
    b64 = base64.b64encode(raw).decode()
    forms = {value, b64, b64.rstrip("="), base64.urlsafe_b64encode(raw).decode().rstrip("="),
             urllib.parse.quote(value, safe=""), urllib.parse.quote_plus(value), raw.hex(), raw.hex().upper(),
             json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1], html.escape(value),
             html.escape(value, quote=False), repr(value)[1:-1]}
    return {form for form in forms if len(form) >= MIN_SECRET_VALUE}


@dataclass(frozen=True)
class Scrubber:
    """Scrubs text; `secret_values` are the exact strings to mask wherever they appear."""

    secret_values: tuple[str, ...] = ()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], names: Iterable[str] = (),
                     values: Iterable[str] = ()) -> Scrubber:
        """Mask the values of variables whose names look secret (`is_secret_name`), each line of a
        multi-line value on its own, in every encoded form, plus `values` (the actions' secret inputs)."""
        names = tuple(names)
        secrets = [v for k, v in environ.items() if is_secret_name(k, names)] + list(values)
        found: set[str] = set()
        for secret in secrets:
            for line in {secret, *secret.splitlines()}:
                if len(line.strip()) >= MIN_SECRET_VALUE:
                    found |= encoded_forms(line.strip()) | encoded_forms(line)
        return cls(tuple(sorted(found, key=len, reverse=True)))

    def secrets(self, text: str) -> str:
        """`text` without secrets (values from the environment, token formats, labelled credentials)."""
        return self._secrets(text) if self._suspects([text]) else text

    def values(self, text: str) -> str:
        """Only the exact secret values: a cheap last pass over texts rendered from scrubbed input."""
        for value in self.secret_values:
            text = text.replace(value, removed("secret"))
        return text

    def _secrets(self, text: str) -> str:
        text = self._fragments(self.values(text))
        for kind, pattern in _TOKENS:
            text = pattern.sub(removed(kind), text)
        for kind, pattern in _LABELLED:
            text = pattern.sub(lambda m, kind=kind: m[1] + removed(kind), text)
        return text

    def _fragments(self, text: str) -> str:
        """Pieces of a secret on either side of a truncation mark: pytest shortens a long repr in the
        middle (`'s3cr3t-val...ue-1'`), which leaves neither piece equal to the value."""
        if not self.secret_values or not any(mark in text for mark in ELLIPSES):
            return text
        for mark in ELLIPSES:
            position = text.find(mark)
            while position != -1:
                after = position + len(mark)
                start = position - max(_head_before(text, position, v) for v in self.secret_values)
                end = after + max(_tail_after(text, after, v) for v in self.secret_values)
                if (start, end) != (position, after):
                    text = text[:start] + removed("secret") + text[end:]
                    after = start + len(removed("secret"))
                position = text.find(mark, after)
        return text

    def text(self, text: str) -> str:
        """Secrets, then personal data: for text that came from tests, tools and users."""
        return mask_pii(self.secrets(text))

    def model(self, value: T, personal: bool = True) -> T:
        """A copy of a results model (any dataclass tree) with every string scrubbed.

        `personal=False` leaves personal data alone: for our own context (URLs, names of branches).
        """
        strings: list[str] = []
        _map_strings(value, lambda text: strings.append(text) or text)
        suspects = self._suspects(strings)
        finish = mask_pii if personal else str
        return _map_strings(value, lambda text: finish(self._secrets(text) if text in suspects else text))

    def _suspects(self, texts: list[str]) -> set[str]:
        """The texts holding a trigger or a secret value: all texts searched at once, by substring."""
        joined = "\n".join(texts)
        lowered = joined.lower()
        starts = list(itertools.accumulate((len(t) + 1 for t in texts), initial=0))
        found: set[str] = set()
        needles = [*((t, lowered) for t in TRIGGERS), *((v, joined) for v in self.secret_values),
                   *((v[:MIN_FRAGMENT], joined) for v in self.secret_values)]
        for needle, haystack in needles:
            position = haystack.find(needle)
            while position != -1:
                index = bisect.bisect_right(starts, position) - 1
                found.add(texts[index])
                position = haystack.find(needle, starts[index + 1])  # on to the next text
        return found


def _head_before(text: str, position: int, value: str) -> int:
    """The length of the longest start of `value` (MIN_FRAGMENT or more) that ends at `position`."""
    return next((k for k in range(len(value) - 1, MIN_FRAGMENT - 1, -1) if text.endswith(value[:k], 0, position)), 0)


def _tail_after(text: str, position: int, value: str) -> int:
    """The length of the longest end of `value` (MIN_FRAGMENT or more) that starts at `position`."""
    return next((k for k in range(len(value) - 1, MIN_FRAGMENT - 1, -1) if text.startswith(value[-k:], position)), 0)


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return dataclasses.replace(value, **{f.name: _map_strings(getattr(value, f.name), change)
                                             for f in fields if f.init})
    if isinstance(value, list):
        return [_map_strings(item, change) for item in value]
    if isinstance(value, tuple):
        return tuple(_map_strings(item, change) for item in value)
    if isinstance(value, dict):
        return {key: _map_strings(item, change) for key, item in value.items()}
    return value


# -- the one scrubber of a qa process, and the writers that use it ---------------------------------

_names: tuple[str, ...] = ()
_active: Scrubber | None = None
_active_key: tuple[tuple[str, str], ...] = ()
CHUNK_BYTES = 1 << 20  # scrub_file works a megabyte of lines at a time
PEM_CARRY_BYTES = 1 << 20  # how far a chunk is extended to reach the END of a private key it holds


_announce: Callable[[tuple[str, ...]], None] | None = None


def announce_secrets(callback: Callable[[tuple[str, ...]], None]) -> None:
    """Tell `callback` the secret values now and whenever configured names add more (the CLI masks
    them in the Actions log with `::add-mask::` before anything else is printed)."""
    global _announce
    _announce = callback
    callback(secret_values())


def add_secret_names(names: Iterable[str]) -> None:
    """More names, words or globs whose variables are secret (`[tool.qa] secret-names`)."""
    global _names, _active
    merged = tuple(dict.fromkeys([*_names, *names]))
    if merged != _names:
        before = set(secret_values())
        _names, _active = merged, None
        if _announce is not None:
            _announce(tuple(v for v in secret_values() if v not in before))


def active() -> Scrubber:
    """The scrubber of this process: this environment's secret values and the configured names
    (built again when the secret variables change)."""
    global _active, _active_key
    key = tuple(sorted((k, v) for k, v in os.environ.items() if is_secret_name(k, _names)))
    if _active is None or key != _active_key:
        _active, _active_key = Scrubber.from_environ(dict(key), _names), key
    return _active


def secret_values() -> tuple[str, ...]:
    """The exact secret values of this process (for `::add-mask::`), without their encoded forms."""
    names = _names
    return tuple(sorted({line.strip() for k, v in os.environ.items() if is_secret_name(k, names)
                         for line in v.splitlines() if len(line.strip()) >= MIN_SECRET_VALUE}))


def write_text(path: Path, text: str) -> None:
    """Write one of our files, secrets removed: every file qa-actions writes goes through here."""
    atomic_write_text(path, active().secrets(text))


def scrub_file(path: Path) -> bool:
    """Remove secrets from a file a tool wrote (JUnit XML, a journal, a log), in place; True if changed.

    Works a megabyte of lines at a time, so a large file costs no more memory than that; a chunk
    holding the start of a private key grows until its end. Files that are not UTF-8 text are left.
    """
    scrubber = active()
    changed = False
    temporary = path.with_name(path.name + ".scrub")
    try:
        with path.open("r", encoding="utf-8", newline="") as source, \
                temporary.open("w", encoding="utf-8", newline="") as target:
            for chunk in _chunks(source):
                if "\x00" in chunk:  # a binary file (coverage's SQLite data) that happens to decode
                    raise UnicodeDecodeError("utf-8", b"", 0, 1, "binary")
                clean = scrubber.secrets(chunk)
                changed |= clean != chunk
                target.write(clean)
    except (UnicodeDecodeError, OSError):
        temporary.unlink(missing_ok=True)
        return False
    if changed:
        temporary.replace(path)
    else:
        temporary.unlink()
    return changed


def _chunks(source: Any) -> Iterator[str]:
    lines: list[str] = []
    size = 0
    for line in source:
        lines.append(line)
        size += len(line)
        if size >= CHUNK_BYTES:
            chunk = "".join(lines)
            extra = 0
            while _open_key(chunk) and extra < PEM_CARRY_BYTES:
                more = source.readline()
                if not more:
                    break
                chunk += more
                extra += len(more)
            yield chunk
            lines, size = [], 0
    if lines:
        yield "".join(lines)


def _open_key(chunk: str) -> bool:
    """Whether the chunk's last private-key block has not ended yet."""
    start = chunk.rfind("PRIVATE KEY-----")
    return start != -1 and "-----END" not in chunk[chunk.rfind("-----", 0, start):start] \
        and "-----BEGIN" in chunk[max(0, start - 40):start]


def scrub_tree(folder: Path, skip: Iterable[str] = ()) -> int:
    """Scrub every regular file under `folder` (not through symbolic links; `skip` names top-level
    folders to leave, like the copy of our plugins); the number of files changed."""
    skipped = set(skip)
    changed = 0
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if relative.parts[0] in skipped or path.is_symlink() or not path.is_file():
            continue
        changed += scrub_file(path)
    return changed


class LineScrubber:
    """Scrubs a stream line by line (a tool's live output): a private key spread over lines is
    masked from its BEGIN line to its END line."""

    def __init__(self, scrubber: Scrubber | None = None) -> None:
        self.scrubber = scrubber or active()
        self.in_key = False

    def line(self, text: str) -> str:
        if self.in_key:
            if "PRIVATE KEY-----" in text and "-----END" in text:
                self.in_key = False
            return removed("private-key") + ("\n" if text.endswith("\n") else "")
        if "-----BEGIN" in text and "PRIVATE KEY-----" in text and "-----END" not in text:
            self.in_key = True
        return self.scrubber.secrets(text)
