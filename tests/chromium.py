"""A headless Chromium driven over the DevTools protocol, for the HTML report's tests.

Chromium comes from the system's packages (`.ci/run` installs Debian's when missing);
`find_chromium` returns None when there is none, and the tests skip saying so.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
)


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """One Chromium process with one page; commands are sent over a websocket."""

    def __init__(self, executable: str) -> None:
        import websocket  # websocket-client, a test extra

        self.profile = tempfile.mkdtemp(prefix="citeaudit-chromium-")
        self.process = subprocess.Popen(
            [
                executable,
                *FLAGS,
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        try:
            target = self._page_target(self._port())
            self.socket = websocket.create_connection(
                target["webSocketDebuggerUrl"], timeout=30, suppress_origin=True
            )
            self.send("Page.enable")
            self.send("Runtime.enable")
        except BaseException:
            self._stop()  # never leave a browser behind
            raise

    def _port(self) -> int:
        marker = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with {self.process.returncode}")
            with (
                contextlib.suppress(FileNotFoundError, ValueError, IndexError),
                open(marker, encoding="utf-8") as handle,
            ):
                return int(handle.read().split()[0])
            time.sleep(0.05)
        raise RuntimeError("chromium did not open its DevTools port")

    def _page_target(self, port: int) -> dict[str, Any]:
        from urllib.request import urlopen

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as response:
                targets = json.load(response)
            pages = [t for t in targets if t.get("type") == "page"]
            if pages:
                return dict(pages[0])
            time.sleep(0.05)
        raise RuntimeError("chromium has no page")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        ident = self.next_id
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for i, message in enumerate(self.events):
            if message.get("method") == event:
                return dict(self.events.pop(i))
        self.socket.settimeout(timeout)
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv())
            if message.get("method") == event:
                return dict(message)
            self.events.append(message)
        raise TimeoutError(event)

    def open(self, path: str, *, javascript: bool = True) -> None:
        """Load a file and wait until it has loaded."""
        self.send("Emulation.setScriptExecutionDisabled", value=not javascript)
        self.events.clear()
        self.send("Page.navigate", url="file://" + os.path.abspath(path))
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (run by the test, which
        works with the page's own scripts disabled too)."""
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click at the middle of the element (of its first line box, for
        an inline element that wraps)."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            "e.scrollIntoView({block: 'center'}); const r = e.getClientRects()[0];"
            "return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        x, y = box
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def media(self, **features: str) -> None:
        """Emulate media features such as prefers-color-scheme=dark."""
        self.send(
            "Emulation.setEmulatedMedia",
            features=[{"name": k.replace("_", "-"), "value": v} for k, v in features.items()],
        )

    def screenshot(self, path: str, width: int = 1280, height: int = 900) -> None:
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        data = self.send("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(data))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.socket.close()
        self._stop()

    def _stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


@contextlib.contextmanager
def browser(executable: str) -> Iterator[Browser]:
    instance = Browser(executable)
    try:
        yield instance
    finally:
        instance.close()
