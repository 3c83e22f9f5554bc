"""Issue 16, finding 4: text from the results cannot issue workflow commands, and values written to
$GITHUB_OUTPUT / $GITHUB_ENV cannot break out of their line or here-document.

`runner_commands` and `runner_values` read a log and a file the way the Actions runner does, so the
tests check what the runner would obey, not how we happen to spell the defence.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from qa_actions.errors import InputError
from qa_actions.github_env import log_text, output_text, single_line, untrusted, warning_command
from qa_actions.model import Counts, ExperimentResult, Failure, RunInfo, RunResult, TierResult, save_results

REPO = Path(__file__).resolve().parents[2]
HOSTILE = ["\n::warning title=pwned::from a test name", "\r\n::add-mask::qa", "::stop-commands::x\n::error::y",
           "  ::set-output name=verdict::passed", "text ##[warning]v1 command mid-line", "\u2028::debug::z"]


def runner_commands(log: str) -> list[str]:
    """The workflow commands the runner would obey in `log` (its own parsing, simplified).

    A line is a command when, trimmed, it starts with `::` (v2) or holds `##[` anywhere (v1); after
    `::stop-commands::<token>` nothing is a command until a line that is exactly `::<token>::`.
    """
    obeyed: list[str] = []
    stopped: str | None = None
    for raw in log.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if stopped is not None:
            if line.lower() == f"::{stopped}::":
                stopped = None
            continue
        if line.startswith("::stop-commands::"):
            stopped = line.removeprefix("::stop-commands::").lower()
            obeyed.append(line)
        elif line.startswith("::") or "##[" in line:
            obeyed.append(line)
    return obeyed


def runner_values(text: str) -> dict[str, str]:
    """$GITHUB_OUTPUT as the runner reads it: `name=value` lines and `name<<DELIMITER` here-documents."""
    values: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].removesuffix("\r")
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body: list[str] = []
            while lines[i].removesuffix("\r") != delimiter:
                body.append(lines[i])
                i += 1
            i += 1
            values[name] = "\n".join(body)
        else:
            name, value = line.split("=", 1)
            values[name] = value
    return values


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_printed_in_actions_is_a_command(text: str) -> None:
    assert runner_commands(text), "the case must be a command when printed as it is"
    printed = log_text(f"tier {text}\nmore", in_actions=True)
    assert runner_commands(printed) == [printed.splitlines()[0]] and printed.startswith("::stop-commands::")
    assert log_text(text, in_actions=False) == text


def test_the_stop_token_is_fresh_and_not_in_the_text() -> None:
    first, second = log_text("a", True), log_text("a", True)
    token = first.splitlines()[0].removeprefix("::stop-commands::")
    assert token != second.splitlines()[0].removeprefix("::stop-commands::") and len(token) >= 32
    assert first.splitlines()[-1] == f"::{token}::"
    assert log_text("line\n", True).endswith("::\n") and untrusted("x", {}) == "x"


def test_our_own_warnings_stay_one_command() -> None:
    command = warning_command("qa: publish, x", "line one\n::error::two %0A")
    assert runner_commands(command) == [command] and "\n" not in command
    assert command.startswith("::warning title=qa%3A publish%2C x::") and "%250A" in command


@pytest.mark.parametrize("value", ["a\nb=evil", "x\r::y", "a\u2028b", "QA_EOF_1\nverdict=passed", "x\x0bverdict=y"])
def test_outputs_cannot_add_values(value: str) -> None:
    text = output_text({"message": value, "verdict": "failed"})
    assert runner_values(text) == {"message": value, "verdict": "failed"}
    assert "\n" not in single_line(value) and "\r" not in single_line(value) and "\u2028" not in single_line(value)


@pytest.mark.parametrize("name", ["a=b", "a<<EOF", "a\nb", "", "1a", "coverage-x y"])
def test_odd_output_names_are_refused(name: str) -> None:
    with pytest.raises(InputError, match="refusing to write"):
        output_text({name: "1"})


def hostile_results(project: Path) -> None:
    """A results folder whose names and messages are written to issue workflow commands."""
    (project / "pyproject.toml").write_text("[tool.qa.tiers.unit]\ncoverage = false\n")
    failure = Failure("tests/test_x.py::test_a[\n::warning ::pwned]", "boom\n::error::from a message")
    unit = TierResult("unit", "failed", Counts(2, 1, 1), failures=[failure],
                      experiments=[ExperimentResult("::warning ::from a title", "f.json", "failed",
                                              reason="\n::add-mask::qa")])
    chaos = TierResult("chaos", "skipped", reason="::error::from a reason\n::warning ::again")
    save_results(RunResult(RunInfo("r", "t"), tiers={"unit": unit, "chaos": chaos}),
                 project / "qa-results" / "results.json")


@pytest.mark.parametrize("command", ["gate", "report", "publish"])
def test_commands_print_results_inertly_in_actions(tmp_path: Path, run_qa, command: str) -> None:
    hostile_results(tmp_path)
    env = {"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(tmp_path / "out"),
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary")}
    done = run_qa(command, "--project", tmp_path, env=env)
    assert done.returncode in (0, 1), done.stderr
    assert "unit" in done.stdout or command != "gate"
    obeyed = runner_commands(done.stdout) + runner_commands(done.stderr)
    assert obeyed and all(line.startswith("::stop-commands::") for line in obeyed)
    assert set(runner_values((tmp_path / "out").read_text())) >= {"verdict", "tests"}


def test_an_error_quoting_the_results_is_inert(tmp_path: Path, run_qa) -> None:
    (tmp_path / "qa-results").mkdir()
    (tmp_path / "qa-results" / "results.json").write_text('{"schema": "\\n::warning ::from an error"}')
    done = run_qa("report", "--project", tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert done.returncode == 2 and "qa: error:" in done.stderr
    assert [line.split("::")[1] for line in runner_commands(done.stderr)] == ["stop-commands"]


def action_step(action: str, name: str) -> dict:
    steps = YAML(typ="safe").load((REPO / "actions" / action / "action.yml").read_text())["runs"]["steps"]
    return next(step for step in steps if step["name"] == name)


def run_step(step: dict, tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """The step's script under bash with its `env:` as the inputs would make it."""
    out = tmp_path / "github_output"
    out.write_text("")
    values = {"project-dir": ".", "results-dir": "qa-results", "shard": "1", "shards": "1",
              "artifact-prefix": "", **inputs}
    env = {name: str(spec).replace("${{ inputs.project-dir }}/${{ inputs.results-dir }}",
                                   f"{values['project-dir']}/{values['results-dir']}")
           for name, spec in step["env"].items()}
    for name, spec in list(env.items()):
        if spec.startswith("${{ inputs.") and spec.endswith(" }}"):
            env[name] = values[spec.removeprefix("${{ inputs.").removesuffix(" }}")]
    qa = tmp_path / "qa"  # what the setup action exports as QA
    qa.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m qa_actions "$@"\n')
    qa.chmod(0o755)
    done = subprocess.run(["bash", "-e", "-c", step["run"]], capture_output=True, text=True, check=False,
                          env={**os.environ, **env, "GITHUB_OUTPUT": str(out), "QA": str(qa)})
    return done, runner_values(out.read_text())


