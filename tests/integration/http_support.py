"""The HTTP API on a real server for the tests: uvicorn on a free loopback port (in a thread,
or ``python -m mediation_http`` in a process of its own), keys and tokens, and a tally of the
requests tried per class."""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa

from mediation_core.app.service import MediationService
from mediation_http import HttpSettings, create_app

ISSUER = "https://idp.district.example"
AUDIENCE = "mediation-api"
IDENTITY_KEY = "http-tests-identity-key-0123456789abcdef"
ACTORS = {
    "o-wang": "police_officer:o-wang@pengshanlu-station",
    "admin": "administrator:admin@district",
    "j-li": "justice_office:j-li@baiyang-justice",
}


class Keys:
    """An RSA key the identity provider signs with (published in a JWKS file) and one it
    does not publish."""

    def __init__(self, folder: Path) -> None:
        self.signing = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.signing.public_key()))
        public |= {"kid": "k1", "use": "sig", "alg": "RS256"}
        self.jwks = folder / "jwks.json"
        self.jwks.write_text(json.dumps({"keys": [public]}))
        self.actors = folder / "actors.json"
        self.actors.write_text(json.dumps(ACTORS))

    def settings(self) -> HttpSettings:
        return HttpSettings(jwks=str(self.jwks), issuer=ISSUER, audience=AUDIENCE, actors=str(self.actors))

    def env(self) -> dict[str, str]:
        return {
            "MEDIATION_HTTP_JWKS": str(self.jwks),
            "MEDIATION_HTTP_ISSUER": ISSUER,
            "MEDIATION_HTTP_AUDIENCE": AUDIENCE,
            "MEDIATION_HTTP_ACTORS": str(self.actors),
        }

    def token(
        self,
        subject: str = "m-zhang",
        *,
        audience: str = AUDIENCE,
        issuer: str = ISSUER,
        lifetime: dt.timedelta = dt.timedelta(minutes=5),
        stranger: bool = False,
    ) -> str:
        now = dt.datetime.now(dt.UTC)
        claims = {"sub": subject, "iss": issuer, "aud": audience, "iat": now, "exp": now + lifetime}
        key = self.stranger if stranger else self.signing
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})

    def headers(self, subject: str = "m-zhang", **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(subject)}", **extra}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(service: MediationService, keys: Keys, settings: HttpSettings | None = None) -> Iterator[str]:
    """The API over ``service`` on uvicorn in a thread, on a free loopback port; its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(service, settings or keys.settings())
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the HTTP server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


@contextmanager
def serve_process(url: str, keys: Keys, folder: Path) -> Iterator[str]:
    """``python -m mediation_http`` on the store at ``url``, in a process of its own."""
    port = free_port()
    env = {**os.environ, **keys.env(), "MEDIATION_DB_URL": url, "MEDIATION_IDENTITY_KEY": IDENTITY_KEY}
    env.pop("MEDIATION_STORE", None)
    log = (folder / f"server-{port}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "mediation_http", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError((folder / f"server-{port}.log").read_text())
            try:
                httpx.get(f"{base}/ledger", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


class Tally:
    """Requests tried per class of answer, and records written twice."""

    def __init__(self) -> None:
        self.tried: collections.Counter[str] = collections.Counter()
        self.duplicates = 0
        self._lock = threading.Lock()

    def count(self, response: httpx.Response, name: str = "") -> httpx.Response:
        kind = f"{name or response.request.method} {response.status_code}"
        with self._lock:
            self.tried[kind] += 1
        return response

    def line(self) -> str:
        parts = ", ".join(f"{k}={v}" for k, v in sorted(self.tried.items()))
        return f"HTTP API requests tried per class: {parts}; duplicates written: {self.duplicates}"


def command(command: Any) -> dict[str, Any]:
    from mediation_core.serialization import command_to_json

    return command_to_json(command)


@contextmanager
def jwks_server(keys: Keys) -> Iterator[tuple[str, list[str]]]:
    """The identity provider's key set served on loopback; the URL and the paths fetched."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    fetched: list[str] = []
    body = keys.jwks.read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fetched.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json", fetched
    finally:
        server.shutdown()
        server.server_close()
