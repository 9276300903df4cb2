"""A child's case stays withheld on every path (个人信息保护法 art. 28; docs/security.md): the
proposed and recorded meeting agendas, the notices sent about it, the ledger and its export, the
case file, and the referral letter and 治安 case it came from. For every reader who does not
handle the case, every person the case names (the parties, the child's guardian) is struck and
no ID or phone number is left; the room's mediator still reads them all.
"""

from __future__ import annotations

import datetime as dt

import pytest
from retention_world import ROOM, Built, Origin, build

from builders import LIAISON, OFFICER
from mediation_core.app.service import MediationService
from mediation_core.domain.errors import AuthorisationError
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.notices import NoticeKind
from mediation_core.domain.values.privacy import PersonalDataView
from mediation_core.domain.values.recipients import recipient_view
from mediation_core.testing import scenarios as sc
from mediation_memory import MemoryStore

JUSTICE = Actor(actor_id="j", role=Role.JUSTICE_OFFICE, scope_id="baiyang-justice")
TOWNSHIP = Actor(actor_id="t", role=Role.TOWNSHIP, scope_id="baiyang")
CENTRE = Actor(actor_id="c", role=Role.COORDINATION_CENTRE, scope_id="district")
READERS = [JUSTICE, TOWNSHIP, CENTRE, LIAISON, OFFICER]
DAY_1 = dt.datetime(2026, 5, 7, 16, tzinfo=CHINA_TZ)  # the cases open, risks flagged, meetings scheduled


@pytest.fixture(scope="module")
def district() -> tuple[MediationService, list[Built]]:
    clock = sc.ScriptClock()
    service = MediationService(MemoryStore(), clock=clock, identity_key=b"k" * 32)
    cases = build(service, clock, [(Origin.WALK_IN, True), (Origin.STATION, True), (Origin.POLICE, True)], until=DAY_1)
    clock.now = DAY_1
    return service, cases


def secrets(cases: list[Built]) -> set[str]:
    """Every person's name, ID number and phone (addresses are fields a withheld view drops)."""
    return {s for b in cases for s in b.secrets if "巷" not in s}


def leaked(value: object, cases: list[Built]) -> list[str]:
    text = repr(value)
    return sorted(s for s in secrets(cases) if s in text)


def read(path: object, *args: object) -> object | None:
    """The answer, or ``None`` when the reader may not read it at all."""
    try:
        return path(*args)  # type: ignore[operator]
    except AuthorisationError:
        return None


@pytest.mark.parametrize("reader", READERS, ids=lambda a: a.role.value)
def test_a_proposed_agenda_withholds_everyone_a_childs_case_names(
    district: tuple[MediationService, list[Built]], reader: Actor
) -> None:
    service, cases = district
    agenda = read(service.proposed_agenda, MeetingKind.CASE_ANALYSIS, ROOM, reader)
    assert leaked(agenda, cases) == []


def test_the_rooms_mediator_reads_the_agenda_in_full(district: tuple[MediationService, list[Built]]) -> None:
    service, cases = district
    agenda = service.proposed_agenda(MeetingKind.CASE_ANALYSIS, ROOM, sc.MEDIATOR)
    assert {i.case_id for i in agenda} >= {b.case_id for b in cases}
    assert all(any(n in repr(agenda) for n in b.names) for b in cases)


@pytest.mark.parametrize("reader", READERS, ids=lambda a: a.role.value)
def test_a_scheduled_meetings_agenda_withholds_everyone_a_childs_case_names(
    district: tuple[MediationService, list[Built]], reader: Actor
) -> None:
    service, cases = district
    assert leaked(read(service.meetings, ROOM, reader), cases) == []


def test_notices_about_a_childs_case_carry_no_name_to_a_reader_who_does_not_handle_it(
    district: tuple[MediationService, list[Built]],
) -> None:
    service, cases = district
    ids = {b.case_id for b in cases} | {f"ref-{n}" for n in range(len(cases))} | {"meet-room"}
    about = [e.notice for e in service.store.outbox() if {e.notice.case_id, e.notice.key.split(":")[0]} & ids]
    risks = [n for n in about if n.kind is NoticeKind.ESCALATION_RISK]
    assert len(risks) == len(cases)
    assert {r.role for n in risks for r in n.recipients} == {"station_liaison", "coordination_centre"}
    registry = service.registry()
    checked = 0
    for notice in about:
        views = {recipient_view(r, sensitive=True, registry=registry) for r in notice.recipients}
        if views != {PersonalDataView.FULL}:
            assert leaked((notice.subject, notice.body, notice.payload), cases) == [], notice.kind
            checked += 1
    assert checked >= len(risks)


@pytest.mark.parametrize("reader", READERS, ids=lambda a: a.role.value)
def test_the_ledger_and_its_export_strike_a_childs_guardian_too(
    district: tuple[MediationService, list[Built]], reader: Actor
) -> None:
    service, cases = district
    assert leaked(read(service.ledger, reader), cases) == []
    assert leaked(read(service.ledger_table, reader), cases) == []  # what every export format renders


@pytest.mark.parametrize("reader", READERS, ids=lambda a: a.role.value)
def test_a_childs_case_file_and_the_records_it_came_from_are_withheld(
    district: tuple[MediationService, list[Built]], reader: Actor
) -> None:
    service, cases = district
    for case in cases:
        assert leaked(read(service.case_file, case.case_id, reader), [case]) == []
    station, police = cases[1], cases[2]
    assert leaked(read(service.referral, "ref-1", reader), [station]) == []
    assert leaked(read(service.load, "police_case", "pc-2", reader), [police]) == []
    assert leaked(read(service.documents, "referral", reader), [station, police]) == []
    assert leaked(read(service.documents, "police_case", reader), [police]) == []


def test_the_room_reads_the_referral_of_a_childs_case_in_full(district: tuple[MediationService, list[Built]]) -> None:
    service, cases = district
    letter = service.referral("ref-1", sc.MEDIATOR)
    assert all(n in repr(letter) for n in cases[1].names)
