"""The `qa` command line: one sub-command per step, each usable alone (see docs/design.md).

Sub-commands live in `commands/<name>.py` and are imported only when run, so `qa tier` does not
pay for importing PyGithub or the scanners.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback

import click

from . import __version__
from .errors import EXIT_OK, EXIT_USAGE, QaError
from .github_env import mask_commands
from .scrub import announce_secrets, encoded_forms

# name -> module under qa_actions.commands holding a click command of the same name
COMMANDS = {
    "run": "run",
    "tier": "tier",
    "collect": "collect",
    "gate": "gate",
    "scan": "scan",
    "data": "data",
    "history": "history",
    "dashboard": "dashboard",
    "report": "report",
    "publish": "publish",
    "plan": "plan",
    "plugins": "plugins",
    "init": "init",
    "install": "install",
    "nightly-issue": "nightly_issue",
    "names": "names",
    "impact": "impact",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f".commands.{COMMANDS[name]}", __package__)
        return getattr(module, name.replace("-", "_"))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qa")
def cli() -> None:
    """qa-actions: test tiers, security scans, coverage gates and one report.

    Exit codes: 0 every gate passed, 1 a gate failed, 2 usage or configuration error.
    """


def _mask_in_log(values: tuple[str, ...]) -> None:
    """In Actions, hide the secret values in the job's log (on stderr: stdout may be parsed)."""
    masks = mask_commands([form for value in values for form in (value, *encoded_forms(value))])
    if masks:
        sys.stderr.write(masks)
        sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    """Entry point: one clear line and exit 2 for bad input, never a traceback."""
    announce_secrets(_mask_in_log)
    try:
        code = cli.main(args=argv, prog_name="qa", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        code = EXIT_USAGE
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.Abort:
        click.echo("qa: aborted", err=True)
        code = 130
    except QaError as exc:
        from .github_env import untrusted  # an error may quote a name or value from the results

        click.echo(untrusted(f"qa: error: {exc}"), err=True)
        code = exc.exit_code
    except KeyboardInterrupt:
        click.echo("qa: interrupted", err=True)
        code = 130
    except Exception as exc:
        if os.environ.get("QA_DEBUG"):
            traceback.print_exc()
        click.echo(f"qa: internal error: {type(exc).__name__}: {exc} (set QA_DEBUG=1 for the traceback)", err=True)
        code = EXIT_USAGE
    return code if isinstance(code, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
