"""The shipped notifiers against real servers on loopback: SMTP (aiosmtpd) and HTTP."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import urllib.parse
from collections.abc import Callable, Iterator

import pytest
from servers import CONTACTS, Recorder, SmtpServer, http_server, smtp_server

from builders import ADMIN, D0, MEDIATOR, PARTIES, ROOM
from mediation_core.app.delivery import DeliveryPolicy, NotifierConfig, open_channels
from mediation_core.app.ports import DeliveryStatus
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.values.risks import RiskKind
from mediation_core.domain.values.sources import CaseSource
from mediation_core.plugins.manager import Plugins, load_plugins
from mediation_memory import MemoryStore
from mediation_notify import plugin as notify_plugin
from mediation_notify.webhook import signature

pytestmark = pytest.mark.integration


@pytest.fixture
def plugins() -> Plugins:
    return load_plugins(autoload=False, strict=True, plugins=[notify_plugin])


@pytest.fixture
def clock() -> StoryClock:
    return StoryClock(dt.datetime(2026, 5, 6, 10, tzinfo=dt.UTC))


def make_service(plugins: Plugins, clock: StoryClock, *configs: NotifierConfig) -> MediationService:
    ids = (f"case-{n}" for n in range(1, 1000))
    service = MediationService(
        MemoryStore(),
        plugins=plugins,
        clock=clock,
        new_id=ids.__next__,
        channels=open_channels(configs, plugins),
        delivery_policy=DeliveryPolicy(first_retry_seconds=60, spread=0, max_attempts=5),
    )
    service.register(demo_registry().merged(CONTACTS), ADMIN)
    return service


def escalate(service: MediationService) -> str:
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
    [entry] = service.store.outbox()
    return entry.notice.key


def status(service: MediationService, key: str) -> DeliveryStatus:
    entry = service.store.outbox_entry(key)
    assert entry is not None
    return entry.status


# -- SMTP ------------------------------------------------------------------------------------------
@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


def smtp_channel(server: SmtpServer) -> NotifierConfig:
    return NotifierConfig(
        name="mail",
        backend="smtp",
        settings={"host": "127.0.0.1", "port": str(server.port), "sender": "调解通知 <notices@district.example>"},
    )


def test_smtp_sends_one_email_to_every_addressee_with_the_key_as_message_id(
    smtp: SmtpServer, plugins: Plugins, clock: StoryClock
) -> None:
    service = make_service(plugins, clock, smtp_channel(smtp))
    key = escalate(service)
    assert service.deliver_pending().delivered == (key,)
    [mail] = smtp.handler.messages
    assert mail["Subject"].startswith("【风险预警】")
    assert "可能民转刑" in mail["Subject"]
    assert sorted(smtp.handler.envelopes[0][1]) == ["centre@district.example", "chen@station.example"]
    assert "陈警官" in str(mail["To"])
    assert mail["X-Mediation-Notice-Key"] == key
    assert mail["Message-ID"] == f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@district.example>"
    assert "涉及 3 人" in mail.get_content()


def test_an_smtp_outage_loses_nothing_and_the_mail_goes_once_after_recovery(
    smtp: SmtpServer, plugins: Plugins, clock: StoryClock
) -> None:
    service = make_service(plugins, clock, smtp_channel(smtp))
    key = escalate(service)
    smtp.stop()
    assert service.deliver_pending().retrying == (key,)
    entry = service.store.outbox_entry(key)
    assert entry is not None
    assert "ConnectionRefusedError" in entry.last_error
    smtp.handler.answer = "451 4.3.0 mailbox busy, try later"
    smtp.start()
    clock.now += dt.timedelta(minutes=1)
    assert service.deliver_pending().retrying == (key,)
    smtp.handler.answer = ""
    clock.now += dt.timedelta(minutes=2)
    assert service.deliver_pending().delivered == (key,)
    clock.now += dt.timedelta(hours=3)
    service.deliver_pending()
    assert len(smtp.handler.messages) == 1


def test_smtp_5xx_answers_are_dead_letters(smtp: SmtpServer, plugins: Plugins, clock: StoryClock) -> None:
    service = make_service(plugins, clock, smtp_channel(smtp))
    key = escalate(service)
    smtp.handler.answer = "554 5.7.1 rejected by policy"
    assert service.deliver_pending().dead == (key,)
    [dead] = service.dead_letters(ADMIN)
    assert "SMTP 554" in dead.last_error


def test_smtp_without_any_email_address_is_a_dead_letter_at_once(plugins: Plugins, clock: StoryClock) -> None:
    service = make_service(
        plugins,
        clock,
        NotifierConfig(name="mail", backend="smtp", settings={"host": "127.0.0.1", "sender": "a@b.example"}),
    )
    service.register(demo_registry(), ADMIN)  # the registry without email addresses
    key = escalate(service)
    assert service.deliver_pending().dead == (key,)
    assert "no addressee has an email address" in service.dead_letters(ADMIN)[0].last_error


# -- HTTP: generic webhook, DingTalk, WeCom, SMS gateway --------------------------------------------
@pytest.fixture
def http() -> Iterator[tuple[str, Recorder]]:
    with http_server() as server:
        yield server


def test_the_webhook_posts_the_notice_as_signed_json_with_its_idempotency_key(
    http: tuple[str, Recorder], plugins: Plugins, clock: StoryClock
) -> None:
    url, recorder = http
    config = NotifierConfig(
        name="hook", backend="webhook", settings={"url": f"{url}/hooks/notices", "secret": "s3cret", "token": "t0k"}
    )
    service = make_service(plugins, clock, config)
    key = escalate(service)
    service.deliver_pending()
    [request] = recorder.requests
    assert request["path"] == "/hooks/notices"
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["idempotency-key"] == key
    assert headers["authorization"] == "Bearer t0k"
    assert headers["x-mediation-signature"] == signature("s3cret", headers["x-mediation-timestamp"], request["raw"])
    body = request["json"]
    assert (body["key"], body["kind"], body["attempt"], body["channel"]) == (key, "escalation_risk", 1, "hook")
    assert [(a["name"], a["role"], a["phone"]) for a in body["addressees"]] == [
        ("陈警官", "station_liaison", "13700000002"),
        ("区矛盾纠纷多元化解协调中心", "coordination_centre", "13700000001"),
    ]


def test_a_webhook_outage_loses_nothing_and_delivers_exactly_once_after_recovery(
    http: tuple[str, Recorder], plugins: Plugins, clock: StoryClock
) -> None:
    url, recorder = http
    service = make_service(plugins, clock, NotifierConfig(name="hook", backend="webhook", settings={"url": url}))
    key = escalate(service)
    recorder.status = 503
    for _ in range(3):
        assert service.deliver_pending().retrying == (key,)
        clock.now += dt.timedelta(hours=1)
    assert recorder.requests == []
    assert "HTTP 503" in service.store.outbox()[0].last_error
    recorder.status = 200
    assert service.deliver_pending().delivered == (key,)
    clock.now += dt.timedelta(days=1)
    assert service.deliver_pending().attempted == 0
    assert [b["key"] for b in recorder.bodies] == [key]
    assert recorder.bodies[0]["attempt"] == 4


def test_a_webhook_that_rejects_the_request_is_a_dead_letter(
    http: tuple[str, Recorder], plugins: Plugins, clock: StoryClock
) -> None:
    url, recorder = http
    service = make_service(plugins, clock, NotifierConfig(name="hook", backend="webhook", settings={"url": url}))
    key = escalate(service)
    recorder.status = 400
    assert service.deliver_pending().dead == (key,)


def test_a_refused_connection_is_retried(plugins: Plugins, clock: StoryClock) -> None:
    from servers import free_port

    url = f"http://127.0.0.1:{free_port()}/nobody-listens"
    service = make_service(plugins, clock, NotifierConfig(name="hook", backend="webhook", settings={"url": url}))
    key = escalate(service)
    assert service.deliver_pending().retrying == (key,)
    assert "ConnectError" in service.store.outbox()[0].last_error


def test_dingtalk_robot_gets_a_signed_markdown_message_mentioning_phones(
    http: tuple[str, Recorder], plugins: Plugins, clock: StoryClock
) -> None:
    url, recorder = http
    secret = "SECabc123"
    config = NotifierConfig(
        name="centre-robot",
        backend="dingtalk",
        settings={"url": f"{url}/robot/send?access_token=tok", "secret": secret},
    )
    service = make_service(plugins, clock, config)
    key = escalate(service)
    assert service.deliver_pending().delivered == (key,)
    [request] = recorder.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
    assert query["access_token"] == ["tok"]
    stamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest())
    assert query["sign"] == [expected.decode()]
    body = request["json"]
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"].startswith("【风险预警】")
    assert body["at"] == {"atMobiles": ["13700000001", "13700000002"], "isAtAll": False}
    assert "@13700000002" in body["markdown"]["text"]
    assert key in body["markdown"]["text"]


@pytest.mark.parametrize(("errcode", "outcome"), [(130101, "retrying"), (310000, "dead")])
def test_dingtalk_error_codes_are_retried_or_dead(
    http: tuple[str, Recorder], plugins: Plugins, clock: StoryClock, errcode: int, outcome: str
) -> None:
    url, recorder = http
    service = make_service(plugins, clock, NotifierConfig(name="robot", backend="dingtalk", settings={"url": url}))
    key = escalate(service)
    recorder.reply = {"errcode": errcode, "errmsg": "refused"}
    assert getattr(service.deliver_pending(), outcome) == (key,)
    assert f"DingTalk errcode {errcode}" in service.store.outbox()[0].last_error


def test_wecom_robot_gets_a_text_message_mentioning_phones(
    http: tuple[str, Recorder], plugins: Plugins, clock: StoryClock
) -> None:
    url, recorder = http
    config = NotifierConfig(name="wecom", backend="wecom", settings={"url": f"{url}/cgi-bin/webhook/send?key=K"})
    service = make_service(plugins, clock, config)
    key = escalate(service)
    assert service.deliver_pending().delivered == (key,)
    [request] = recorder.requests
    assert request["path"] == "/cgi-bin/webhook/send?key=K"
    body = request["json"]
    assert body["msgtype"] == "text"
    assert body["text"]["mentioned_mobile_list"] == ["13700000001", "13700000002"]
    assert body["text"]["content"].startswith("【风险预警】")
    assert key in body["text"]["content"]
    recorder.reply = {"errcode": 93000, "errmsg": "invalid webhook url"}
    service.handle(c.FlagRisk(case_id="case-1", kind=RiskKind.SUICIDE, persons=1, on=D0), MEDIATOR)
    report = service.deliver_pending()
    assert len(report.dead) == 1


def test_the_sms_gateway_gets_every_phone_and_a_short_signed_text(
    http: tuple[str, Recorder], plugins: Plugins, clock: StoryClock
) -> None:
    url, recorder = http
    config = NotifierConfig(
        name="sms", backend="sms", settings={"url": url, "sign": "【市中区司法局】", "max_chars": "20", "token": "k"}
    )
    service = make_service(plugins, clock, config)
    key = escalate(service)
    assert service.deliver_pending().delivered == (key,)
    [request] = recorder.requests
    body = request["json"]
    assert body["mobiles"] == ["13700000001", "13700000002"]
    assert body["request_id"] == key
    assert body["content"].startswith("【市中区司法局】【风险预警】")
    assert len(body["content"]) == 20
    assert {k.lower(): v for k, v in request["headers"].items()}["idempotency-key"] == key


def test_the_log_notifier_writes_one_line_per_delivery(
    plugins: Plugins, clock: StoryClock, caplog: pytest.LogCaptureFixture
) -> None:
    service = make_service(plugins, clock, NotifierConfig(name="log", backend="log"))
    with caplog.at_level(logging.INFO, logger="mediation.notices"):
        key = escalate(service)
        service.deliver_pending()
    [line] = [r.getMessage() for r in caplog.records if r.name == "mediation.notices"]
    assert key in line
    assert "陈警官(station_liaison)" in line


@pytest.mark.parametrize(
    ("backend", "settings", "problem"),
    [
        ("smtp", {"sender": "a@b.example"}, "setting 'host' is required"),
        ("smtp", {"host": "h", "sender": "a@b.example", "ssl": "yes", "starttls": "yes"}, "exclude each other"),
        ("webhook", {"url": "http://x", "retries": "3"}, "unknown setting(s) retries"),
        ("dingtalk", {"url": "http://x", "timeout": "-1"}, "must be positive"),
        ("log", {"level": "LOUD"}, "logging level name"),
    ],
)
def test_bad_settings_stop_the_channel_from_opening(
    plugins: Plugins, backend: str, settings: dict[str, str], problem: str
) -> None:
    from mediation_core.plugins.manager import PluginError

    with pytest.raises(PluginError) as caught:
        open_channels([NotifierConfig(name="x", backend=backend, settings=settings)], plugins)
    assert problem in str(caught.value)


def test_an_outage_loses_nothing_on_a_database_store_and_the_webhook_gets_each_notice_once(
    http: tuple[str, Recorder], plugins: Plugins, clock: StoryClock, database_urls: Callable[[], str]
) -> None:
    """The same recovery on the SQL store (SQLite file and PostgreSQL): the outbox survives a
    reopened store, retries keep their backoff, and the receiver sees each key once."""
    from mediation_sqlalchemy import open_sqlalchemy

    url, recorder = http
    database = database_urls()
    channels = open_channels([NotifierConfig(name="hook", backend="webhook", settings={"url": url})], plugins)
    policy = DeliveryPolicy(first_retry_seconds=60, spread=0, max_attempts=5)

    def opened() -> MediationService:
        ids = (f"case-{n}" for n in range(1, 1000))
        return MediationService(
            open_sqlalchemy(database),
            plugins=plugins,
            clock=clock,
            new_id=ids.__next__,
            channels=channels,
            delivery_policy=policy,
            identity_key=b"test-key",
        )

    service = opened()
    service.register(demo_registry().merged(CONTACTS), ADMIN)
    key = escalate(service)
    recorder.status = 503
    assert service.deliver_pending().retrying == (key,)
    service.store.close()

    service = opened()  # a restart: the pending notice is still there, with its bookkeeping
    entry = service.store.outbox_entry(key)
    assert entry is not None
    assert (entry.status, entry.attempts) == (DeliveryStatus.PENDING, 1)
    assert service.deliver_pending().attempted == 0  # still backing off
    recorder.status = 200
    clock.now += dt.timedelta(minutes=1)
    assert service.deliver_pending().delivered == (key,)
    clock.now += dt.timedelta(days=1)
    assert service.deliver_pending().attempted == 0
    assert [b["key"] for b in recorder.bodies] == [key]
    service.store.close()
