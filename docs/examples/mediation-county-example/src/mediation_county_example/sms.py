"""The county's government SMS platform (政务短信平台).

The platform takes a form post: ``account``, ``timestamp``, ``sign`` (the hex SHA-256 of
account + timestamp + secret), ``mobiles`` (comma-separated, at most 100), ``content`` (the
county's signature first) and ``msgid`` (it drops a second message with the same id). It answers
JSON ``{"code": 0}``; codes 100–199 reject the request for good (bad number, content refused),
anything else is worth another try. Only the standard library is used, so the county installs
nothing else.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping

from mediation_core.plugins import Deliver, Delivery, DeliveryError

SETTINGS = ("url", "account", "secret", "sign", "timeout")
BATCH = 100
MAX_CHARS = 70


def signature(account: str, timestamp: str, secret: str) -> str:
    return hashlib.sha256(f"{account}{timestamp}{secret}".encode()).hexdigest()


def text(delivery: Delivery, sign: str) -> str:
    """【signature】subject (case), cut to one SMS."""
    notice = delivery.notice
    body = f"【{sign}】{notice.subject}" + (f"（{notice.case_id}）" if notice.case_id else "")
    return body if len(body) <= MAX_CHARS else body[: MAX_CHARS - 1] + "…"


def open_sms(settings: Mapping[str, str], clock: Callable[[], float] = time.time) -> Deliver:
    """Check the settings and return the function that delivers one notice."""
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        msg = f"unknown setting(s) {', '.join(unknown)}; county-sms takes {', '.join(SETTINGS)}"
        raise ValueError(msg)
    missing = [name for name in ("url", "account", "secret") if not settings.get(name)]
    if missing:
        msg = f"setting {missing[0]!r} is required"
        raise ValueError(msg)
    url, account, secret = settings["url"], settings["account"], settings["secret"]
    sign = settings.get("sign", "示范县司法局")
    timeout = float(settings.get("timeout", "10"))

    def post(form: dict[str, str]) -> None:
        data = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310 - the configured https URL
        request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                answer = json.loads(response.read().decode() or "{}")
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"SMS platform answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise DeliveryError(f"SMS platform unreachable: {exc}") from exc
        code = int(answer.get("code", -1))
        if code == 0:
            return
        reason = f"SMS platform refused (code {code}): {answer.get('msg', '')}"
        raise DeliveryError(reason, permanent=100 <= code < 200)

    def deliver(delivery: Delivery) -> None:
        phones = sorted({a.phone for a in delivery.addressees if a.phone})
        if not phones:
            msg = "没有收件人登记了手机号 / no addressee has a phone number"
            raise DeliveryError(msg, permanent=True)
        content = text(delivery, sign)
        for n, start in enumerate(range(0, len(phones), BATCH)):
            stamp = str(int(clock()))
            post(
                {
                    "account": account,
                    "timestamp": stamp,
                    "sign": signature(account, stamp, secret),
                    "mobiles": ",".join(phones[start : start + BATCH]),
                    "content": content,
                    "msgid": delivery.key if n == 0 else f"{delivery.key}#{n}",
                }
            )

    return deliver
