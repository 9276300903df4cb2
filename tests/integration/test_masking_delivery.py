"""Stored errors and logs of the outbox carry no personal number and no robot credential.

A gateway that echoes the numbers it refused, in whatever formatting, reaches neither a
delivery WARNING record nor the outbox's ``last_error`` (which ``dead-letters`` shows); httpx,
which logs every request URL at INFO, never writes a robot's ``access_token`` or ``sign``.
Real HTTP servers on loopback, real httpx.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

import attrs
import pytest
from servers import CONTACTS, http_server

from builders import ADMIN, D0, MEDIATOR, PARTIES, ROOM
from mediation_core.app.delivery import DeliveryPolicy, NotifierConfig, open_channels
from mediation_core.app.logs import redact_url_secrets
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.values.privacy import normalise
from mediation_core.domain.values.risks import RiskKind
from mediation_core.domain.values.sources import CaseSource
from mediation_core.plugins.manager import Plugins, load_plugins
from mediation_memory import MemoryStore
from mediation_notify import plugin as notify_plugin

pytestmark = pytest.mark.integration

ECHOED = {
    "ID110105196001010017": "110105196001010017",
    "+8613512345678": "13512345678",
    "8613612345678": "13612345678",
    "135-1234-5670": "13512345670",
    "135 1234 5679": "13512345679",
    "１３７１２３４５６７８": "13712345678",
    "1101051960\u200b01010025": "110105196001010025",
    "110105600101001": "110105600101001",
}
"""What a gateway wrote back in its error, and the number each one is."""


@pytest.fixture
def plugins() -> Plugins:
    return load_plugins(autoload=False, strict=True, plugins=[notify_plugin])


def make_service(plugins: Plugins, *configs: NotifierConfig) -> tuple[MediationService, StoryClock]:
    clock = StoryClock(dt.datetime(2026, 5, 6, 10, tzinfo=dt.UTC))
    service = MediationService(
        MemoryStore(),
        plugins=plugins,
        clock=clock,
        channels=open_channels(configs, plugins),
        delivery_policy=DeliveryPolicy(first_retry_seconds=1, spread=0, max_attempts=3),
    )
    service.register(demo_registry().merged(CONTACTS), ADMIN)
    return service, clock


def escalate(service: MediationService) -> None:
    case = service.handle(
        c.ReceiveDispute(
            case_id="",
            room_id=ROOM,
            received_on=D0,
            source=CaseSource.DISPATCH_110,
            category="neighbourhood",
            summary="邻里纠纷",
            parties=PARTIES,
        ),
        MEDIATOR,
    )
    service.handle(c.FlagRisk(case_id=case.case_id, kind=RiskKind.CIVIL_TO_CRIMINAL, persons=3, on=D0), MEDIATOR)


def leaks(text: str) -> list[str]:
    """The echoed numbers of which six consecutive digits (past an ID's address code) survive in
    ``text``, whatever formatting they survive in."""
    joined = re.sub(r"[\s\-.()\u2010-\u2015\u2212]", "", normalise(text).upper())  # separators go
    runs = re.findall(r"[0-9X]+", joined)
    found = []
    for number in ECHOED.values():
        start = 1 if len(number) >= 15 else 0
        if any(number[i : i + 6] in run for i in range(start, len(number) - 5) for run in runs):
            found.append(number)
    return found


def test_a_gateway_echoing_numbers_leaves_none_in_logs_or_dead_letters(
    plugins: Plugins, every_log_record: list[logging.LogRecord]
) -> None:
    with http_server() as (url, gateway):
        gateway.status = 400
        gateway.reply = {"error": "invalid recipients: " + "; ".join(ECHOED)}
        config = NotifierConfig(name="sms", backend="sms", settings={"url": f"{url}/sms", "sign": "区调解中心"})
        service, clock = make_service(plugins, config)
        escalate(service)
        for _ in range(3):
            service.deliver_pending()
            clock.now += dt.timedelta(minutes=5)
    warnings = [r for r in every_log_record if r.levelno >= logging.WARNING and r.name.startswith("mediation")]
    assert warnings
    for record in every_log_record:
        assert leaks(record.getMessage() + (record.exc_text or "")) == [], record.getMessage()
    [dead] = service.dead_letters(ADMIN)
    assert "invalid recipients" in dead.last_error
    assert leaks(dead.last_error) == []
    stored = service.store.outbox()
    assert all(leaks(e.last_error) == [] for e in stored)


def test_dead_letters_scrub_an_error_stored_before_masking_improved(plugins: Plugins) -> None:
    """An entry written by an older release keeps its raw text in the store; reading the dead
    letters masks it."""
    with http_server() as (url, gateway):
        gateway.status = 400
        config = NotifierConfig(name="sms", backend="sms", settings={"url": f"{url}/sms"})
        service, _ = make_service(plugins, config)
        escalate(service)
        service.deliver_pending()
    [entry] = service.store.outbox()
    raw = attrs.evolve(entry, last_error="sms: HTTP 400: bad mobile +86 135 1234 5678")
    service.store.update_outbox(raw, expected_attempts=entry.attempts)
    [dead] = service.dead_letters(ADMIN)
    assert dead.last_error == "sms: HTTP 400: bad mobile +86 135 **** 5678"


def test_httpx_logs_robot_urls_without_their_credentials(
    plugins: Plugins, every_log_record: list[logging.LogRecord]
) -> None:
    with http_server() as (url, recorder):
        configs = (
            NotifierConfig(
                name="ding",
                backend="dingtalk",
                settings={"url": f"{url}/robot/send?access_token=TOKEN-0123456789", "secret": "SEC-abcdef-secret"},
            ),
            NotifierConfig(name="wecom", backend="wecom", settings={"url": f"{url}/cgi-bin/webhook/send?key=WKEY-42"}),
        )
        service, _ = make_service(plugins, *configs)
        escalate(service)
        assert len(service.deliver_pending().delivered) == 1
    sign = re.search(r"sign=([^&]+)", recorder.requests[0]["path"])
    assert sign is not None
    requests = [r for r in every_log_record if r.name == "httpx"]
    assert len(requests) == 2  # one INFO line per request: still logged, without the secrets
    assert all(r.levelno == logging.INFO for r in requests)
    for record in every_log_record:
        message = record.getMessage()
        for secret in ("TOKEN-0123456789", "SEC-abcdef-secret", "WKEY-42", sign.group(1)):
            assert secret not in message, (record.name, message)
    assert any("access_token=[redacted]" in r.getMessage() and "sign=[redacted]" in r.getMessage() for r in requests)


def test_url_secrets_are_redacted_and_other_parameters_kept() -> None:
    url = "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000&sign=x%2By"
    assert redact_url_secrets(url) == (
        "https://oapi.dingtalk.com/robot/send?access_token=[redacted]&timestamp=1700000000000&sign=[redacted]"
    )
    assert redact_url_secrets("…/webhook/send?KEY=k1 failed") == "…/webhook/send?KEY=[redacted] failed"
    assert redact_url_secrets("a=b&c=d") == "a=b&c=d"
