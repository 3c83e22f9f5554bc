"""Errors that reach the user as one clear line instead of a traceback."""

from __future__ import annotations

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_USAGE = 2


class QaError(Exception):
    """A usage, configuration or input problem: the CLI prints the message and exits 2."""

    exit_code = EXIT_USAGE


class ConfigError(QaError):
    """Invalid `[tool.qa]` configuration; the message names the key and the file."""


class InputError(QaError):
    """A malformed or hostile input file (JUnit XML, coverage JSON, results.json)."""