def test_test_tier_names_its_results(tmp_path: Path) -> None:
    step = action_step("test-tier", "Name the results")
    done, values = run_step(step, tmp_path, tier="unit", shard="2", shards="4")
    assert done.returncode == 0, done.stdout
    assert values["results-dir"] == "./qa-results" and values["artifact-name"] == "qa-results-unit-2-of-4"
    assert run_step(step, tmp_path, tier="unit")[1]["artifact-name"] == "qa-results-unit"
    assert run_step(step, tmp_path, tier="unit", **{"artifact-prefix": "blocks"})[1]["artifact-name"] == "blocks-unit"
    # a project in a sub-folder: its artifacts carry the project key (qa names)
    sub = run_step(step, tmp_path, tier="unit", **{"project-dir": "services/a"})[1]
    assert (sub["results-dir"], sub["artifact-name"]) == ("services/a/qa-results", "services-a-qa-results-unit")


@pytest.mark.parametrize("inputs", [{"tier": "unit\nverdict=passed"}, {"tier": "Unit"}, {"tier": "a" * 40},
                                    {"tier": "unit", "shard": "1\nx=y"}, {"tier": "unit", "artifact-prefix": "a\nb"},
                                    {"tier": "unit", "results-dir": "r\nartifact-name=evil"},
                                    {"tier": "unit", "project-dir": "../elsewhere"}])
def test_test_tier_refuses_inputs_that_would_break_out(tmp_path: Path, inputs: dict[str, str]) -> None:
    done, values = run_step(action_step("test-tier", "Name the results"), tmp_path, **inputs)
    assert done.returncode == 2 and values == {}
    # qa names refuses in one line; a line break in the results folder, bash before it
    assert done.stderr.startswith("qa: error: ") or done.stdout.startswith("::error title=qa-actions test-tier::")
    assert len((done.stderr + done.stdout).strip().splitlines()) == 1


def test_long_or_odd_tier_names_still_make_valid_output_names() -> None:
    from qa_actions.render.outputs import render_outputs

    name = "x\n=" + "y" * 300
    run = RunResult(RunInfo("r", "t"), tiers={name: TierResult(name, "passed", Counts(1, 1))})
    assert set(runner_values(output_text(render_outputs(run)))) >= {"verdict", "coverage-x--" + "y" * 61}
