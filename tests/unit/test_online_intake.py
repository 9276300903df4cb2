"""线上申请: a party's own application made online, recorded with each applicant's consent as the
platform captured it; counted as its own source and interrupting the limitation period."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import D0, MEDIATOR, PARTIES, ROOM
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.outcomes import TerminationReason
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.digests import DigestAlgorithm, FileDigest, digest_of
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.sources import CaseSource
from mediation_core.exports.ledger import ledger_table
from story import Story, online_consent

ONLINE = CaseSource.ONLINE_APPLICATION


def fields_of(err: Exception, rule: str) -> list[str]:
    return [v.field for v in err.violations if v.rule == rule]  # type: ignore[attr-defined]


def intake(**changes: object) -> c.ReceiveDispute:
    base = c.ReceiveDispute(
        case_id="c1",
        room_id=ROOM,
        received_on=D0,
        source=ONLINE,
        category="neighbourhood",
        summary="邻里纠纷",
        parties=PARTIES,
        online_consents=(online_consent("p1", D0),),
    )
    return attrs.evolve(base, **changes)


def test_an_online_application_is_its_own_source_and_a_partys_request() -> None:
    assert ONLINE.title_zh == "线上申请"
    assert not ONLINE.from_police
    story = Story().receive(source=ONLINE)
    assert story.s.online_consents == (online_consent("p1", D0),)
    story.accept().prepare().start().session().terminate(reason=TerminationReason.FAILED)
    assert story.s.limitation_interrupted_on == D0


@pytest.mark.rule("online_application_evidenced")
def test_an_online_intake_needs_each_applicants_consent_evidence() -> None:
    err = Story().refuse(intake(online_consents=()))
    assert fields_of(err, "online_application_evidenced") == ["online_consents"]
    bad = attrs.evolve(
        online_consent("p9", D0),
        channel=" ",
        reference="",
        text_hash=FileDigest(algorithm=DigestAlgorithm.SM3, hex="ABC"),
        captured_at=dt.datetime.combine(D0 + dt.timedelta(days=1), dt.time(8), CHINA_TZ),
    )
    err = Story().refuse(intake(online_consents=(bad,)), today=D0 + dt.timedelta(days=2))
    assert fields_of(err, "online_application_evidenced") == [
        "online_consents[0].party_id",
        "online_consents[0].channel",
        "online_consents[0].reference",
        "online_consents[0].text_hash.hex",
        "online_consents[0].captured_at",
    ]
    err = Story().refuse(intake(source=CaseSource.WALK_IN))
    assert fields_of(err, "online_application_evidenced") == ["online_consents"]


@given(hours=st.integers(-72, 72))
def test_consent_is_captured_no_later_than_the_registration_day_nor_now(hours: int) -> None:
    """The story registers at 18:00 on the day: consent captured up to then is accepted."""
    captured = dt.datetime.combine(D0, dt.time(12), CHINA_TZ) + dt.timedelta(hours=hours)
    cmd = intake(online_consents=(attrs.evolve(online_consent("p1", D0), captured_at=captured),))
    story = Story()
    if hours <= 6:
        story.do(cmd)
        assert story.s.online_consents[0].captured_at == captured
    else:
        assert fields_of(story.refuse(cmd), "online_application_evidenced") == ["online_consents[0].captured_at"]


def test_the_consent_digest_checks_the_text_kept_on_the_platform() -> None:
    text = "本人自愿申请人民调解".encode()
    for algorithm in DigestAlgorithm:
        recorded = digest_of(text, algorithm)
        assert recorded.problem() is None
        assert recorded.matches(text)
        assert not recorded.matches(text + b" ")
    assert digest_of(b"abc", DigestAlgorithm.SM3).hex.startswith("66c7f0f4")


def test_online_applications_are_counted_and_listed_by_their_title(
    service: MediationService, clock: StoryClock
) -> None:
    clock.set(D0)
    service.handle(attrs.evolve(intake(), case_id=""), MEDIATOR)
    lines = {
        s.key: (s.title_zh, s["received"].cases)
        for s in service.statistics(Period.month(2026, 5), ROOM, MEDIATOR).by_source
    }
    assert lines == {"online_application": ("线上申请", 1)}
    table = ledger_table(service.ledger(MEDIATOR), {}, masked=True)
    assert "线上申请" in {str(cell) for row in table.rows for cell in row}
