"""Judging chaostoolkit journals: the verdict, the problem code and the probe's details, for every shape."""

import json
from pathlib import Path

import pytest

from qa_actions.collect.chaos_journal import judge, read_experiment
from qa_actions.errors import InputError
from qa_actions.manifest import ExperimentRun


def probe(name: str, met: bool, output: object = True, status: str = "succeeded",
          exception: list | None = None) -> dict:
    record = {"activity": {"type": "probe", "name": name, "tolerance": True,
                           "provider": {"type": "python", "module": "m", "func": "f"}},
              "output": output, "status": status, "tolerance_met": met, "duration": 0.01}
    if exception:
        record["exception"] = exception
    return record


def action(name: str, status: str = "succeeded", process_status: int | None = None, stderr: str = "") -> dict:
    provider = {"type": "process", "path": "sh"} if process_status is not None else {"type": "python"}
    output = {"status": process_status, "stdout": "", "stderr": stderr} if process_status is not None else None
    return {"activity": {"type": "action", "name": name, "provider": provider}, "output": output, "status": status}


def journal(before: bool = True, after: bool | None = True, status: str = "completed", deviated: bool = False,
            run: list | None = None, rollbacks: list | None = None, after_probe: dict | None = None) -> dict:
    return {
        "experiment": {"title": "Service survives"}, "status": status, "deviated": deviated, "duration": 1.25,
        "steady_states": {
            "before": {"steady_state_met": before, "probes": [probe("up", before)]},
            "after": None if after is None else {"steady_state_met": after,
                                                 "probes": [after_probe or probe("up", after, output=after)]},
            "during": []},
        "run": run or [action("inject")], "rollbacks": rollbacks or [],
    }


def test_holding_experiment_passes() -> None:
    result, failures = judge(journal(), "exp.json")
    assert (result.status, result.code, result.title, result.duration_s) == ("passed", None, "Service survives", 1.25)
    assert failures == [] and result.method[0].name == "inject"


def test_deviation_after_the_method_names_the_probe() -> None:
    result, (failure,) = judge(journal(after=False, deviated=True), "exp.json")
    assert (result.status, result.code) == ("failed", "steady-state-deviated")
    assert failure.code == "steady-state-deviated" and failure.kind == "failure" and failure.file == "exp.json"
    assert failure.message == "steady state deviated after the method: probe `up` returned false, outside its tolerance"
    assert failure.test == "experiment: Service survives"


def test_steady_state_not_met_before_the_method() -> None:
    result, (failure,) = judge(journal(before=False, after=None), "exp.json")
    assert result.code == "steady-state-deviated" and result.steady_state_after is None
    assert failure.message.startswith("steady state not met before the method: probe `up`")


def test_a_probe_that_raised_is_a_deviation_with_its_error() -> None:
    broken = probe("up", False, output=None, status="failed",
                   exception=["Traceback…\n", "ConnectionError: refused\n"])
    result, (failure,) = judge(journal(after=False, status="failed", after_probe=broken), "exp.json")
    assert result.after[0].error == "ConnectionError: refused" and failure.code == "steady-state-deviated"
    assert "probe `up` failed: ConnectionError: refused" in failure.message


def test_rollback_that_raised_or_exited_non_zero_fails() -> None:
    rollbacks = [action("restore", status="failed"), action("refill", process_status=3, stderr="unreachable\n"),
                 action("fine", process_status=0)]
    result, (failure,) = judge(journal(rollbacks=rollbacks), "exp.json")
    assert (result.status, result.code, failure.code) == ("failed", "rollback-failed", "rollback-failed")
    assert [r.failed for r in result.rollbacks] == [True, True, False]
    assert "action `refill` failed: exited with 3: unreachable" in failure.message
    assert "action `restore` failed" in failure.message


def test_deviation_and_failed_rollback_are_two_problems() -> None:
    result, failures = judge(journal(after=False, deviated=True, rollbacks=[action("undo", status="failed")]), "e")
    assert [f.code for f in failures] == ["steady-state-deviated", "rollback-failed"]
    assert result.code == "steady-state-deviated" and "rollback failed" in (result.reason or "")


def test_aborted_experiment_is_an_error() -> None:
    result, (failure,) = judge(journal(status="aborted", after=None,
                                       run=[action("inject", status="failed")]), "exp.json")
    assert (result.status, failure.code, failure.kind) == ("error", "experiment-error", "error")
    assert failure.message == "the experiment was aborted: action `inject` failed"


def test_strange_shapes_do_not_crash() -> None:
    result, failures = judge({"experiment": "x", "steady_states": [], "run": {"a": 1}, "rollbacks": [1, None],
                              "duration": "long", "status": None}, "odd.json")
    assert (result.title, result.status, result.method, result.rollbacks) == ("odd.json", "passed", [], [])
    assert failures == []


def test_journal_files(tmp_path: Path) -> None:
    run = ExperimentRun(file="e.json", journal="j.json", log="l.log", duration_s=0.5)
    result, (failure,) = read_experiment(tmp_path, run)
    assert (result.status, failure.code, failure.message) == ("error", "experiment-error", "no journal at j.json")
    (tmp_path / "j.json").write_text(json.dumps(journal()))
    assert read_experiment(tmp_path, run)[0].status == "passed"
    for text, words in (("{", "not valid JSON"), ("[1]", "not a chaostoolkit journal")):
        (tmp_path / "j.json").write_text(text)
        with pytest.raises(InputError, match=words):
            read_experiment(tmp_path, run)
