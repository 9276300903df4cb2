"""``mediation-http``: serve the HTTP API with uvicorn on the configured store, the embedded
SQLite file by default (the store ``mediation init`` created; the same environment as the
command line: ``MEDIATION_DB_URL``, ``MEDIATION_IDENTITY_KEY`` …, and the token settings
``MEDIATION_HTTP_JWKS``, ``MEDIATION_HTTP_ISSUER``, ``MEDIATION_HTTP_AUDIENCE``; docs/http.md)."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence

from mediation_core.app.bootstrap import ConfigurationError
from mediation_core.domain.errors import OperationalError

EXTRA = 'pip install "mediation-core[http]"'
NEEDED = ("starlette", "uvicorn", "jwt")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mediation-http", description="serve the mediation HTTP API (docs/http.md)")
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="the port (default 8000)")
    parser.add_argument("--db", metavar="URL", default=None, help="the store, as for `mediation --db`")
    parser.add_argument("--store", metavar="NAME", default=None, help="a store backend by name")
    parser.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        help="the reverse proxies whose X-Forwarded-* headers are trusted (default 127.0.0.1)",
    )
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    if missing:
        sys.stderr.write(
            f"mediation-http: error: the HTTP API needs the http extra ({', '.join(missing)} missing): {EXTRA}\n"
        )
        return 6
    args = build_parser().parse_args(argv)
    import uvicorn  # noqa: PLC0415 - checked above

    from mediation_core.cli.session import Session  # noqa: PLC0415 - the command line's store options
    from mediation_http.app import create_app  # noqa: PLC0415
    from mediation_http.settings import HttpSettings  # noqa: PLC0415

    try:
        settings = HttpSettings.from_env()
        with Session(args).service() as service:
            app = create_app(service, settings)
            service.ready()  # what start-up built is frozen out of the collector's full passes
            uvicorn.run(
                app,
                host=args.host,
                port=args.port,
                log_level=args.log_level,
                proxy_headers=True,
                forwarded_allow_ips=args.forwarded_allow_ips,
            )
    except ConfigurationError as exc:
        sys.stderr.write(f"mediation-http: error: {exc}\n")
        return 6
    except OperationalError as exc:
        sys.stderr.write(f"mediation-http: error: {exc}\n")
        return 9
    return 0
