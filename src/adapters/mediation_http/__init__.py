"""The HTTP API: an ASGI application (Starlette) over one :class:`~mediation_core.MediationService`.

Commands are posted as the JSON the command line's ``case record`` takes; reads (case files,
referrals, the ledger, statistics, documents, deadlines) come back in the reader's view; every
request carries a bearer token the ``mediation_authenticate`` hook turns into a registered
actor; errors are ``application/problem+json`` (RFC 9457). docs/http.md describes the API,
docs/adr/0014-http-framework.md why Starlette. Install with ``pip install "mediation-core[http]"``
and serve with ``mediation-http`` (:mod:`mediation_http.serve`).

The web libraries are imported when the application is built, not with this package, so that
``mediation-http`` can say which extra is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mediation_http.app import create_app
    from mediation_http.settings import HttpSettings

__all__ = ["HttpSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from mediation_http.app import create_app  # noqa: PLC0415 - the web libraries load on first use

        return create_app
    if name == "HttpSettings":
        from mediation_http.settings import HttpSettings  # noqa: PLC0415

        return HttpSettings
    msg = f"module 'mediation_http' has no attribute {name!r}"
    raise AttributeError(msg)
