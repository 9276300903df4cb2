"""Registers the notifiers. Importing this module imports no network library."""

from __future__ import annotations

from collections.abc import Iterator

from mediation_core.plugins import hookimpl
from mediation_core.plugins.types import Notifier


@hookimpl
def mediation_notifiers() -> Iterator[Notifier]:
    from mediation_notify import logbook, mail, robots, webhook  # noqa: PLC0415 - stdlib-only modules

    yield Notifier(
        name="log",
        open=logbook.open_log,
        description="Writes each delivery to the Python log (for development, and as a catch-all record).",
        settings=("logger", "level"),
    )
    yield Notifier(
        name="smtp",
        open=mail.open_smtp,
        description="Email through an SMTP server (standard library smtplib).",
        settings=mail.SETTINGS,
    )
    yield Notifier(
        name="webhook",
        open=webhook.open_webhook,
        description="POSTs the notice as JSON, signed with HMAC-SHA256 when a secret is set.",
        requires=("httpx",),
        extra="webhook",
        settings=webhook.SETTINGS,
    )
    yield Notifier(
        name="dingtalk",
        open=robots.open_dingtalk,
        description="A DingTalk (钉钉) group robot: markdown message, @ the addressees' phones, 加签 signing.",
        requires=("httpx",),
        extra="webhook",
        settings=robots.DINGTALK_SETTINGS,
    )
    yield Notifier(
        name="wecom",
        open=robots.open_wecom,
        description="A WeCom (企业微信) group robot: text message mentioning the addressees' phones.",
        requires=("httpx",),
        extra="webhook",
        settings=robots.WECOM_SETTINGS,
    )
    yield Notifier(
        name="sms",
        open=webhook.open_sms,
        description="An SMS-gateway webhook: one request with every addressee's phone and a short text.",
        requires=("httpx",),
        extra="webhook",
        settings=webhook.SMS_SETTINGS,
    )
