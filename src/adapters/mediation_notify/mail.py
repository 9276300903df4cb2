"""The SMTP notifier: one email per delivery to every addressee with an email address.

The ``Message-ID`` is derived from the notice key, so a mail system (or a person) can tell a
repeat. SMTP 4xx answers and network errors are retried; 5xx answers and a notice with no
email address among its addressees are permanent failures.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from collections.abc import Mapping
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, localtime

from mediation_core.app.logs import logger, scrub
from mediation_core.plugins.types import Deliver, Delivery, DeliveryError
from mediation_notify.settings import flag, known, number, required

SETTINGS = ("host", "port", "sender", "username", "password", "starttls", "ssl", "timeout")
log = logger("mediation_notify.mail")


def message_id(key: str, domain: str) -> str:
    """A Message-ID that is the same for every attempt of one notice."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def compose(delivery: Delivery, sender: str) -> EmailMessage:
    notice = delivery.notice
    to = [a for a in delivery.addressees if a.email]
    if not to:
        msg = "没有收件人登记了电子邮箱 / no addressee has an email address"
        raise DeliveryError(msg, permanent=True)
    mail = EmailMessage()
    mail["Subject"] = notice.subject
    mail["From"] = sender
    mail["To"] = ", ".join(formataddr((a.name, a.email)) for a in to)
    mail["Date"] = format_datetime(localtime())
    domain = sender.rsplit("@", 1)[-1].strip(" >") or "mediation-core"
    mail["Message-ID"] = message_id(delivery.key, domain)
    mail["X-Mediation-Notice-Key"] = delivery.key
    mail["X-Mediation-Notice-Kind"] = notice.kind.value
    lines = [notice.body, ""]
    if notice.case_id:
        lines.append(f"案件 / case: {notice.case_id}")
    lines += [f"{k}: {v}" for k, v in sorted(notice.payload.items())]
    lines += ["", f"通知编号 / notice key: {delivery.key}"]
    mail.set_content("\n".join(lines))
    return mail


def open_smtp(settings: Mapping[str, str]) -> Deliver:
    known(settings, SETTINGS)
    host = required(settings, "host")
    use_ssl = flag(settings, "ssl")
    starttls = flag(settings, "starttls")
    if use_ssl and starttls:
        msg = "settings 'ssl' and 'starttls' exclude each other"
        raise ValueError(msg)
    port = int(number(settings, "port", 465 if use_ssl else 25))
    timeout = number(settings, "timeout", 30)
    sender = required(settings, "sender")
    Address(addr_spec=sender.rsplit("<", 1)[-1].strip(" >"))  # raises on a malformed sender
    username, password = settings.get("username", ""), settings.get("password", "")

    def connect() -> smtplib.SMTP:
        if use_ssl:
            return smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        server = smtplib.SMTP(host, port, timeout=timeout)
        if starttls:
            server.starttls(context=ssl.create_default_context())
        return server

    def deliver(delivery: Delivery) -> None:
        mail = compose(delivery, sender)
        try:
            with connect() as server:
                if username:
                    server.login(username, password)
                refused = server.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryError(
                f"SMTP refused every recipient: {codes}", permanent=all(c >= 500 for c in codes)
            ) from exc
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
            raise DeliveryError(scrub(f"SMTP {exc.smtp_code} {text}"), permanent=exc.smtp_code >= 500) from exc
        if refused:
            log.warning("notice %s: some recipients were refused: %s", delivery.key, refused)

    return deliver
