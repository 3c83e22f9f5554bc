"""Headless Chromium driven over the DevTools protocol: open a page, collect what went wrong, look at it.

Launch flags as TOOLING.md gives them; the page is loaded from a file:// URL and every console
error, uncaught exception, failed load and network request is recorded.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websocket

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--remote-debugging-port=0"]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("Chromium is not installed: apt-get install -y chromium (.ci/run does)")


@dataclass
class PageReport:
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # anything not loaded from the page itself
    dialogs: list[str] = field(default_factory=list)


class Chromium:
    def __init__(self) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="qa-chromium-"))
        self.process = subprocess.Popen([find_chromium(), *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port = self._port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
            targets = json.load(answer)
        page = next(t for t in targets if t["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.events: list[dict] = []
        self._id = 0
        for domain in ("Runtime", "Log", "Page", "Network"):
            self.call(f"{domain}.enable")

    def _port(self) -> int:
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Chromium exited with {self.process.returncode}")
            if marker.is_file() and marker.read_text().strip():
                return int(marker.read_text().split()[0])
            time.sleep(0.05)
        raise RuntimeError("Chromium did not open its DevTools port within 30 s")

    def call(self, method: str, **params) -> dict:
        self._id += 1
        self.socket.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for_event(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next((e for e in self.events if e.get("method") == method), None)
            if found:
                self.events.remove(found)
                return found
            self.socket.settimeout(max(0.1, deadline - time.monotonic()))
            self.events.append(json.loads(self.socket.recv()))
        raise TimeoutError(f"no {method} within {timeout} s")

    def evaluate(self, expression: str):
        """The value of a JavaScript expression (a promise is awaited)."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str, ready: str, width: int = 1280, height: int = 900, timeout: float = 20) -> None:
        """Load `url` and wait until the JavaScript expression `ready` is true."""
        self.events.clear()
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        self.call("Page.navigate", url=url)
        self.wait_for_event("Page.loadEventFired")
        deadline = time.monotonic() + timeout
        while not self.evaluate(f"Boolean({ready})"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the page was not ready ({ready}) within {timeout} s")
            time.sleep(0.05)

    def report(self) -> PageReport:
        """What went wrong since the page was opened."""
        self.call("Runtime.evaluate", expression="0")  # drain the events sent so far
        report = PageReport()
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                report.errors.append(details.get("exception", {}).get("description") or details.get("text", ""))
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                report.errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                report.errors.append(params["entry"]["text"])
            elif method == "Network.requestWillBeSent" and not params["request"]["url"].startswith(LOCAL_SCHEMES):
                report.requests.append(params["request"]["url"])
            elif method == "Network.loadingFailed":
                report.errors.append(f"load failed: {params.get('errorText')}")
            elif method == "Page.javascriptDialogOpening":
                report.dialogs.append(params["message"])
                self.call("Page.handleJavaScriptDialog", accept=True)
        return report

    def screenshot(self, path: Path, width: int = 1280) -> None:
        """The whole page, as a PNG."""
        height = int(self.call("Page.getLayoutMetrics")["cssContentSize"]["height"])
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)
