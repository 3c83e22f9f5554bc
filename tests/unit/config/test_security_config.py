from datetime import date
from pathlib import Path

import pytest

from qa_actions.config import load_config
from qa_actions.errors import ConfigError
from qa_actions.security.runner import select_scans


def config_of(tmp_path: Path, toml: str):
    (tmp_path / "pyproject.toml").write_text(toml, encoding="utf-8")
    return load_config(tmp_path)


def test_defaults(tmp_path: Path) -> None:
    security = load_config(tmp_path).security
    assert security.enabled and security.bandit and security.deps == "safety"
    assert (security.severity, security.confidence, security.baseline) == ("low", "low", None)
    assert "*/tests/*" in security.exclude and security.ignore == []
    assert security.enabled_scans() == ["bandit", "deps"]


def test_every_key(tmp_path: Path) -> None:
    security = config_of(tmp_path, """
[tool.qa.security]
source = ["app"]
exclude = ["*/generated/*"]
severity = "medium"
confidence = "high"
baseline = "security/bandit-baseline.json"
deps = "pip-audit"
requirements = ["requirements.lock"]
safety-db = "/srv/safety-db"
osv-url = "http://127.0.0.1:9/v1/query"
timeout = 120
[[tool.qa.security.ignore]]
id = "CVE-2021-33503"
reason = "only ever given our own URLs"
expires = 2027-01-31
package = "urllib3"
[[tool.qa.security.ignore]]
id = "90001"
reason = "templates are ours"
expires = "2027-02-28"
""").security
    assert (security.source, security.exclude, security.severity, security.confidence) == (
        ["app"], ["*/generated/*"], "medium", "high")
    assert (security.deps, security.requirements, security.safety_db, security.timeout) == (
        "pip-audit", ["requirements.lock"], "/srv/safety-db", 120)
    first, second = security.ignore
    assert (first.id, first.until, first.package) == ("CVE-2021-33503", date(2027, 1, 31), "urllib3")
    assert second.until == date(2027, 2, 28) and second.package is None
    assert not first.expired(date(2027, 1, 31)) and first.expired(date(2027, 2, 1))


def test_scans_can_be_turned_off(tmp_path: Path) -> None:
    config = config_of(tmp_path, '[tool.qa.security]\ndeps = "none"\n')
    assert select_scans(config, None) == ["bandit", "test-data"]
    config.data.check = False
    assert select_scans(config, None) == ["bandit"]
    with pytest.raises(ConfigError, match='the deps scan is off'):
        select_scans(config, ["deps"])
    config.security.enabled = False
    assert select_scans(config, None) == []
    assert select_scans(config, ["bandit"]) == ["bandit"]
    with pytest.raises(ConfigError, match="unknown scan `codeql`; scans: bandit, deps, test-data"):
        select_scans(config, ["codeql"])


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("severity = 'critical'", "`tool.qa.security.severity` must be 'low' | 'medium' | 'high', not 'critical'"),
        ("deps = 'snyk'", "`tool.qa.security.deps` must be 'safety' | 'pip-audit' | 'none'"),
        ("basline = 'x.json'", "unknown key `tool.qa.security.basline` (did you mean `baseline`?)"),
        ("timeout = 0", "`timeout` must be a positive number of seconds"),
        ("audit-environment = true\nrequirements = ['r.txt']", "either `requirements` or `audit-environment"),
        ("ignore = [{id = 'CVE-1', expires = 2027-01-01}]", "`tool.qa.security.ignore[0]` is missing the key `reason`"),
        ("ignore = [{id = 'CVE-1', reason = 'x'}]", "`tool.qa.security.ignore[0]` is missing the key `expires`"),
        ("ignore = [{id = 'CVE-1', reason = ' ', expires = 2027-01-01}]", "ignoring CVE-1 needs a `reason`"),
        ("ignore = [{id = 'CVE-1', reason = 'x', expires = 'soon'}]",
         "`expires` of CVE-1 must be a date (YYYY-MM-DD), not 'soon'"),
        ("ignore = [{id = 'CVE-1', reason = 'x', expires = 2027}]",
         "`tool.qa.security.ignore[0].expires` must be a date (YYYY-MM-DD) or a string"),
    ],
)
def test_bad_security_config_names_key_and_file(tmp_path: Path, toml: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_of(tmp_path, "[tool.qa.security]\n" + toml + "\n")
    assert message in str(caught.value)
    assert str(tmp_path / "pyproject.toml") in str(caught.value)
