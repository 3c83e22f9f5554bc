"""The `qa_faults` fixture: every fault really happens to real code, sockets and files, and is undone."""

import asyncio
import concurrent.futures
import errno
import http.client
import os
import sqlite3
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from qa_actions.testing.faults import Faults


def fetch_price(sku: str) -> int:
    """A dependency of the code under test."""
    return 42


async def fetch_price_async(sku: str) -> int:
    return 42


class Feed:
    def price(self, sku: str) -> int:
        return 7


def get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_fail_the_first_calls_then_recover(qa_faults: Faults) -> None:
    calls = qa_faults.fail(f"{__name__}.fetch_price", ConnectionError("connection reset by peer"), times=2)
    for _ in range(2):
        with pytest.raises(ConnectionError, match="reset"):
            fetch_price("AB-123")
    assert fetch_price("AB-123") == 42
    assert calls.count == 3 and calls.calls[0] == (("AB-123",), {})


def test_fail_every_call_of_a_method(qa_faults: Faults) -> None:
    qa_faults.fail((Feed, "price"), TimeoutError)
    with pytest.raises(TimeoutError):
        Feed().price("AB-123")


def test_delay_slows_calls_down(qa_faults: Faults) -> None:
    qa_faults.delay(f"{__name__}.fetch_price", 0.2)
    started = time.monotonic()
    assert fetch_price("AB-123") == 42
    assert time.monotonic() - started >= 0.2


def test_hang_is_seen_as_a_timeout_by_a_caller_that_waits(qa_faults: Faults) -> None:
    qa_faults.hang(f"{__name__}.fetch_price", up_to=0.3)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        future = pool.submit(fetch_price, "AB-123")
        with pytest.raises(concurrent.futures.TimeoutError):
            future.result(timeout=0.05)
        with pytest.raises(TimeoutError, match="hung"):
            future.result(timeout=5)


def test_hang_of_a_coroutine(qa_faults: Faults) -> None:
    calls = qa_faults.hang(f"{__name__}.fetch_price_async")
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(asyncio.wait_for(fetch_price_async("AB-123"), 0.05))
    assert calls.count == 1


def test_faults_are_undone_after_the_test() -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        faults = Faults(monkeypatch)
        faults.fail(f"{__name__}.fetch_price", RuntimeError)
        with pytest.raises(RuntimeError):
            fetch_price("AB-123")
        faults.close()
    assert fetch_price("AB-123") == 42


def test_unknown_target_is_named() -> None:
    with pytest.MonkeyPatch.context() as monkeypatch, pytest.raises(ValueError, match="no_such_module"):
        Faults(monkeypatch).fail("no_such_module.func", RuntimeError)


def test_http_dependency_errors_then_recovers(qa_faults: Faults) -> None:
    service = qa_faults.http().respond(200, '{"price": 42}').fail(2, status=503)
    assert [get(service.url + "/price")[0] for _ in range(3)] == [503, 503, 200]
    assert get(service.url)[1] == b'{"price": 42}'
    assert service.requests == ["/price", "/price", "/price", "/"]


@pytest.mark.parametrize("fault", ["slow", "hang"])
def test_http_dependency_too_slow_for_the_client(qa_faults: Faults, fault: str) -> None:
    service = qa_faults.http()
    service.respond(200, delay=5) if fault == "slow" else service.hang()
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        get(service.url, timeout=0.2)


def test_http_dependency_resets_connections(qa_faults: Faults) -> None:
    service = qa_faults.http().reset()
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, urllib.error.URLError)):
        get(service.url)


def test_refused_and_blackhole_addresses(qa_faults: Faults) -> None:
    with pytest.raises(urllib.error.URLError) as refused:
        get(qa_faults.refused())
    assert isinstance(refused.value.reason, ConnectionRefusedError)
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        get(qa_faults.blackhole(), timeout=0.2)


def test_disk_full_refuses_writes_under_the_folder_only(qa_faults: Faults, tmp_path: Path) -> None:
    full, other = tmp_path / "full", tmp_path / "other"
    full.mkdir()
    other.mkdir()
    (full / "existing.txt").write_text("kept")
    with qa_faults.disk_full(full):
        for write in (lambda: (full / "a.txt").write_text("x"), lambda: open(full / "b.log", "a"),  # noqa: SIM115, PTH123
                      lambda: os.open(full / "c.bin", os.O_WRONLY | os.O_CREAT)):
            with pytest.raises(OSError) as caught:
                write()
            assert caught.value.errno == errno.ENOSPC
        assert (full / "existing.txt").read_text() == "kept"
        (other / "fine.txt").write_text("fine")
    (full / "a.txt").write_text("after")
    assert (full / "a.txt").read_text() == "after"


def test_sqlite_full_makes_the_database_refuse_to_grow(qa_faults: Faults, tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "full.sqlite", isolation_level=None)
    db.execute("CREATE TABLE blobs (data BLOB)")
    qa_faults.sqlite_full(db)
    with pytest.raises(sqlite3.OperationalError, match="full"):
        db.execute("INSERT INTO blobs VALUES (randomblob(100000))")
    qa_faults.close()
    db.execute("INSERT INTO blobs VALUES (randomblob(100000))")


def test_a_process_killed_mid_work(qa_faults: Faults) -> None:
    worker = qa_faults.start([sys.executable, "-u", "-c",
                              "import time\nfor n in range(1000):\n    print('tick', n)\n    time.sleep(0.01)"])
    assert worker.wait_for(r"^tick \d+$", count=3) == ["tick 0", "tick 1", "tick 2"]
    assert worker.kill() == -9
    assert worker.returncode == -9 and "tick 999" not in worker.lines


def test_waiting_for_output_that_never_comes_says_what_came(qa_faults: Faults) -> None:
    worker = qa_faults.start([sys.executable, "-c", "print('starting'); print('crashed')"])
    with pytest.raises(AssertionError, match=r"(?s)0 of 1 lines matching 'ready'.*crashed"):
        worker.wait_for("ready", timeout=5)


def test_file_size_limit_is_a_full_disk_for_a_whole_process(qa_faults: Faults, tmp_path: Path) -> None:
    script = ("import errno\ntry:\n    open('big.bin', 'wb').write(b'x' * 100000)\n    print('wrote')\n"
              "except OSError as e:\n    print(errno.errorcode[e.errno])")
    worker = qa_faults.start([sys.executable, "-c", script], file_size_limit=4096, cwd=tmp_path)
    assert worker.wait_for("EFBIG|wrote") == ["EFBIG"]
    assert (tmp_path / "big.bin").stat().st_size <= 4096
