"""The generic JSON webhook and the SMS-gateway webhook.

Both send the notice key as ``Idempotency-Key``. The generic webhook signs the body with
HMAC-SHA256 when a ``secret`` is set: ``X-Mediation-Signature: sha256=<hex>`` over
``<timestamp>.<body>``, with the timestamp in ``X-Mediation-Timestamp``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

from mediation_core.plugins.types import Deliver, Delivery, DeliveryError
from mediation_notify.settings import known, number, required

SETTINGS = ("url", "secret", "token", "timeout")
SMS_SETTINGS = ("url", "token", "sign", "template", "max_chars", "timeout")


def payload(delivery: Delivery) -> dict[str, Any]:
    """The notice as the generic webhook sends it."""
    notice = delivery.notice
    return {
        "key": delivery.key,
        "kind": notice.kind.value,
        "subject": notice.subject,
        "body": notice.body,
        "case_id": notice.case_id,
        "payload": dict(notice.payload),
        "addressees": [
            {
                "person_id": a.person_id,
                "name": a.name,
                "role": a.role,
                "org_id": a.org_id,
                "phone": a.phone,
                "email": a.email,
            }
            for a in delivery.addressees
        ],
        "unresolved": [{"role": r.role, "org_id": r.org_id, "person_id": r.person_id} for r in delivery.unresolved],
        "attempt": delivery.attempt,
        "channel": delivery.channel,
    }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``<timestamp>.<body>``; receivers recompute it."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def open_webhook(settings: Mapping[str, str]) -> Deliver:
    known(settings, SETTINGS)
    from mediation_notify import http  # noqa: PLC0415 - httpx only when a webhook is configured

    url = required(settings, "url")
    secret, token = settings.get("secret", ""), settings.get("token", "")
    client = http.client(number(settings, "timeout", 10))

    def deliver(delivery: Delivery) -> None:
        body = json.dumps(payload(delivery), ensure_ascii=False).encode()
        headers = {"Idempotency-Key": delivery.key, "X-Mediation-Notice-Kind": delivery.notice.kind.value}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if secret:
            stamp = str(int(time.time()))
            headers["X-Mediation-Timestamp"] = stamp
            headers["X-Mediation-Signature"] = signature(secret, stamp, body)
        http.post_bytes(client, url, body, headers)

    return http.ClientDeliver(client, deliver)


def sms_text(delivery: Delivery, sign: str, max_chars: int) -> str:
    """The SMS: the county's signature and the subject, cut to ``max_chars`` characters."""
    text = f"{sign}{delivery.notice.subject}"
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def open_sms(settings: Mapping[str, str]) -> Deliver:
    known(settings, SMS_SETTINGS)
    from mediation_notify import http  # noqa: PLC0415 - httpx only when a gateway is configured

    url = required(settings, "url")
    token, sign, template = settings.get("token", ""), settings.get("sign", ""), settings.get("template", "")
    max_chars = int(number(settings, "max_chars", 70))
    client = http.client(number(settings, "timeout", 10))

    def deliver(delivery: Delivery) -> None:
        phones = sorted({a.phone for a in delivery.addressees if a.phone})
        if not phones:
            msg = "没有收件人登记了手机号 / no addressee has a phone number"
            raise DeliveryError(msg, permanent=True)
        body: dict[str, Any] = {
            "request_id": delivery.key,
            "mobiles": phones,
            "content": sms_text(delivery, sign, max_chars),
        }
        if template:
            body["template"] = template
            body["params"] = {"subject": delivery.notice.subject, "case": delivery.notice.case_id}
        headers = {"Idempotency-Key": delivery.key}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        http.post_json(client, url, body, headers)

    return http.ClientDeliver(client, deliver)
