"""The installed `qa` command answers: help on every sub-command, version, clear usage errors."""

import subprocess

import pytest

from qa_actions import __version__
from qa_actions.cli import cli

COMMANDS = sorted(cli.list_commands(None))


def test_version(run_qa) -> None:
    done = run_qa("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"qa, version {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(run_qa, command: str) -> None:
    done = run_qa(command, "--help")
    assert done.returncode == 0
    assert done.stdout.startswith(f"Usage: qa {command}")


def test_console_script_is_installed() -> None:
    done = subprocess.run(["qa", "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "collect" in done.stdout


@pytest.mark.parametrize(("args", "message"), [(("frobnicate",), "No such command 'frobnicate'"),
                                                (("tier",), "Missing argument 'NAME'")])
def test_usage_errors_exit_2_without_traceback(run_qa, args: tuple[str, ...], message: str) -> None:
    done = run_qa(*args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
