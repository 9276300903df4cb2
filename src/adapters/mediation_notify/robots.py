"""DingTalk (钉钉) and WeCom (企业微信) group robots: their message formats and error codes.

Both answer HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}`` on success and a non-zero code
otherwise; a rate limit or a busy server is retried, anything else (a wrong token, a failed
signature, a keyword filter) is permanent until the configuration is fixed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

from mediation_core.app.logs import scrub
from mediation_core.plugins.types import Deliver, Delivery, DeliveryError
from mediation_notify.settings import known, number, required

DINGTALK_SETTINGS = ("url", "secret", "timeout")
WECOM_SETTINGS = ("url", "timeout")
DINGTALK_RETRYABLE = frozenset({-1, 130101, 130102})  # system busy; sending too fast
WECOM_RETRYABLE = frozenset({-1, 45009, 45033})  # system busy; API frequency limits
WECOM_MAX_BYTES = 2048


def phones(delivery: Delivery) -> list[str]:
    return sorted({a.phone for a in delivery.addressees if a.phone})


def dingtalk_message(delivery: Delivery) -> dict[str, Any]:
    """A markdown message; the @mobiles must also appear in the text for DingTalk to ping them."""
    notice = delivery.notice
    mentions = " ".join(f"@{p}" for p in phones(delivery))
    lines = [f"#### {notice.subject}", "", notice.body]
    if delivery.addressees:
        lines += ["", "收件人：" + "、".join(f"{a.name}" for a in delivery.addressees)]
    if mentions:
        lines += ["", mentions]
    lines += ["", f"> 通知编号 {delivery.key}"]
    return {
        "msgtype": "markdown",
        "markdown": {"title": notice.subject, "text": "\n".join(lines)},
        "at": {"atMobiles": phones(delivery), "isAtAll": False},
    }


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The robot URL with DingTalk's 加签: ``timestamp`` and ``sign`` =
    base64(HMAC-SHA256(secret, "timestamp\\nsecret")), URL-encoded."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    sign = base64.b64encode(hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()).decode()
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={urllib.parse.quote_plus(sign)}"


def wecom_message(delivery: Delivery) -> dict[str, Any]:
    """A text message (the WeCom format that can mention members by phone), cut to 2048 bytes."""
    notice = delivery.notice
    text = f"{notice.subject}\n{notice.body}\n通知编号 {delivery.key}"
    encoded = text.encode()
    if len(encoded) > WECOM_MAX_BYTES:
        text = encoded[: WECOM_MAX_BYTES - 3].decode(errors="ignore") + "…"
    return {"msgtype": "text", "text": {"content": text, "mentioned_mobile_list": phones(delivery)}}


def _check_answer(robot: str, answer: Any, retryable: frozenset[int]) -> None:
    try:
        data = answer.json()
    except ValueError as exc:
        msg = scrub(f"{robot} answered something that is not JSON: {answer.text[:200]}")
        raise DeliveryError(msg) from exc
    code = data.get("errcode", -1) if isinstance(data, dict) else -1
    if code != 0:
        message = data.get("errmsg", "") if isinstance(data, dict) else ""
        msg = scrub(f"{robot} errcode {code}: {message}")  # the robot may quote the mobiles it refused
        raise DeliveryError(msg, permanent=code not in retryable)


def open_dingtalk(settings: Mapping[str, str]) -> Deliver:
    known(settings, DINGTALK_SETTINGS)
    from mediation_notify import http  # noqa: PLC0415 - httpx only when a robot is configured

    url, secret = required(settings, "url"), settings.get("secret", "")
    client = http.client(number(settings, "timeout", 10))

    def deliver(delivery: Delivery) -> None:
        target = dingtalk_signed_url(url, secret, int(time.time() * 1000)) if secret else url
        _check_answer("DingTalk", http.post_json(client, target, dingtalk_message(delivery)), DINGTALK_RETRYABLE)

    return http.ClientDeliver(client, deliver)


def open_wecom(settings: Mapping[str, str]) -> Deliver:
    known(settings, WECOM_SETTINGS)
    from mediation_notify import http  # noqa: PLC0415 - httpx only when a robot is configured

    url = required(settings, "url")
    client = http.client(number(settings, "timeout", 10))

    def deliver(delivery: Delivery) -> None:
        _check_answer("WeCom", http.post_json(client, url, wecom_message(delivery)), WECOM_RETRYABLE)

    return http.ClientDeliver(client, deliver)
