"""Posting JSON to a webhook with httpx, and telling a retryable failure from a permanent one.

Imported only when an HTTP notifier is opened (``httpx`` is the optional extra ``webhook``).
httpx logs every request's URL at INFO, and a robot's URL carries its credentials
(DingTalk's ``access_token`` and ``sign``, WeCom's ``key``): opening a client attaches the
library's log filter to httpx's and httpcore's loggers, which redacts those values and masks
ID and phone numbers before any handler sees a record. The loggers keep their levels, so a
deployment still sees its requests, without the secrets.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from attrs import field, frozen

from mediation_core.app.logs import attach_filter, scrub
from mediation_core.plugins.types import Delivery, DeliveryError

RETRYABLE_STATUS = frozenset({408, 425, 429})

HTTP_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
"""The loggers httpx and httpcore write to (a filter on a logger does not see its children's
records, so each is named)."""


def guard_http_logs() -> None:
    """Attach the log filter (URL secrets redacted, numbers masked) to every HTTP logger."""
    for name in HTTP_LOGGERS:
        attach_filter(logging.getLogger(name))


def post_json(
    client: httpx.Client, url: str, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> httpx.Response:
    """POST ``body``; return the 2xx answer or raise :class:`DeliveryError` (retryable unless
    the receiver rejected the request itself)."""
    data = json.dumps(body, ensure_ascii=False).encode()
    return post_bytes(client, url, data, headers)


def post_bytes(client: httpx.Client, url: str, data: bytes, headers: Mapping[str, str] | None = None) -> httpx.Response:
    try:
        answer = client.post(
            url, content=data, headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        )
    except httpx.TimeoutException as exc:
        msg = scrub(f"timed out: {exc}")
        raise DeliveryError(msg) from exc
    except httpx.TransportError as exc:
        msg = scrub(f"{type(exc).__name__}: {exc}")
        raise DeliveryError(msg) from exc
    if answer.is_success:
        return answer
    permanent = 400 <= answer.status_code < 500 and answer.status_code not in RETRYABLE_STATUS
    msg = scrub(f"HTTP {answer.status_code}: {answer.text[:300]}")  # a gateway may echo the numbers it refused
    raise DeliveryError(msg, permanent=permanent)


def client(timeout: float) -> httpx.Client:
    """A client that never reads proxy settings from the environment: a notice goes where it
    is configured to go. Its requests are logged without URL secrets (:func:`guard_http_logs`)."""
    guard_http_logs()
    return httpx.Client(timeout=timeout, trust_env=False)


@frozen
class ClientDeliver:
    """A notifier's ``deliver`` that owns an HTTP client: called, it delivers; closed (when the
    service closes, :meth:`mediation_core.app.delivery.Channel.close`), it releases the
    client's pooled connections."""

    client: httpx.Client = field(repr=False)
    send: Callable[[Delivery], None] = field(repr=False)

    def __call__(self, delivery: Delivery) -> None:
        self.send(delivery)

    def close(self) -> None:
        self.client.close()
