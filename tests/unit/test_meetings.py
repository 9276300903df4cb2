"""The standing meetings (双例会): scheduling, agenda, quorum, action items, compliance."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from builders import ADMIN, MEDIATOR
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, walk
from mediation_core.domain.case import commands as c
from mediation_core.domain.errors import AuthorisationError, NotFoundError, RuleViolationError
from mediation_core.domain.meeting.agenda import AgendaReason
from mediation_core.domain.meeting.commands import CancelMeeting, CompleteActionItem, HoldMeeting, ScheduleMeeting
from mediation_core.domain.meeting.compliance import Compliance, attendance
from mediation_core.domain.meeting.decide import MEETINGS
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.meeting.minutes import ActionItemDraft, Attendee, Decision
from mediation_core.domain.meeting.state import Meeting, MeetingStatus
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.domain.values.notices import NoticeKind
from mediation_core.domain.values.organisations import Organisation, OrgKind, Registry
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.recipients import resolve
from mediation_core.domain.values.risks import Difficulty, RiskKind
from mediation_core.domain.values.sources import CaseSource

D = dt.date
TOWNSHIP = Actor(actor_id="zhao", role=Role.TOWNSHIP, scope_id="baiyang", name="赵主任")
DIRECTOR = Actor(actor_id="m-zhang", role=Role.ROOM_DIRECTOR, scope_id="pengshanlu-room")
CENTRE = Actor(actor_id="cc", role=Role.COORDINATION_CENTRE, scope_id="district")
JUSTICE = Attendee(person_id="j1", name="司法所长", org_id="baiyang-justice")
GOVERNANCE = Attendee(person_id="g1", name="综治办主任", org_id="baiyang-governance")
POLICE = Attendee(person_id="p1", name="陈警官", org_id="pengshanlu-station")
ZHANG = Attendee(person_id="m-zhang", name="张明", org_id="pengshanlu-room")
LIU = Attendee(person_id="m-liu", name="刘芳", org_id="pengshanlu-room")


def refused(service: MediationService, command: object, actor: Actor = TOWNSHIP) -> RuleViolationError:
    with pytest.raises(RuleViolationError) as err:
        service.handle(command, actor)
    return err.value


def schedule(service: MediationService, on: D | None = None, kind: MeetingKind = MeetingKind.JOINT) -> Meeting:
    org, actor = ("baiyang", TOWNSHIP) if kind is MeetingKind.JOINT else ("pengshanlu-room", DIRECTOR)
    meeting: Meeting = service.handle(
        ScheduleMeeting(meeting_id="", kind=kind, org_id=org, on=on, place="柏杨司法所会议室"), actor
    )
    return meeting


def hold(service: MediationService, meeting: Meeting, on: D, *attendees: Attendee, **more: object) -> Meeting:
    command = HoldMeeting(meeting_id=meeting.stream_id, on=on, attendees=attendees, minutes="通报本月纠纷情况")
    held: Meeting = service.handle(attrs.evolve(command, **more), TOWNSHIP)
    return held


def new_case(service: MediationService, clock: StoryClock, case_id: str, on: D, category: str) -> None:
    parties = service.case_file("walkthrough-0001", MEDIATOR).state.parties
    clock.set(on)
    service.handle(
        c.ReceiveDispute(
            case_id=case_id,
            room_id="pengshanlu-room",
            received_on=on,
            source=CaseSource.COMMUNITY_VISIT,
            category=category,
            summary="纠纷",
            parties=parties,
        ),
        MEDIATOR,
    )
    service.handle(c.AcceptCase(case_id=case_id, on=on), MEDIATOR)


@pytest.fixture
def busy(service: MediationService, clock: StoryClock) -> MediationService:
    """The settled walkthrough case; a difficult labour dispute with a civil-to-criminal risk,
    accepted 25 May (term due 24 June); the neighbours back on 1 June (a repeat). Today: 1 July."""
    walk(service, clock)
    new_case(service, clock, "c-risk", D(2026, 5, 25), "labour")
    service.handle(
        c.FlagRisk(case_id="c-risk", kind=RiskKind.CIVIL_TO_CRIMINAL, persons=3, on=D(2026, 5, 25)), MEDIATOR
    )
    service.handle(
        c.ReportToPolice(case_id="c-risk", on=D(2026, 5, 25), station_id="pengshanlu-station", reference="报"), MEDIATOR
    )
    service.handle(c.GradeDifficulty(case_id="c-risk", grade=Difficulty.DIFFICULT, on=D(2026, 5, 25)), MEDIATOR)
    new_case(service, clock, "c-repeat", D(2026, 6, 1), "neighbourhood")
    clock.set(D(2026, 7, 1))
    return service


def test_the_joint_meeting_is_proposed_on_the_policys_working_day(busy: MediationService, clock: StoryClock) -> None:
    clock.set(D(2026, 5, 6))
    # May 2026: 1–5 are the Labour Day holiday, Saturday 9 May is a 调休 working day: the
    # eighth working day is Thursday 14 May (it would be the 15th without the 调休 Saturday)
    assert schedule(busy).on == D(2026, 5, 14)
    clock.set(D(2026, 5, 15))  # May's proposed day has passed: June's eighth working day
    assert schedule(busy).on == D(2026, 6, 10)


@pytest.mark.rule("meeting_on_working_day")
def test_a_meeting_is_scheduled_on_a_working_day(busy: MediationService) -> None:
    err = refused(busy, ScheduleMeeting(meeting_id="", kind=MeetingKind.JOINT, org_id="baiyang", on=D(2026, 7, 5)))
    assert err.rules == {"meeting_on_working_day"}
    assert schedule(busy, D(2026, 5, 9)).on == D(2026, 5, 9)  # a 调休 Saturday is a working day


def test_the_agenda_is_filled_from_the_ledger(busy: MediationService) -> None:
    meeting = schedule(busy)
    assert meeting.on == D(2026, 7, 10)
    reasons = {item.case_id: item.reasons for item in meeting.agenda}
    assert reasons == {
        "c-risk": (AgendaReason.OVERDUE, AgendaReason.ESCALATED, AgendaReason.DIFFICULT),
        "c-repeat": (AgendaReason.REPEAT,),
    }
    assert meeting.agenda[0].detail == "调解期限届满"
    assert busy.proposed_agenda(MeetingKind.CASE_ANALYSIS, "pengshanlu-room", DIRECTOR) == meeting.agenda


@pytest.mark.rule("meeting_held_by_its_body")
def test_each_kind_of_meeting_belongs_to_its_body(busy: MediationService) -> None:
    err = refused(busy, ScheduleMeeting(meeting_id="", kind=MeetingKind.JOINT, org_id="pengshanlu-room"), ADMIN)
    assert err.rules == {"meeting_held_by_its_body"}
    err = refused(busy, ScheduleMeeting(meeting_id="", kind=MeetingKind.CASE_ANALYSIS, org_id="baiyang"))
    assert err.rules == {"meeting_held_by_its_body"}
    busy.register(
        Registry.of(
            [
                Organisation(org_id="xinhua", kind=OrgKind.TOWNSHIP, name="新华街道", parent_id="district"),
                Organisation(
                    org_id="xinhua-justice", kind=OrgKind.JUSTICE_OFFICE, name="新华司法所", parent_id="xinhua"
                ),
            ]
        ),
        ADMIN,
    )
    err = refused(busy, ScheduleMeeting(meeting_id="", kind=MeetingKind.JOINT, org_id="xinhua"), ADMIN)
    assert [v.message_en for v in err.violations] == [
        "xinhua has no governance_office in the registry",
        "xinhua has no police_station in the registry",
    ]


def test_the_joint_meeting_needs_justice_governance_and_police(busy: MediationService) -> None:
    meeting = schedule(busy)
    assert [b.org_id for b in meeting.bodies] == ["baiyang-justice", "baiyang-governance", "pengshanlu-station"]
    full = hold(busy, meeting, D(2026, 7, 1), JUSTICE, GOVERNANCE, POLICE)
    assert full.status is MeetingStatus.HELD
    assert (full.quorum, full.missing) == (True, ())
    second = hold(busy, schedule(busy), D(2026, 7, 1), JUSTICE, GOVERNANCE, ZHANG)
    assert (second.quorum, second.missing) == (False, ("pengshanlu-station",))


def test_the_case_analysis_quorum_is_a_policy_share_of_the_rooms_mediators(busy: MediationService) -> None:
    meeting = schedule(busy, kind=MeetingKind.CASE_ANALYSIS)
    assert (meeting.members, meeting.quorum_needed) == (("m-liu", "m-zhang"), 1)
    held = hold(busy, meeting, D(2026, 7, 1), LIU)
    assert (held.quorum, held.missing) == (True, ("m-zhang",))
    busy.policy = attrs.evolve(busy.policy, case_analysis_quorum_percent=100)
    strict = schedule(busy, kind=MeetingKind.CASE_ANALYSIS)
    assert strict.quorum_needed == 2
    assert hold(busy, strict, D(2026, 7, 1), LIU).quorum is False


@pytest.mark.rule("minutes_recorded")
def test_minutes_and_attendance_are_recorded(busy: MediationService) -> None:
    meeting = schedule(busy)
    err = refused(busy, HoldMeeting(meeting_id=meeting.stream_id, on=D(2026, 7, 1), attendees=(), minutes=" "))
    assert {v.field for v in err.violations} == {"attendees", "minutes"}
    stranger = Attendee(person_id="x", name="某人", org_id="nowhere")
    err = refused(
        busy, HoldMeeting(meeting_id=meeting.stream_id, on=D(2026, 7, 1), attendees=(stranger,), minutes="纪要")
    )
    assert [v.field for v in err.violations] == ["attendees[0]"]


@pytest.mark.rule("action_items_assigned")
def test_action_items_need_an_owner_a_task_and_a_due_date(busy: MediationService) -> None:
    meeting = schedule(busy)
    bad = ActionItemDraft(owner_id="", owner_name="", owner_org_id="nowhere", task=" ", due=D(2026, 6, 30))
    err = refused(
        busy,
        HoldMeeting(
            meeting_id=meeting.stream_id, on=D(2026, 7, 1), attendees=(JUSTICE,), minutes="纪要", action_items=(bad,)
        ),
    )
    assert [v.field for v in err.violations] == [
        "action_items[0].owner_id",
        "action_items[0].task",
        "action_items[0].due",
    ]
    assert busy.store.document("meeting", meeting.stream_id).body["status"] == "scheduled"  # type: ignore[union-attr]


@pytest.mark.rule("linked_cases_in_scope")
def test_decisions_name_cases_of_the_meetings_scope(busy: MediationService) -> None:
    meeting = schedule(busy)
    err = refused(
        busy,
        HoldMeeting(
            meeting_id=meeting.stream_id,
            on=D(2026, 7, 1),
            attendees=(JUSTICE,),
            minutes="纪要",
            decisions=(Decision(text="联合化解", case_ids=("c-risk", "elsewhere")),),
        ),
    )
    assert [(v.field, v.message_en) for v in err.violations] == [
        ("decisions[0].case_ids", "elsewhere is not a case of baiyang")
    ]


@pytest.mark.rule("action_item_open")
def test_action_items_become_deadlines_until_done(busy: MediationService, clock: StoryClock) -> None:
    meeting = schedule(busy)
    assert [(d.kind, d.due) for d in meeting.deadlines] == [(DeadlineKind.MEETING, D(2026, 7, 10))]
    items = (
        ActionItemDraft(
            owner_id="p1",
            owner_name="陈警官",
            owner_org_id="pengshanlu-station",
            task="约谈双方",
            due=D(2026, 7, 8),
            case_ids=("c-risk",),
        ),
        ActionItemDraft(
            owner_id="m-zhang", owner_name="张明", owner_org_id="pengshanlu-room", task="回访", due=D(2026, 7, 20)
        ),
    )
    held = hold(busy, meeting, D(2026, 7, 1), JUSTICE, GOVERNANCE, POLICE, action_items=items)
    assert [(d.kind, d.due, d.ref) for d in held.deadlines] == [
        (DeadlineKind.ACTION_ITEM, D(2026, 7, 8), "1"),
        (DeadlineKind.ACTION_ITEM, D(2026, 7, 20), "2"),
    ]
    clock.set(D(2026, 7, 9))
    swept = [(i.stream_id, i.deadline.ref) for i in busy.sweep() if i.deadline.kind is DeadlineKind.ACTION_ITEM]
    assert swept == [(meeting.stream_id, "1")]
    done = busy.handle(CompleteActionItem(meeting_id=meeting.stream_id, item=1, on=D(2026, 7, 9)), TOWNSHIP)
    assert done.action_items[0].late
    assert [d.ref for d in done.deadlines] == ["2"]
    assert [d.ref for _, d in busy.store.deadlines_due(D(2026, 12, 31)) if d.kind is DeadlineKind.ACTION_ITEM] == ["2"]
    err = refused(busy, CompleteActionItem(meeting_id=meeting.stream_id, item=1, on=D(2026, 7, 9)))
    assert err.rules == {"action_item_open"}
    err = refused(busy, CompleteActionItem(meeting_id=meeting.stream_id, item=7, on=D(2026, 7, 9)))
    assert err.violations[0].message_en == "no action item 7"


def test_the_next_agenda_carries_due_action_items(busy: MediationService, clock: StoryClock) -> None:
    item = ActionItemDraft(
        owner_id="p1", owner_name="陈警官", owner_org_id="pengshanlu-station", task="约谈双方", due=D(2026, 7, 8)
    )
    hold(busy, schedule(busy), D(2026, 7, 1), JUSTICE, GOVERNANCE, POLICE, action_items=(item,))
    clock.set(D(2026, 8, 3))
    nxt = schedule(busy)
    assert nxt.agenda[-1].reasons == (AgendaReason.ACTION_ITEM,)
    assert nxt.agenda[-1].title == "约谈双方"


@pytest.mark.rule("cancellation_explained")
@pytest.mark.rule("meeting_lifecycle")
def test_a_cancelled_meeting_is_explained_and_cannot_be_held(busy: MediationService) -> None:
    meeting = schedule(busy)
    err = refused(busy, CancelMeeting(meeting_id=meeting.stream_id, on=D(2026, 7, 1), reason=""))
    assert err.rules == {"cancellation_explained"}
    cancelled = busy.handle(CancelMeeting(meeting_id=meeting.stream_id, on=D(2026, 7, 1), reason="防汛"), TOWNSHIP)
    assert cancelled.status is MeetingStatus.CANCELLED
    assert cancelled.deadlines == ()
    err = refused(
        busy, HoldMeeting(meeting_id=meeting.stream_id, on=D(2026, 7, 1), attendees=(JUSTICE,), minutes="纪要")
    )
    assert err.rules == {"meeting_lifecycle"}
    with pytest.raises(NotFoundError):
        busy.handle(CancelMeeting(meeting_id="no-such-meeting", on=D(2026, 7, 1), reason="x"), TOWNSHIP)
    with pytest.raises(RuleViolationError) as missing:
        MEETINGS.execute(
            CancelMeeting(meeting_id="no-such-meeting", on=D(2026, 7, 1), reason="x"), None, busy.context(busy.clock())
        )
    assert [v.field for v in missing.value.violations] == ["meeting_id"]


def test_the_compliance_report(busy: MediationService, clock: StoryClock) -> None:
    hold(busy, schedule(busy, D(2026, 5, 14)), D(2026, 5, 14), JUSTICE, GOVERNANCE, POLICE)
    hold(busy, schedule(busy, D(2026, 6, 10)), D(2026, 6, 10), JUSTICE, GOVERNANCE)
    cancelled = schedule(busy)
    busy.handle(CancelMeeting(meeting_id=cancelled.stream_id, on=D(2026, 7, 1), reason="防汛"), TOWNSHIP)
    hold(busy, schedule(busy, kind=MeetingKind.CASE_ANALYSIS), D(2026, 6, 30), ZHANG, LIU)
    slots = busy.meeting_compliance(Period(start=D(2026, 4, 1), end=D(2026, 7, 31)), "district", CENTRE)
    joint = {s.slot.label: (s.compliance, s.missing) for s in slots if s.kind is MeetingKind.JOINT}
    assert joint == {
        "2026-04": (Compliance.MISSED, ()),
        "2026-05": (Compliance.HELD, ()),
        "2026-06": (Compliance.NO_QUORUM, ("pengshanlu-station",)),
        "2026-07": (Compliance.PENDING, ()),
    }
    rooms = {s.slot.label: s.compliance for s in slots if s.kind is MeetingKind.CASE_ANALYSIS}
    assert rooms == {
        "2026-04": Compliance.MISSED,
        "2026-05": Compliance.MISSED,
        "2026-06": Compliance.HELD,
        "2026-07": Compliance.PENDING,
    }
    clock.set(D(2026, 8, 1))
    later = busy.meeting_compliance(Period.month(2026, 7), "baiyang", TOWNSHIP)
    assert [(s.kind, s.compliance) for s in later] == [
        (MeetingKind.JOINT, Compliance.MISSED),
        (MeetingKind.CASE_ANALYSIS, Compliance.MISSED),
    ]


def test_attendance_counts_the_rooms_held_case_analysis_meetings(busy: MediationService) -> None:
    hold(busy, schedule(busy, kind=MeetingKind.CASE_ANALYSIS), D(2026, 6, 30), ZHANG, LIU)
    hold(busy, schedule(busy, kind=MeetingKind.CASE_ANALYSIS), D(2026, 7, 1), ZHANG)
    schedule(busy, kind=MeetingKind.CASE_ANALYSIS)  # scheduled, not held: not expected yet
    meetings = busy.meetings("pengshanlu-room", DIRECTOR)
    assert attendance(meetings, "m-liu", "pengshanlu-room", Period.year(2026)) == (2, 1)
    assert attendance(meetings, "m-zhang", "pengshanlu-room", Period.year(2026)) == (2, 2)


def test_a_scheduled_meeting_notifies_the_bodies_and_is_stored(busy: MediationService) -> None:
    meeting = schedule(busy)
    (entry,) = [e for e in busy.store.outbox() if e.notice.kind is NoticeKind.MEETING_SCHEDULED]
    assert [(r.role, r.org_id) for r in entry.notice.recipients] == [
        ("justice_office", "baiyang-justice"),
        ("governance_office", "baiyang-governance"),
        ("station_liaison", "pengshanlu-station"),
    ]
    resolution = resolve(entry.notice.recipients, busy.registry())
    assert [a.name for a in resolution.addressees] == ["柏杨司法所", "柏杨街道综治办", "陈警官"]
    assert resolution.unresolved == ()
    doc = busy.store.document("meeting", meeting.stream_id)
    assert doc is not None
    assert doc.tags == {"org_id": "baiyang", "kind": "joint", "status": "scheduled", "month": "2026-07"}


def test_only_the_bodies_in_scope_keep_meeting_records(busy: MediationService) -> None:
    with pytest.raises(AuthorisationError):
        busy.handle(ScheduleMeeting(meeting_id="", kind=MeetingKind.JOINT, org_id="baiyang"), MEDIATOR)
    with pytest.raises(AuthorisationError):
        busy.meeting_compliance(Period.month(2026, 6), "district", MEDIATOR)
