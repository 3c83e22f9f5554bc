"""`qa plan --explain`: what qa found in the project and why, in words, so a user sees what zero
configuration will run before it runs. Pure: the configuration and the facts gathered in, text out."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import QaConfig, TierConfig
from ..text import one_line


@dataclass
class ProjectFacts:
    """What the command found outside the configuration: the interpreter, the install, the plugins."""

    interpreter: str  # "python 3.12.3 at /usr/bin/python3", or why there is none
    configured: bool = False  # the project has a [tool.qa] table
    install: tuple[str, str] | None = None  # (command, why); None: not detected here
    plugins: list[str] = field(default_factory=list)
    python_version: str | None = None  # the version the project asks for, and why


def explain_text(config: QaConfig, facts: ProjectFacts) -> str:
    detection, pytest = config.detection, config.pytest
    lines = [f"project: {config.project}",
             f"configuration: [tool.qa] in {config.source}" if facts.configured
             else "configuration: no [tool.qa]: what follows is detected (qa init writes it down)",
             f"pytest configuration: {pytest.file or 'none (qa passes --rootdir, as plain pytest in the project)'}",
             f"tests: {detection.why} (layout: {detection.layout})"]
    if detection.layout == "none":
        lines.append(f"  looked in: {', '.join(detection.looked_in)}")
    lines += [f"  {one_line(_tier_line(name, tier, config), 400)}" for name, tier in config.tiers.items()]
    source = detection.source
    lines.append(f"source: {', '.join(source) if source else 'none'} ({detection.source_why})")
    lines.append(f"interpreter: {facts.interpreter}")
    if facts.python_version:
        lines.append(f"python version the project asks for: {facts.python_version}")
    if facts.install is not None:
        command, why = facts.install
        lines.append(f"install: {command or 'nothing to install'} ({why})")
    if facts.plugins:
        lines.append(f"plugins: {' '.join(facts.plugins)} (qa plugins --install puts them in the interpreter)")
    return "\n".join(line if line.startswith("  ") else one_line(line, 400) for line in lines) + "\n"


def _tier_line(name: str, tier: TierConfig, config: QaConfig) -> str:
    if not tier.enabled:
        return f"{name}: off" + (" (a load tier: the nightly workflow runs it)" if tier.kind == "load" else
                                 " (not found in the project)")
    found = config.detection.tiers.get(name)
    where = " ".join(tier.paths) + (f" -m {tier.markers!r}" if tier.markers else "")
    if tier.kind == "load":
        return f"{name}: locust {where} against {tier.host or 'no host'}"
    if tier.kind == "external":
        gate = f"coverage gate {tier.coverage_gate:g} %" if tier.coverage_gate is not None else "no coverage gate"
        return f"{name}: reports of another test runner, {' '.join(tier.junit_files)} (read by qa collect; {gate})"
    if found is not None:
        why = found.why
    elif config.detection.layout == "none":
        why = "no tests found: the run reports no-tests"
    else:
        why = "paths from [tool.qa]"
    gate = f"coverage gate {tier.coverage_gate:g} %" if tier.coverage_gate is not None else "no coverage gate"
    if tier.coverage_gate is None and not config.detection.source and not tier.source:
        gate += " (no package to measure: set `source`)"
    return f"{name}: {where} ({why}; {gate})"
