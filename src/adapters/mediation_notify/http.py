"""Posting JSON to a webhook with httpx, and telling a retryable failure from a permanent one.

Imported only when an HTTP notifier is opened (``httpx`` is the optional extra ``webhook``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from mediation_core.plugins.types import DeliveryError

RETRYABLE_STATUS = frozenset({408, 425, 429})


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
        msg = f"timed out: {exc}"
        raise DeliveryError(msg) from exc
    except httpx.TransportError as exc:
        msg = f"{type(exc).__name__}: {exc}"
        raise DeliveryError(msg) from exc
    if answer.is_success:
        return answer
    permanent = 400 <= answer.status_code < 500 and answer.status_code not in RETRYABLE_STATUS
    msg = f"HTTP {answer.status_code}: {answer.text[:300]}"
    raise DeliveryError(msg, permanent=permanent)


def client(timeout: float) -> httpx.Client:
    """A client that never reads proxy settings from the environment: a notice goes where it
    is configured to go."""
    return httpx.Client(timeout=timeout, trust_env=False)
