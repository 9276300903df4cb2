"""The county package as a deployment uses it: installed, found by its entry point, and working
through mediation-core's own service against a real HTTP server standing in for the county's
SMS platform."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import urllib.parse
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import attrs
import pytest

from mediation_core import Config, MediationService, NotifierConfig, open_channels, open_store
from mediation_core import commands as rc
from mediation_core.errors import RuleViolationError
from mediation_core.plugins import load_plugins
from mediation_core.testing import StoryClock, demo_registry
from mediation_core.values import (
    CHINA_TZ,
    Actor,
    CaseSource,
    ConsentEvidence,
    ConsentForm,
    MeetingKind,
    NaturalPerson,
    Period,
    ReferralMode,
    Role,
    Side,
    resident_id_check_char,
)
from mediation_county_example import POLICY_ID, REGION

DAY = dt.date(2026, 5, 6)
ADMIN = Actor(actor_id="admin", role=Role.ADMINISTRATOR, scope_id="district")
LIAISON = Actor(actor_id="l-police", role=Role.STATION_LIAISON, scope_id="pengshanlu-station")
MEDIATOR = Actor(actor_id="m-zhang", role=Role.MEDIATOR, scope_id="pengshanlu-room")


def person(party_id: str, side: Side, seq: int) -> NaturalPerson:
    first17 = f"51110219800101{seq:03d}"
    return NaturalPerson(
        party_id=party_id, side=side, name=f"当事人{seq}", id_number=first17 + resident_id_check_char(first17)
    )


def letter(category: str = "neighbourhood", amount: int = 0) -> rc.IssueReferral:
    parties = (person("p1", Side.APPLICANT, 1), person("p2", Side.RESPONDENT, 2))
    return rc.IssueReferral(
        referral_id="",
        room_id="pengshanlu-room",
        source=CaseSource.STATION_TRANSFER,
        mode=ReferralMode.TRANSFER,
        issuer_id="pengshanlu-station",
        signed_by="王所长",
        issued_on=DAY,
        category=category,
        cause="纠纷",
        facts="双方同意人民调解",
        parties=parties,
        consents=tuple(
            ConsentEvidence(party_id=p.party_id, consents=True, on=DAY, form=ConsentForm.WRITTEN) for p in parties
        ),
        amount_involved=Decimal(amount),
    )


def service(region: str, channels: tuple = ()) -> MediationService:  # type: ignore[type-arg]
    plugins = load_plugins(strict=True)
    clock = StoryClock(dt.datetime.combine(DAY, dt.time(10), CHINA_TZ))
    svc = MediationService(
        open_store(Config(store="memory"), plugins), plugins=plugins, region=region, clock=clock, channels=channels
    )
    registry = demo_registry()
    with_phones = {
        key: attrs.evolve(m, phone=f"1390000000{n}") for n, (key, m) in enumerate(sorted(registry.mediators.items()))
    }
    svc.register(attrs.evolve(registry, mediators=with_phones), ADMIN)
    return svc


def test_the_package_is_found_through_its_entry_point() -> None:
    plugins = load_plugins(strict=True)
    assert {s.name: s.state for s in plugins.statuses}["county-example"] == "loaded"
    assert "county-sms" in plugins.notifiers()
    assert plugins.renderers()["statistics-brief"].subject == "statistics"


def test_the_county_policy_holds_in_its_region_only() -> None:
    plugins = load_plugins(strict=True)
    county = plugins.policy(REGION)
    assert (county.policy_id, county.follow_up_working_days, county.mediation_term_days) == (POLICY_ID, 10, 20)
    assert plugins.policy("CN").policy_id == "default"


@pytest.mark.parametrize(("category", "amount", "fields"), [
    ("land_requisition", 0, {"category"}),
    ("contract", 150_000, {"amount_involved"}),
    ("land_requisition", 150_000, {"category", "amount_involved"}),
])  # fmt: skip
def test_the_room_cannot_accept_what_the_centre_assigns(category: str, amount: int, fields: set[str]) -> None:
    svc = service(REGION)
    referral = svc.handle(letter(category, amount), LIAISON)
    before = {sid: svc.store.read(sid) for sid in svc.store.stream_ids()}
    with pytest.raises(RuleViolationError) as refused:
        svc.handle(rc.AcceptReferral(referral_id=referral.referral_id, on=DAY), MEDIATOR)
    local = [v for v in refused.value.violations if v.rule == "county_diversion"]
    assert {v.field for v in local} == fields
    assert all(v.basis == "示范县矛盾纠纷分流办法 第5条" for v in local)
    assert {sid: svc.store.read(sid) for sid in svc.store.stream_ids()} == before


def test_elsewhere_the_county_rule_is_silent() -> None:
    svc = service("CN")
    referral = svc.handle(letter("land_requisition", 150_000), LIAISON)
    accepted = svc.handle(rc.AcceptReferral(referral_id=referral.referral_id, on=DAY), MEDIATOR)
    assert accepted.case_id


TOWNSHIP = Actor(actor_id="zhao", role=Role.TOWNSHIP, scope_id="baiyang", name="赵主任")


def joint_meeting(place: str = "") -> rc.ScheduleMeeting:
    return rc.ScheduleMeeting(meeting_id="", kind=MeetingKind.JOINT, org_id="baiyang", on=DAY, place=place)


def test_a_joint_meeting_is_scheduled_with_its_place() -> None:
    svc = service(REGION)
    with pytest.raises(RuleViolationError) as refused:
        svc.handle(joint_meeting(), TOWNSHIP)
    assert [(v.rule, v.field, v.basis) for v in refused.value.violations] == [
        ("example_county.meeting_place", "place", "示范县联席会议制度 第3条")
    ]
    assert list(svc.store.stream_ids()) == []
    assert svc.handle(joint_meeting("柏杨司法所会议室"), TOWNSHIP).place == "柏杨司法所会议室"


def test_elsewhere_the_meeting_rule_is_silent() -> None:
    assert service("CN").handle(joint_meeting(), TOWNSHIP).place == ""


# -- the SMS platform ---------------------------------------------------------------------------------
class Platform:
    """A stand-in for the county's SMS platform on loopback: records each form, answers ``code``."""

    def __init__(self) -> None:
        self.forms: list[dict[str, str]] = []
        self.code = 0
        self.status = 200
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                platform.forms.append(form)
                body = json.dumps({"code": platform.code, "msg": "ok" if platform.code == 0 else "号码无效"}).encode()
                self.send_response(platform.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def platform() -> Iterator[Platform]:
    running = Platform()
    yield running
    running.server.shutdown()
    running.server.server_close()


def sms_service(platform: Platform) -> MediationService:
    config = NotifierConfig(
        name="county-sms",
        backend="county-sms",
        settings={"url": platform.url, "account": "sfj", "secret": "s3cret", "sign": "示范县司法局"},
    )
    return service(REGION, open_channels([config], load_plugins(strict=True)))


def test_notices_reach_the_mediators_phones_through_the_platform(platform: Platform) -> None:
    svc = sms_service(platform)
    svc.handle(letter(), LIAISON)
    report = svc.deliver_pending()
    assert report.delivered
    assert not report.dead
    form = platform.forms[0]
    assert form["content"].startswith("【示范县司法局】")
    assert set(form["mobiles"].split(",")) >= {"13900000000", "13900000001"}
    assert form["sign"] == hashlib.sha256(f"sfj{form['timestamp']}s3cret".encode()).hexdigest()
    assert form["msgid"] in report.delivered


def test_a_refused_number_is_a_dead_letter_and_an_outage_is_retried(platform: Platform) -> None:
    svc = sms_service(platform)
    svc.handle(letter(), LIAISON)
    platform.status = 503
    report = svc.deliver_pending()
    assert report.retrying
    assert not report.dead
    platform.status, platform.code = 200, 101
    later = svc.clock() + dt.timedelta(hours=2)
    report = svc.deliver_pending(now=later)
    assert report.dead
    (dead,) = svc.dead_letters(ADMIN)
    assert "code 101" in dead.last_error


def test_the_county_briefing_is_gb18030_text() -> None:
    svc = service(REGION)
    data = svc.statistics_file(Period.month(2026, 5), "district", ADMIN, "brief")
    text = data.decode("gb18030")
    assert text.startswith("市中区矛盾纠纷化解工作简报\r\n（2026年05月01日至2026年05月31日）")
    assert "调解成功率—" in text  # nothing concluded yet: the rate is undefined, never 0 %
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
