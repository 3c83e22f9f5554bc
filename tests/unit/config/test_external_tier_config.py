"""`kind = "external"` in [tool.qa.tiers.<name>]: the keys it takes, and how the rest of qa sees such a tier."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_actions.config import load_config
from qa_actions.errors import ConfigError, InputError
from qa_actions.pipeline import external_reports

JS = '[tool.qa.tiers.js]\nkind = "external"\njunit-files = ["web/reports/*.xml"]\n'


def project_with(tmp_path: Path, toml: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(toml, encoding="utf-8")
    return tmp_path


def test_an_external_tier_is_collected_not_run(tmp_path: Path) -> None:
    config = load_config(project_with(tmp_path, JS + 'coverage-files = ["web/coverage/lcov.info"]\ncoverage = 70\n'))
    tier = config.tiers["js"]
    assert (tier.kind, tier.junit_files, tier.coverage_files, tier.coverage_gate) == (
        "external", ["web/reports/*.xml"], ["web/coverage/lcov.info"], 70.0)
    assert "js" in config.enabled_tiers() and config.runnable(config.enabled_tiers()) == ["unit"]
    assert config.external_tiers() == ["js"]
    assert config.expect_tests()["js"] == ["web/reports/*.xml"]  # where "no tests found" looked


@pytest.mark.parametrize(("toml", "message"), [
    ('[tool.qa.tiers.js]\nkind = "external"\n', "needs `junit-files`"),
    (JS + "markers = 'js'\n", '`tool.qa.tiers.js.markers` applies to tiers with kind = "pytest"'),
    (JS + "users = 5\n", '`tool.qa.tiers.js.users` applies to tiers with kind = "load"'),
    ('[tool.qa.tiers.unit]\njunit-files = ["x.xml"]\n', '`tool.qa.tiers.unit.junit-files` applies to tiers with'
                                                       ' kind = "external"'),
    ('[tool.qa.tiers.js]\nkind = "external"\njunit-files = ["../other/*.xml"]\n', "glob patterns relative"),
    (JS + 'coverage-files = ["/tmp/lcov.info"]\n', "`coverage-files` takes glob patterns relative"),
])
def test_wrong_keys_of_an_external_tier_are_named(tmp_path: Path, toml: str, message: str) -> None:
    with pytest.raises(ConfigError, match=None) as caught:
        load_config(project_with(tmp_path, toml))
    assert message in str(caught.value)


def test_command_line_globs_add_to_the_configured_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(project_with(tmp_path, JS + "coverage = 70\n"))
    monkeypatch.chdir(tmp_path)
    specs = {s.tier: s for s in external_reports(config, None, ("js=dl/junit.xml\ngo=go/*.xml", "plain.xml"),
                                                 ("go=go/lcov.info",))}
    assert sorted(specs) == ["external", "go", "js"]
    assert specs["js"].junit == ["web/reports/*.xml", str(tmp_path / "dl/junit.xml")] and specs["js"].gate == 70
    assert specs["go"].coverage == [str(tmp_path / "go/lcov.info")] and specs["go"].gate is None  # no gate from a flag
    assert specs["external"].junit == [str(tmp_path / "plain.xml")]


def test_command_line_globs_cannot_claim_a_pytest_tier(tmp_path: Path) -> None:
    config = load_config(project_with(tmp_path, JS))
    with pytest.raises(ConfigError, match="tier unit is a pytest tier"):
        external_reports(config, None, ("unit=junit.xml",))
    with pytest.raises(InputError, match="not allowed"):
        external_reports(config, None, ("Web=junit.xml",))
