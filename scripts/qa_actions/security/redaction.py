"""Keep secrets bandit quotes out of everything qa writes and posts.

bandit's hardcoded-password rules put the password itself in the message ("Possible hardcoded
password: 'hunter2'"); that message would travel to results.json, .errors/, SARIF alerts and PR
comments. The value is replaced before any of them see it, in findings and baseline entries alike,
so baselines still match.
"""

from __future__ import annotations

import re

SECRET_RULES = frozenset({"B105", "B106", "B107"})
_QUOTED = re.compile(r"(:\s*)(['\"]).*\2\s*$", re.S)


def redact(rule: str, message: str) -> str:
    if rule not in SECRET_RULES:
        return message
    return _QUOTED.sub(r"\1\2[redacted]\2", message)
