"""The chaostoolkit step of a tier: every experiment found is run with the real `chaos` CLI.

It runs after the tier's pytest tests, from qa's own environment (see tool_env.py), and keeps each
experiment's journal and output under `<results>/<tier>/experiments/`. Judging the journals is
`qa collect`'s job (collect/chaos_journal.py), so a results folder stays self-contained.
"""

from __future__ import annotations

import time
from pathlib import Path

from ..layout import EXPERIMENTS_DIR, experiment_files
from ..manifest import ExperimentRun, TierManifest
from ..project.process import last_meaningful_line, run_streaming
from .run import TierRun
from .tool_env import python_module_command, tool_environment


def find_experiments(project: Path, patterns: list[str]) -> list[Path]:
    """Experiment files matching the tier's `experiments` globs, each once, in a stable order."""
    found: dict[Path, Path] = {}
    for pattern in patterns:
        for path in sorted(project.glob(pattern)):
            if path.is_file():
                found.setdefault(path.resolve(), path)
    return list(found.values())


def run_experiments(run: TierRun, experiments: list[Path], python: str, manifest: TierManifest,
                    deadline: float) -> None:
    """Run each experiment in turn, recording it in `manifest`; stops the tier at its deadline."""
    command = python_module_command("chaostoolkit", f"the {run.name} tier")
    folder = run.folder / EXPERIMENTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    env = tool_environment(run.project, run.name, run.folder, python,
                           run.environment.process_env() if run.environment else None, run.pass_env)
    for index, path in enumerate(experiments, 1):
        journal, log = experiment_files(f"{index:02d}-{path.stem}")
        record = ExperimentRun(file=path.relative_to(run.project).as_posix(), journal=journal, log=log)
        outcome = run_streaming(
            [*command, "--no-version-check", "--no-log-file", "run", "--journal-path",
             str((run.folder / record.journal).resolve()),
             "--rollback-strategy", run.tier.rollback_strategy, str(path.resolve())],
            cwd=run.project, env=env, log_path=run.folder / record.log,
            timeout_s=max(deadline - time.monotonic(), 0.1), echo=run.echo,
        )
        record.exit_code, record.duration_s = outcome.exit_code, round(outcome.duration_s, 3)
        manifest.experiments.append(record)
        manifest.duration_s = round(manifest.duration_s + outcome.duration_s, 3)
        if outcome.timed_out:
            manifest.status, manifest.error_code = "error", "tier-timeout"
            manifest.reason = (f"the whole tier ran longer than tier-timeout = {run.tier.tier_timeout:g} s and was"
                               f" stopped during experiment {record.file}")
            return
        if not (run.folder / record.journal).is_file():
            record.reason = f"chaos exited with {outcome.exit_code} and wrote no journal: " \
                            f"{last_meaningful_line(outcome.tail)}"
    if manifest.status == "skipped":
        manifest.status, manifest.reason, manifest.error_code = "ran", None, None
