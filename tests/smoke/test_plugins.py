"""The pytest plugins are registered by their own entry points: a project needs no conftest to use them."""

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

USES_BOTH = '''
import urllib.error, urllib.request

def test_fixtures_arrive_without_a_conftest(qa_faults, qa_database):
    service = qa_faults.http().respond(503)
    try:
        urllib.request.urlopen(service.url, timeout=2)
    except urllib.error.HTTPError as error:
        assert error.code == 503
    with qa_database.connect() as connection:
        assert connection.execute("SELECT 41 + 1").fetchone() == (42,)
'''


def test_entry_points() -> None:
    ours = {e.name: e.value for e in entry_points(group="pytest11") if e.value.startswith("qa_actions.")}
    assert ours == {"qa_env": "qa_actions.testing.environment", "qa_faults": "qa_actions.testing.faults",
                    "qa_acid": "qa_actions.testing.acid"}


def test_a_project_uses_the_fixtures_with_plain_pytest(tmp_path: Path) -> None:
    (tmp_path / "test_uses_plugins.py").write_text(USES_BOTH)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
