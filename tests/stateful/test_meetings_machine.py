"""A RuleBasedStateMachine over the standing meetings, through the service and a store.

Meetings of both kinds are scheduled, held with any attendance, cancelled and their action
items completed, validly or not, while the days pass. After every step: a refused command
changed nothing; every stored meeting replays to the state the model expects; the open
deadlines are the meeting date while scheduled and the open action items once held; the
quorum follows the attendance; the compliance report agrees with the held meetings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from builders import ADMIN
from mediation_core.app.coordination import meetings_of
from mediation_core.app.service import MediationService, event_of
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.meeting.commands import CancelMeeting, CompleteActionItem, HoldMeeting, ScheduleMeeting
from mediation_core.domain.meeting.compliance import Compliance
from mediation_core.domain.meeting.decide import MEETINGS
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.meeting.minutes import ActionItemDraft, Attendee
from mediation_core.domain.meeting.state import MeetingStatus
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.domain.values.periods import Period
from mediation_core.plugins.manager import load_plugins
from mediation_memory import MemoryStore

BODIES = ("baiyang-justice", "baiyang-governance", "pengshanlu-station")
PEOPLE = {
    "j1": Attendee(person_id="j1", name="司法所长", org_id="baiyang-justice"),
    "g1": Attendee(person_id="g1", name="综治办主任", org_id="baiyang-governance"),
    "p1": Attendee(person_id="p1", name="陈警官", org_id="pengshanlu-station"),
    "m-zhang": Attendee(person_id="m-zhang", name="张明", org_id="pengshanlu-room"),
    "m-liu": Attendee(person_id="m-liu", name="刘芳", org_id="pengshanlu-room"),
}


class Meetings(RuleBasedStateMachine):
    """The model: per meeting, its status, kind, attendance and open action items."""

    meetings = Bundle("meetings")

    def __init__(self) -> None:
        super().__init__()
        self.today = dt.date(2026, 6, 1)
        self.serial = 0
        self.service = MediationService(
            MemoryStore(), plugins=load_plugins(autoload=False, strict=True), clock=self.now, new_id=self.next_id
        )
        self.service.register(demo_registry(), ADMIN)
        self.model: dict[str, dict[str, Any]] = {}

    def now(self) -> dt.datetime:
        return dt.datetime.combine(self.today, dt.time(10), CHINA_TZ)

    def next_id(self) -> str:
        self.serial += 1
        return f"meeting-{self.serial}"

    def working_day(self, day: dt.date) -> bool:
        return self.service.calendar.is_working_day(day, self.service.policy.beyond_calendar)

    def refused(self, command: object, meeting_id: str) -> None:
        before = self.service.store.read(meeting_id)
        with pytest.raises(RuleViolationError):
            self.service.handle(command, ADMIN)
        assert self.service.store.read(meeting_id) == before

    @rule(days=st.integers(0, 12))
    def days_pass(self, days: int) -> None:
        self.today += dt.timedelta(days=days)

    @rule(target=meetings, kind=st.sampled_from(MeetingKind), offset=st.none() | st.integers(-3, 20))
    def schedule(self, kind: MeetingKind, offset: int | None) -> str:
        org = "baiyang" if kind is MeetingKind.JOINT else "pengshanlu-room"
        on = None if offset is None else self.today + dt.timedelta(days=offset)
        command = ScheduleMeeting(meeting_id="", kind=kind, org_id=org, on=on)
        if on is not None and not self.working_day(on):
            self.refused(command, f"meeting-{self.serial + 1}")  # the id the service draws next
            return ""
        meeting = self.service.handle(command, ADMIN)
        assert self.working_day(meeting.on)
        assert meeting.on >= self.today or on is not None
        self.model[meeting.stream_id] = {"status": MeetingStatus.SCHEDULED, "kind": kind, "items": {}, "quorum": None}
        return str(meeting.stream_id)

    @rule(
        meeting_id=meetings,
        present=st.sets(st.sampled_from(sorted(PEOPLE)), min_size=1),
        dues=st.lists(st.integers(-2, 30), max_size=3),
        back=st.integers(0, 3),
    )
    def hold(self, meeting_id: str, present: set[str], dues: list[int], back: int) -> None:
        if not meeting_id:
            return
        on = self.today - dt.timedelta(days=back)
        items = tuple(
            ActionItemDraft(
                owner_id="p1",
                owner_name="陈警官",
                owner_org_id="pengshanlu-station",
                task="落实",
                due=on + dt.timedelta(days=d),
            )
            for d in dues
        )
        command = HoldMeeting(
            meeting_id=meeting_id,
            on=on,
            attendees=tuple(PEOPLE[p] for p in sorted(present)),
            minutes="纪要",
            action_items=items,
        )
        entry = self.model[meeting_id]
        if entry["status"] is not MeetingStatus.SCHEDULED or any(d < 0 for d in dues):
            self.refused(command, meeting_id)
            return
        held = self.service.handle(command, ADMIN)
        orgs = {PEOPLE[p].org_id for p in present}
        expected = set(BODIES) <= orgs if entry["kind"] is MeetingKind.JOINT else bool(present & {"m-zhang", "m-liu"})
        assert held.quorum is expected
        entry.update(status=MeetingStatus.HELD, quorum=expected, held_on=on)
        entry["items"] = {n: (on + dt.timedelta(days=d), False) for n, d in enumerate(dues, start=1)}

    @rule(meeting_id=meetings, item=st.integers(1, 3))
    def complete(self, meeting_id: str, item: int) -> None:
        if not meeting_id:
            return
        entry = self.model[meeting_id]
        command = CompleteActionItem(meeting_id=meeting_id, item=item, on=self.today)
        if entry["status"] is not MeetingStatus.HELD or item not in entry["items"] or entry["items"][item][1]:
            self.refused(command, meeting_id)
            return
        self.service.handle(command, ADMIN)
        entry["items"][item] = (entry["items"][item][0], True)

    @rule(meeting_id=meetings, reason=st.sampled_from(["", "防汛"]))
    def cancel(self, meeting_id: str, reason: str) -> None:
        if not meeting_id:
            return
        entry = self.model[meeting_id]
        command = CancelMeeting(meeting_id=meeting_id, on=self.today, reason=reason)
        if entry["status"] is not MeetingStatus.SCHEDULED or not reason:
            self.refused(command, meeting_id)
            return
        self.service.handle(command, ADMIN)
        entry["status"] = MeetingStatus.CANCELLED

    @invariant()
    def stored_meetings_are_the_model(self) -> None:
        stored = {m.stream_id: m for m in meetings_of(self.service.store)}
        assert set(stored) == set(self.model)
        for meeting_id, entry in self.model.items():
            meeting = stored[meeting_id]
            records = self.service.store.read(meeting_id)
            assert MEETINGS.replay(meeting_id, [event_of(r) for r in records]) == meeting
            assert meeting.status is entry["status"]
            assert meeting.quorum is entry["quorum"]
            assert {i.item: (i.due, i.done_on is not None) for i in meeting.action_items} == entry["items"]

    @invariant()
    def open_deadlines_follow_the_status(self) -> None:
        due = self.service.store.deadlines_due(dt.date(2030, 12, 31))
        for meeting_id, entry in self.model.items():
            mine = [d for sid, d in due if sid == meeting_id]
            if entry["status"] is MeetingStatus.SCHEDULED:
                assert [d.kind for d in mine] == [DeadlineKind.MEETING]
            else:
                open_items = {str(n) for n, (_, done) in entry["items"].items() if not done}
                assert {d.ref for d in mine} == (open_items if entry["status"] is MeetingStatus.HELD else set())
                assert all(d.kind is DeadlineKind.ACTION_ITEM for d in mine)

    @invariant()
    def compliance_agrees_with_the_held_meetings(self) -> None:
        period = Period(start=dt.date(2026, 5, 1), end=dt.date(2026, 12, 31))
        for slot in self.service.meeting_compliance(period, "district", ADMIN):
            held = [
                e
                for e in self.model.values()
                if e["kind"] is slot.kind and e["status"] is MeetingStatus.HELD and e["held_on"] in slot.slot
            ]
            if any(e["quorum"] for e in held):
                assert slot.compliance is Compliance.HELD
            elif held:
                assert slot.compliance is Compliance.NO_QUORUM
            else:
                assert slot.compliance in {Compliance.MISSED, Compliance.PENDING}
                assert (slot.compliance is Compliance.PENDING) == (slot.slot.end >= self.today)

    @invariant()
    def chains_verify(self) -> None:
        assert self.service.verify() == []


def test_meetings_short() -> None:
    run_state_machine_as_test(
        Meetings,
        settings=settings(
            max_examples=40, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )


@pytest.mark.slow
def test_meetings_long() -> None:
    run_state_machine_as_test(
        Meetings,
        settings=settings(
            max_examples=120, stateful_step_count=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )
