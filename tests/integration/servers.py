"""Real servers on loopback for the notifier tests: an SMTP server (aiosmtpd) and an HTTP server
(the standard library's), each recording what it received and able to fail on demand."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from mediation_core.domain.values.organisations import Liaison, Organisation, OrgKind, Registry

CONTACTS = Registry.of(
    [
        Organisation(
            org_id="centre",
            kind=OrgKind.COORDINATION_CENTRE,
            name="区矛盾纠纷多元化解协调中心",
            parent_id="district",
            phone="13700000001",
            email="centre@district.example",
        )
    ],
    liaisons=[
        Liaison(
            person_id="l-police",
            name="陈警官",
            room_id="pengshanlu-room",
            from_org_id="pengshanlu-station",
            phone="13700000002",
            email="chen@station.example",
        )
    ],
)
"""The coordination centre's and the station liaison's phone and e-mail, merged into the demo
district so that notices have somewhere to go."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MailHandler:
    """aiosmtpd handler: keeps every accepted message; ``answer`` overrides the reply."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.answer = ""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        if self.answer:
            return self.answer
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"


class SmtpServer:
    """An SMTP server on 127.0.0.1 that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = MailHandler()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Recorder:
    """What the HTTP server received, and how it answers next."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.reply: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}
        self.lock = threading.Lock()

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [r["json"] for r in self.requests]


def _handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with recorder.lock:
                status, reply = recorder.status, recorder.reply
                if status < 300:
                    recorder.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "raw": raw, "json": json.loads(raw)}
                    )
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def http_server() -> Iterator[tuple[str, Recorder]]:
    """An HTTP server on 127.0.0.1; yields its base URL and its recorder."""
    recorder = Recorder()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recorder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
