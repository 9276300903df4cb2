"""No resident ID number or phone number reaches a log, whatever logs it and whoever's it is."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from servers import CONTACTS, http_server, smtp_server

from builders import (
    ADMIN,
    LIAISON,
    MEDIATOR,
    OFFICER,
    ROOM,
    accident,
    entrust,
    police_case,
    referral,
    resident_id,
    traffic_registry,
)
from mediation_core.app.delivery import DeliveryPolicy, NotifierConfig, open_channels
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.dispatch import commands as dc
from mediation_core.domain.errors import AuthorisationError
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.privacy import mask_text
from mediation_core.domain.values.risks import RiskKind
from mediation_core.plugins.manager import load_plugins
from mediation_core.testing import scenarios as sc
from mediation_memory import MemoryStore
from mediation_notify import plugin as notify_plugin

pytestmark = pytest.mark.integration

ID_1, ID_2 = sc.resident_id(0), sc.resident_id(1)
PHONE_1 = "13800138000"


def test_no_id_or_phone_number_reaches_a_log(every_log_record: list[logging.LogRecord]) -> None:
    """Whole lifecycles of every aggregate, notices delivered by the log notifier, a mail
    server that is down, an SMS gateway that echoes the numbers it rejects: no log record
    carries an ID number or a phone number, whoever's it is."""
    plugins = load_plugins(autoload=False, strict=True, plugins=[notify_plugin])
    with http_server() as (url, gateway), smtp_server() as mail:
        gateway.status = 400
        gateway.reply = {"errcode": 40001, "errmsg": f"invalid mobile 13700000002, 13700000001; id {ID_1}"}
        mail.stop()
        configs = (
            NotifierConfig(name="log", backend="log", settings={"level": "DEBUG"}),
            NotifierConfig(name="sms", backend="sms", settings={"url": f"{url}/sms", "sign": "区调解中心"}),
            NotifierConfig(
                name="mail",
                backend="smtp",
                settings={"host": "127.0.0.1", "port": str(mail.port), "sender": "notices@district.example"},
            ),
        )
        clock = sc.ScriptClock()
        service = MediationService(
            MemoryStore(),
            plugins=plugins,
            clock=clock,
            channels=open_channels(configs, plugins),
            delivery_policy=DeliveryPolicy(first_retry_seconds=1, spread=0, max_attempts=3),
        )
        service.register(demo_registry().merged(CONTACTS), ADMIN)
        service.register(traffic_registry(), ADMIN)
        script = sc.lifecycle("case-1")
        started_at, started = script[5]
        assert isinstance(started, c.StartMediation)
        risk = c.FlagRisk(case_id="case-1", kind=RiskKind.CIVIL_TO_CRIMINAL, persons=2, on=started.on)
        report = c.ReportToPolice(case_id="case-1", on=started.on, station_id="pengshanlu-station", reference="报告1")
        sc.run(service.handle, clock, [*script[:6], (started_at, risk), (started_at, report), *script[6:]])
        on = dt.date(2026, 6, 1)
        clock.now = dt.datetime.combine(on, dt.time(9), CHINA_TZ)
        issued = service.handle(referral(on), LIAISON)
        service.handle(rc.AcceptReferral(referral_id=issued.referral_id, on=on), MEDIATOR)
        opened = service.handle(police_case(on), OFFICER)
        service.handle(entrust(opened.police_case_id, on), OFFICER)
        service.handle(
            dc.RecordDispatch(
                dispatch_id="",
                station_id="pengshanlu-station",
                room_id=ROOM,
                incident_number="JJ1",
                call_received_at=clock.now,
                place="幸福路",
                officers=("民警",),
                summary=f"报警人电话{PHONE_1}",
                mediator_id="m-zhang",
            ),
            OFFICER,
        )
        service.handle(accident(on), Actor(actor_id="t-he", role=Role.POLICE_OFFICER, scope_id="traffic-brigade-1"))
        for _ in range(4):
            service.sweep()
            service.deliver_pending()
            clock.now += dt.timedelta(seconds=30)
        with pytest.raises(AuthorisationError):
            service.case_file("case-1", Actor(actor_id="x", role=Role.MEDIATOR, scope_id="nowhere"))
    assert len(every_log_record) >= 10  # the log notifier's lines and the failed attempts
    numbers = {
        ID_1,
        ID_2,
        PHONE_1,
        "13900139000",
        "13700000001",
        "13700000002",
        *(resident_id("19800101", n) for n in (1, 2)),
    }
    for record in every_log_record:
        text = record.getMessage() + (record.exc_text or "")
        for number in numbers:
            assert number not in text, (record.name, text)
    assert any("invalid mobile 137****0002" in r.getMessage() for r in every_log_record)
    assert all(mask_text(e.last_error) == e.last_error for e in service.store.outbox())
