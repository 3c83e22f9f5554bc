"""Scrubbing of everything qa-actions posts or writes for others to read: secrets, then personal data.

Test output is the leak: a failing test prints a connection URL with its password, a token from the
environment, a user's e-mail address. Secrets are found three ways: the values of environment
variables whose names say they are secret, well-known token formats, and credentials in URLs and
assignments. Personal data is masked by `pii.mask_pii`, the one detector table of the project.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .pii import mask_pii

T = TypeVar("T")

SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY",
                         re.IGNORECASE)
MIN_SECRET_VALUE = 6  # shorter values ("1", "true") would mask ordinary words

# well-known token formats; each match is replaced whole
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
    "private-key": r"(?s:-----BEGIN[A-Z ]*PRIVATE KEY-----(?:.*?-----END[A-Z ]*PRIVATE KEY-----|.*))",
}
# a secret next to what names it (URL user, header, `password = `): only the part named `value` is replaced
LABELLED_SECRETS: dict[str, tuple[str, str]] = {
    "password": (r"(?<=://)[^\s/:@'\"]+:", r"[^\s/@'\"]+(?=@)"),
    "credentials": (r"(?i:\b(?:proxy-)?authorization\s*[:=]\s*(?:bearer\s+|token\s+|basic\s+)?)",
                    r"[A-Za-z0-9._~+/=-]{8,}"),
    "secret": (r"(?i:(?:password|passwd|secret|token|api[_-]?key|access[_-]?key)\w*['\"]?\s*[:=]\s*['\"]?)",
               r"[^\s'\",;&]{6,}"),
}


_TOKENS = [(kind, re.compile(pattern)) for kind, pattern in TOKEN_FORMATS.items()]
_LABELLED = [(kind, re.compile(f"({label})({value})")) for kind, (label, value) in LABELLED_SECRETS.items()]
# a text holding none of these (lower-cased) matches none of the patterns above: most texts are
# skipped after a few substring searches, which cost far less than the regular expressions
TRIGGERS = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "akia", "asia", "agpa", "aida", "aroa", "anpa",
            "xox", "hooks.slack", "aiza", "glpat-", "k_live_", "k_test_", "sk-", "npm_", "pypi-", "eyj", "-----begin",
            "://", "authorization", "passw", "secret", "token", "key")


def removed(kind: str) -> str:
    return f"[{kind} removed]"


@dataclass(frozen=True)
class Scrubber:
    """Scrubs text; `secret_values` are the exact strings to mask wherever they appear."""

    secret_values: tuple[str, ...] = ()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Scrubber:
        """Mask the values of variables named like *TOKEN*, *SECRET*, *PASSWORD*, *API_KEY*…"""
        values = {v for k, v in environ.items() if SECRET_NAME.search(k) and len(v.strip()) >= MIN_SECRET_VALUE}
        return cls(tuple(sorted(values, key=len, reverse=True)))

    def secrets(self, text: str) -> str:
        """`text` without secrets (values from the environment, token formats, labelled credentials)."""
        return self._secrets(text) if self._suspects([text]) else text

    def values(self, text: str) -> str:
        """Only the exact secret values: a cheap last pass over texts rendered from scrubbed input."""
        for value in self.secret_values:
            text = text.replace(value, removed("secret"))
        return text

    def _secrets(self, text: str) -> str:
        text = self.values(text)
        for kind, pattern in _TOKENS:
            text = pattern.sub(removed(kind), text)
        for kind, pattern in _LABELLED:
            text = pattern.sub(lambda m, kind=kind: m[1] + removed(kind), text)
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
        for needle, haystack in [*((t, lowered) for t in TRIGGERS), *((v, joined) for v in self.secret_values)]:
            position = haystack.find(needle)
            while position != -1:
                index = bisect.bisect_right(starts, position) - 1
                found.add(texts[index])
                position = haystack.find(needle, starts[index + 1])  # on to the next text
        return found


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

