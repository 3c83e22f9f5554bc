"""The environment a run uses (development, staging, production), with every default applied.

The active environment reaches the tests as environment variables of the pytest process, which
the `qa_env` / `qa_data` fixtures of `qa_actions.testing.environment` read.
"""

from __future__ import annotations

import os
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..config import QaConfig
from ..config.environments import BUILT_IN, PROTECTED, EnvironmentConfig
from ..config.security import SCANNER_SECRETS
from ..errors import ConfigError
from ..github_env import RUNNER_TOKENS

OWN_SECRETS = (*RUNNER_TOKENS, *SCANNER_SECRETS)


@dataclass(frozen=True)
class Environment:
    """The environment a run uses, with every default applied."""

    name: str
    data_dir: Path
    read_only: bool
    tiers: tuple[str, ...] | None
    base_url: str | None = None
    variables: dict[str, str] = field(default_factory=dict)

    def allows(self, tier: str) -> bool:
        return self.tiers is None or tier in self.tiers

    def refusal(self, tier: str) -> str:
        return (f"tier `{tier}` may not run against `{self.name}`: only {', '.join(self.tiers or ())} may"
                f" ([tool.qa.environments.{self.name}] tiers)")

    def process_env(self) -> dict[str, str]:
        """Variables the pytest process gets: the configured ones, then ours (which they cannot override)."""
        ours = {"QA_ENV": self.name, "QA_DATA_DIR": str(self.data_dir.resolve()),
                "QA_READ_ONLY": "1" if self.read_only else "0"}
        if self.base_url:
            ours["QA_BASE_URL"] = self.base_url
        return {**self.variables, **ours}


OUTER_PYTEST = ("PYTEST_XDIST_", "PYTEST_CURRENT_TEST")


def tier_environ(pass_env: Iterable[str] = (), environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The job's environment for a tier's processes (pytest, chaostoolkit, locust, the load target),
    without qa-actions' own secrets and the runner's tokens, but those the tier names in `pass-env`:
    the project's tests get what they need, not what qa-actions needs to scan and publish. An outer
    pytest's own variables (qa run from inside a test, or from a pytest-xdist worker) are not the tier's:
    pytest-benchmark, for one, turns itself off (and warns, an error under `filterwarnings = error`)
    when it sees an xdist worker's."""
    withheld = set(OWN_SECRETS) - set(pass_env)
    return {name: value for name, value in environ.items()
            if name not in withheld and not name.startswith(OUTER_PYTEST)}


def resolve_environment(config: QaConfig, name: str | None) -> Environment:
    """The environment `name` (default: `[tool.qa] environment`), or a ConfigError naming the known ones."""
    name = name or config.environment
    if name not in BUILT_IN and name not in config.environments:
        known = ", ".join(dict.fromkeys([*BUILT_IN, *config.environments]))
        raise ConfigError(f"unknown environment `{name}`; known: {known}"
                          f" (add [tool.qa.environments.{name}] to {config.source})")
    table = config.environments.get(name, EnvironmentConfig())
    defaults = PROTECTED.get(name, {})
    tiers = table.tiers if table.tiers is not None else defaults.get("tiers")
    unknown = [t for t in tiers or () if t not in config.tiers]
    if unknown:
        raise ConfigError(f"{config.source}: `tool.qa.environments.{name}.tiers` names unknown tier `{unknown[0]}`")
    read_only = table.read_only if table.read_only is not None else bool(defaults.get("read_only", False))
    variables = {key: string.Template(value).safe_substitute(os.environ) for key, value in table.env.items()}
    return Environment(
        name=name, data_dir=config.project / (table.data or f"tests/data/{name}"), read_only=read_only,
        tiers=tuple(tiers) if tiers is not None else None, base_url=table.base_url, variables=variables,
    )


def refuse_disallowed(environment: Environment, tiers: list[str]) -> None:
    """Stop before anything runs when a tier named on the command line may not run in this environment."""
    refused = [t for t in tiers if not environment.allows(t)]
    if refused:
        raise ConfigError(environment.refusal(refused[0]))
