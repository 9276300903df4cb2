"""A real headless Chromium, driven over the DevTools protocol on a pipe (no extra library).

Chromium reads protocol messages from fd 3 and writes to fd 4 (``--remote-debugging-pipe``),
each a JSON object ended by a NUL byte.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import signal
import tempfile
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("MEDIATION_CHROMIUM", "/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
)
WAIT_SECONDS = 120.0
"""A guard against a hung browser, not a timed assertion: a healthy run takes a second or two."""


def available() -> bool:
    return shutil.which(CHROMIUM) is not None


class Chromium:
    """One browser process with a fresh profile; use as a context manager."""

    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="mediation-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        devnull = os.open(os.devnull, os.O_RDWR)
        actions = [
            (os.POSIX_SPAWN_DUP2, devnull, 0),
            (os.POSIX_SPAWN_DUP2, devnull, 1),
            (os.POSIX_SPAWN_DUP2, devnull, 2),
            (os.POSIX_SPAWN_DUP2, to_browser_r, 3),
            (os.POSIX_SPAWN_DUP2, from_browser_w, 4),
        ]
        argv = [CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"]
        self.pid = os.posix_spawn(CHROMIUM, argv, os.environ, file_actions=actions)
        for fd in (to_browser_r, from_browser_w, devnull):
            os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.send("Browser.close")
        except (OSError, RuntimeError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        for fd in (self._to_browser, self._from_browser):
            os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], WAIT_SECONDS)
            if not ready:
                msg = "chromium did not answer"
                raise RuntimeError(msg)
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                msg = "chromium closed the pipe"
                raise RuntimeError(msg)
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read_message()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    msg = f"{method}: {answer['error']}"
                    raise RuntimeError(msg)
                result: dict[str, Any] = answer.get("result", {})
                return result
            self._events.append(answer)

    def wait_for(self, method: str, session: str) -> None:
        while True:
            if any(e.get("method") == method and e.get("sessionId") == session for e in self._events):
                self._events = [e for e in self._events if e.get("method") != method]
                return
            self._events.append(self._read_message())

    def open(self, path: Path) -> str:
        """Open ``path`` in a new tab and wait for it to load; return the tab's session."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session: str = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable", session)
        self.send(
            "Emulation.setDeviceMetricsOverride", session, width=1280, height=1600, deviceScaleFactor=1, mobile=False
        )
        self.send("Page.navigate", session, url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired", session)
        return session

    def evaluate(self, session: str, expression: str) -> Any:
        result = self.send("Runtime.evaluate", session, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            msg = f"script failed: {result['exceptionDetails']}"
            raise RuntimeError(msg)
        return result["result"].get("value")

    def screenshot(self, session: str, selector: str) -> bytes:
        """A PNG of the element ``selector`` names, as painted."""
        box = self.evaluate(
            session,
            f"(() => {{ const b = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
            " return {x: b.left + scrollX, y: b.top + scrollY, width: b.width, height: b.height}; })()",
        )
        shot = self.send("Page.captureScreenshot", session, format="png", clip={**box, "scale": 1})
        return base64.b64decode(shot["data"])

    def fonts_for(self, session: str, selector: str) -> list[dict[str, Any]]:
        """The platform fonts that painted the text of the element ``selector`` names."""
        self.send("DOM.enable", session)
        self.send("CSS.enable", session)
        root = self.send("DOM.getDocument", session)["root"]["nodeId"]
        node = self.send("DOM.querySelector", session, nodeId=root, selector=selector)["nodeId"]
        fonts: list[dict[str, Any]] = self.send("CSS.getPlatformFontsForNode", session, nodeId=node)["fonts"]
        return fonts
