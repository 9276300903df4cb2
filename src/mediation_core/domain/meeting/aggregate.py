"""The standing meetings (双例会): the monthly joint meeting of each township and the
case-analysis meeting of each mediation room (docs/legal-basis.md §10.3; docs/meetings.md).

The joint meeting (联席例会) brings together the township's justice office (司法所), its
governance office (综治办) and its police station(s) (派出所); it has its quorum only when every
one of them attends. The case-analysis meeting (案情分析会) is held inside a room; its quorum is a
policy share of the room's mediators. Meetings are scheduled on working days (a proposed date
per cadence block comes from policy), take their agenda from the ledger, and record minutes,
decisions and action items whose due dates become deadlines. A meeting held without its
quorum is recorded as such, not refused: the compliance report lists it.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

import attrs
from attrs import frozen

from mediation_core.domain.case.events import DomainEvent
from mediation_core.domain.case.rules.common import date_not_in_future
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.lifecycle import Lifecycle, blank
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.meeting.agenda import AgendaItem, OpenItem
from mediation_core.domain.reporting.statistics import in_scope
from mediation_core.domain.values.calendar import WorkingDayCalendar
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind
from mediation_core.domain.values.organisations import OrgKind, Registry
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.policy import Policy

JOINT_BODIES = (OrgKind.JUSTICE_OFFICE, OrgKind.GOVERNANCE_OFFICE, OrgKind.POLICE_STATION)
"""The bodies a joint meeting needs: 司法所、综治办、派出所 (docs/legal-basis.md §10.3)."""

MEETING_BASIS = "「双例会」制度 (地方实践; see docs/legal-basis.md §10.3)"


class MeetingKind(enum.Enum):
    JOINT = "joint"  # 联席例会（司法所、综治办、派出所）
    CASE_ANALYSIS = "case_analysis"  # 案情分析会（驻所调解室）

    @property
    def title_zh(self) -> str:
        return "联席例会" if self is MeetingKind.JOINT else "案情分析会"

    @property
    def held_by(self) -> OrgKind:
        """The kind of organisation that holds this kind of meeting."""
        return OrgKind.TOWNSHIP if self is MeetingKind.JOINT else OrgKind.MEDIATION_ROOM

    def cadence(self, policy: Policy) -> int:
        """One meeting per block of this many months."""
        return policy.joint_meeting_cadence_months if self is MeetingKind.JOINT else policy.case_analysis_cadence_months


class MeetingStatus(enum.Enum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def title_zh(self) -> str:
        return {"scheduled": "已安排", "held": "已召开", "cancelled": "已取消"}[self.value]


@frozen(kw_only=True)
class Body:
    """An organisation a joint meeting needs at the table."""

    org_id: str
    name: str
    kind: OrgKind


@frozen(kw_only=True)
class Attendee:
    """Someone at the meeting, and the organisation they came for."""

    person_id: str
    name: str
    org_id: str


@frozen(kw_only=True)
class Decision:
    """A decision in the minutes (会议议定), with the cases it concerns."""

    text: str
    case_ids: tuple[str, ...] = ()


@frozen(kw_only=True)
class ActionItemDraft:
    """An action item as the minutes record it: who does what by when, for which cases."""

    owner_id: str
    owner_name: str
    owner_org_id: str
    task: str
    due: dt.date
    case_ids: tuple[str, ...] = ()


@frozen(kw_only=True)
class ActionItem:
    """A numbered action item of a held meeting; ``done_on`` once completed."""

    item: int
    owner_id: str
    owner_name: str
    owner_org_id: str
    task: str
    due: dt.date
    case_ids: tuple[str, ...] = ()
    done_on: dt.date | None = None
    note: str = ""

    @property
    def late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due


# -- commands ------------------------------------------------------------------------------------
@frozen(kw_only=True)
class MeetingCommand:
    """Base of the meeting commands; ``meeting_id`` names the meeting (the service makes one
    for a new meeting)."""

    meeting_id: str

    @property
    def stream_id(self) -> str:
        return self.meeting_id


@frozen(kw_only=True)
class ScheduleMeeting(MeetingCommand):
    """安排例会: ``on`` is the date, or ``None`` for the policy's proposed working day of the
    current cadence block (the next block's once this one's has passed)."""

    kind: MeetingKind
    org_id: str
    on: dt.date | None = None
    place: str = ""
    convener_id: str = ""


@frozen(kw_only=True)
class HoldMeeting(MeetingCommand):
    """召开并记录: who attended, the minutes, the decisions and the action items."""

    on: dt.date
    attendees: tuple[Attendee, ...]
    minutes: str
    decisions: tuple[Decision, ...] = ()
    action_items: tuple[ActionItemDraft, ...] = ()


@frozen(kw_only=True)
class CompleteActionItem(MeetingCommand):
    """A numbered action item is done."""

    item: int
    on: dt.date
    note: str = ""


@frozen(kw_only=True)
class CancelMeeting(MeetingCommand):
    on: dt.date
    reason: str


# -- events --------------------------------------------------------------------------------------
@frozen(kw_only=True)
class MeetingScheduled(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "meeting.scheduled"
    kind: MeetingKind
    org_id: str
    on: dt.date
    place: str
    convener_id: str
    agenda: tuple[AgendaItem, ...]
    bodies: tuple[Body, ...]
    members: tuple[str, ...]
    quorum_needed: int
    due: Deadline


@frozen(kw_only=True)
class MeetingHeld(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "meeting.held"
    on: dt.date
    attendees: tuple[Attendee, ...]
    minutes: str
    decisions: tuple[Decision, ...]
    action_items: tuple[ActionItem, ...]
    quorum: bool
    missing: tuple[str, ...]
    deadlines: tuple[Deadline, ...]


@frozen(kw_only=True)
class ActionItemCompleted(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "meeting.action_item_completed"
    item: int
    on: dt.date
    note: str = ""


@frozen(kw_only=True)
class MeetingCancelled(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "meeting.cancelled"
    on: dt.date
    reason: str


# -- state ---------------------------------------------------------------------------------------
@frozen(kw_only=True)
class Meeting:
    """A meeting as the fold of its events."""

    stream_id: str
    version: int
    status: MeetingStatus
    kind: MeetingKind
    org_id: str
    on: dt.date
    place: str
    convener_id: str
    agenda: tuple[AgendaItem, ...]
    bodies: tuple[Body, ...]
    members: tuple[str, ...]
    quorum_needed: int
    due: Deadline
    held_on: dt.date | None = None
    attendees: tuple[Attendee, ...] = ()
    minutes: str = ""
    decisions: tuple[Decision, ...] = ()
    action_items: tuple[ActionItem, ...] = ()
    quorum: bool | None = None
    missing: tuple[str, ...] = ()
    item_deadlines: tuple[Deadline, ...] = ()
    cancelled_on: dt.date | None = None
    cancel_reason: str = ""

    @property
    def deadlines(self) -> tuple[Deadline, ...]:
        """Open deadlines: the meeting date while scheduled, then each open action item."""
        if self.status is MeetingStatus.SCHEDULED:
            return (self.due,)
        done = {str(i.item) for i in self.action_items if i.done_on is not None}
        return tuple(d for d in self.item_deadlines if d.ref not in done)

    def open_items(self) -> Iterator[OpenItem]:
        for i in self.action_items:
            if i.done_on is None:
                yield OpenItem(
                    meeting_id=self.stream_id,
                    item=i.item,
                    task=i.task,
                    owner_name=i.owner_name,
                    due=i.due,
                    case_ids=i.case_ids,
                )

    def attended(self, person_id: str) -> bool:
        return any(a.person_id == person_id for a in self.attendees)


# -- pure helpers --------------------------------------------------------------------------------
def joint_bodies(registry: Registry, township_id: str) -> tuple[Body, ...]:
    """The justice office(s), governance office(s) and police station(s) of a township."""
    found = [
        Body(org_id=o.org_id, name=o.name, kind=o.kind)
        for o in registry.organisations.values()
        if o.kind in JOINT_BODIES and o.parent_id == township_id
    ]
    return tuple(sorted(found, key=lambda b: (JOINT_BODIES.index(b.kind), b.org_id)))


def quorum_for(members: int, policy: Policy) -> int:
    """Mediators a room's case-analysis meeting needs: the policy share, at least one."""
    return max(1, math.ceil(members * policy.case_analysis_quorum_percent / 100))


def quorum_of(
    kind: MeetingKind, bodies: Iterable[Body], members: Iterable[str], needed: int, attendees: Iterable[Attendee]
) -> tuple[bool, tuple[str, ...]]:
    """Whether the attendance makes the quorum, and what is missing: the bodies that sent
    nobody (joint meeting) or the member mediators who did not come (case analysis)."""
    present_orgs = {a.org_id for a in attendees}
    present_people = {a.person_id for a in attendees}
    if kind is MeetingKind.JOINT:
        missing = tuple(b.org_id for b in bodies if b.org_id not in present_orgs)
        return not missing, missing
    absent = tuple(m for m in members if m not in present_people)
    came = len(tuple(members)) - len(absent)
    return came >= needed, absent


def proposed_date(slot: Period, policy: Policy, calendar: WorkingDayCalendar) -> dt.date:
    """The policy's working day of a cadence block (``meeting_working_day``-th working day)."""
    counted = calendar.add_working_days(
        slot.start - dt.timedelta(days=1), policy.meeting_working_day, policy.beyond_calendar
    )
    return min(counted.date, slot.end)


def next_proposed_date(kind: MeetingKind, today: dt.date, policy: Policy, calendar: WorkingDayCalendar) -> dt.date:
    """The proposed date of the current cadence block, or of the next once it has passed."""
    slot = Period.containing(today, kind.cadence(policy))
    date = proposed_date(slot, policy, calendar)
    if date < today:
        date = proposed_date(Period.containing(slot.end + dt.timedelta(days=1), kind.cadence(policy)), policy, calendar)
    return date


def meeting_deadline(on: dt.date, ctx: DecisionContext) -> Deadline:
    return Deadline(
        kind=DeadlineKind.MEETING,
        due=on,
        basis=MEETING_BASIS,
        policy=ctx.policy.label,
        calendar=ctx.calendar.version,
        estimated=not ctx.calendar.covers(on),
    )


# -- rules ---------------------------------------------------------------------------------------
@rule(
    "meeting_held_by_its_body",
    basis=MEETING_BASIS,
    kind=RuleKind.STANDARD,
    zh="联席例会由乡镇（街道）召开，案情分析会由调解室召开；联席例会须有司法所、综治办和派出所",
    en="a joint meeting belongs to a township with a justice office, governance office and police station; "
    "a case-analysis meeting to a room",
)
def meeting_held_by_its_body(cmd: ScheduleMeeting, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    org = ctx.registry.org(cmd.org_id)
    if org is None or org.kind is not cmd.kind.held_by:
        yield meeting_held_by_its_body.violation(
            "org_id",
            f"{cmd.kind.title_zh}不能由 {cmd.org_id} 召开",
            f"a {cmd.kind.value} meeting is not held by {cmd.org_id}",
        )
        return
    if cmd.kind is MeetingKind.JOINT:
        kinds = {b.kind for b in joint_bodies(ctx.registry, cmd.org_id)}
        for needed in JOINT_BODIES:
            if needed not in kinds:
                yield meeting_held_by_its_body.violation(
                    "org_id",
                    f"{org.name} 未登记{_BODY_ZH[needed]}，联席例会无法达到法定出席",
                    f"{cmd.org_id} has no {needed.value} in the registry",
                )


_BODY_ZH = {OrgKind.JUSTICE_OFFICE: "司法所", OrgKind.GOVERNANCE_OFFICE: "综治办", OrgKind.POLICE_STATION: "派出所"}


@rule(
    "meeting_on_working_day",
    basis=f"{MEETING_BASIS}; 工作日历 (国务院办公厅节假日安排)",
    kind=RuleKind.POLICY,
    zh="例会须安排在工作日",
    en="a meeting is scheduled on a working day",
)
def meeting_on_working_day(cmd: ScheduleMeeting, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.on is not None and not ctx.calendar.is_working_day(cmd.on, ctx.policy.beyond_calendar):
        yield meeting_on_working_day.violation(
            "on", f"{cmd.on.isoformat()} 不是工作日", f"{cmd.on.isoformat()} is not a working day"
        )


@rule(
    "minutes_recorded",
    basis="会议记录 (例会须记录出席、内容和议定事项)",
    kind=RuleKind.STANDARD,
    zh="须记录出席人员和会议纪要",
    en="a held meeting records who attended and its minutes",
)
def minutes_recorded(cmd: HoldMeeting, state: Meeting, ctx: DecisionContext) -> Iterator[Violation]:
    if not cmd.attendees:
        yield minutes_recorded.violation("attendees", "须记录出席人员", "no attendees recorded")
    if blank(cmd.minutes):
        yield minutes_recorded.violation("minutes", "会议纪要不得为空", "the minutes must not be blank")
    for i, a in enumerate(cmd.attendees):
        if blank(a.person_id) or blank(a.name) or ctx.registry.org(a.org_id) is None:
            yield minutes_recorded.violation(
                f"attendees[{i}]",
                "出席人员须有姓名、身份和登记的所属单位",
                "an attendee needs an id, a name and a known body",
            )


@rule(
    "action_items_assigned",
    basis="议定事项须明确责任人、完成时限 (督办)",
    kind=RuleKind.STANDARD,
    zh="议定事项须有责任人、事项内容和不早于会议日期的完成时限",
    en="an action item has an owner, a task and a due date on or after the meeting",
)
def action_items_assigned(cmd: HoldMeeting, state: Meeting, ctx: DecisionContext) -> Iterator[Violation]:
    for i, draft in enumerate(cmd.action_items):
        if blank(draft.owner_id) or blank(draft.owner_name) or ctx.registry.org(draft.owner_org_id) is None:
            yield action_items_assigned.violation(f"action_items[{i}].owner_id", "须明确责任人及其单位", "no owner")
        if blank(draft.task):
            yield action_items_assigned.violation(f"action_items[{i}].task", "事项内容不得为空", "blank task")
        if draft.due < cmd.on:
            yield action_items_assigned.violation(
                f"action_items[{i}].due",
                f"完成时限 {draft.due.isoformat()} 早于会议日期",
                f"due {draft.due.isoformat()} before the meeting",
            )


@rule(
    "linked_cases_in_scope",
    basis="会议研究本辖区案件 (双例会)",
    kind=RuleKind.STANDARD,
    zh="决定和议定事项关联的案件须为本辖区案件",
    en="decisions and action items name cases of the meeting's own scope",
)
def linked_cases_in_scope(cmd: HoldMeeting, state: Meeting, ctx: DecisionContext) -> Iterator[Violation]:
    named = [(f"decisions[{i}].case_ids", d.case_ids) for i, d in enumerate(cmd.decisions)]
    named += [(f"action_items[{i}].case_ids", a.case_ids) for i, a in enumerate(cmd.action_items)]
    for field, case_ids in named:
        for case_id in case_ids:
            if case_id not in ctx.scope_cases:
                yield linked_cases_in_scope.violation(
                    field, f"案件 {case_id} 不是本辖区案件", f"{case_id} is not a case of {state.org_id}"
                )


@rule(
    "action_item_open",
    basis="议定事项办结登记",
    kind=RuleKind.STANDARD,
    zh="只能办结本次会议尚未办结的议定事项",
    en="only an open action item of this meeting can be completed",
)
def action_item_open(cmd: CompleteActionItem, state: Meeting, ctx: DecisionContext) -> Iterator[Violation]:
    found = next((i for i in state.action_items if i.item == cmd.item), None)
    if found is None:
        yield action_item_open.violation("item", f"没有第 {cmd.item} 项议定事项", f"no action item {cmd.item}")
    elif found.done_on is not None:
        yield action_item_open.violation("item", f"第 {cmd.item} 项已办结", f"action item {cmd.item} is done already")
    elif state.held_on is not None and cmd.on < state.held_on:
        yield action_item_open.violation("on", "办结日期早于会议日期", "completed before the meeting was held")


@rule(
    "cancellation_explained",
    basis="例会取消须说明理由 (合规报告)",
    kind=RuleKind.STANDARD,
    zh="取消例会须说明理由",
    en="a cancelled meeting records why",
)
def cancellation_explained(cmd: CancelMeeting, state: Meeting, ctx: DecisionContext) -> Iterator[Violation]:
    if blank(cmd.reason):
        yield cancellation_explained.violation("reason", "须说明取消理由", "the reason must not be blank")


# -- builders and handlers -----------------------------------------------------------------------
def _scheduled(cmd: ScheduleMeeting, state: None, ctx: DecisionContext) -> list[DomainEvent]:
    on = cmd.on or next_proposed_date(cmd.kind, ctx.today, ctx.policy, ctx.calendar)
    bodies: tuple[Body, ...] = ()
    members: tuple[str, ...] = ()
    if cmd.kind is MeetingKind.JOINT:
        bodies = joint_bodies(ctx.registry, cmd.org_id)
        needed = len(bodies)
    else:
        members = tuple(m.mediator_id for m in ctx.registry.mediators_of(cmd.org_id))
        needed = quorum_for(len(members), ctx.policy)
    return [
        MeetingScheduled(
            kind=cmd.kind,
            org_id=cmd.org_id,
            on=on,
            place=cmd.place,
            convener_id=cmd.convener_id,
            agenda=ctx.agenda,
            bodies=bodies,
            members=members,
            quorum_needed=needed,
            due=meeting_deadline(on, ctx),
        )
    ]


def _held(cmd: HoldMeeting, state: Meeting, ctx: DecisionContext) -> list[DomainEvent]:
    quorum, missing = quorum_of(state.kind, state.bodies, state.members, state.quorum_needed, cmd.attendees)
    items = tuple(
        ActionItem(
            item=n,
            owner_id=d.owner_id,
            owner_name=d.owner_name,
            owner_org_id=d.owner_org_id,
            task=d.task,
            due=d.due,
            case_ids=d.case_ids,
        )
        for n, d in enumerate(cmd.action_items, start=1)
    )
    deadlines = tuple(
        Deadline(
            kind=DeadlineKind.ACTION_ITEM,
            due=i.due,
            basis=f"{state.kind.title_zh}议定事项第{i.item}项",
            policy=ctx.policy.label,
            calendar=ctx.calendar.version,
            ref=str(i.item),
        )
        for i in items
    )
    return [
        MeetingHeld(
            on=cmd.on,
            attendees=cmd.attendees,
            minutes=cmd.minutes,
            decisions=cmd.decisions,
            action_items=items,
            quorum=quorum,
            missing=missing,
            deadlines=deadlines,
        )
    ]


def _start(stream_id: str, e: MeetingScheduled) -> Meeting:
    return Meeting(
        stream_id=stream_id,
        version=0,
        status=MeetingStatus.SCHEDULED,
        kind=e.kind,
        org_id=e.org_id,
        on=e.on,
        place=e.place,
        convener_id=e.convener_id,
        agenda=e.agenda,
        bodies=e.bodies,
        members=e.members,
        quorum_needed=e.quorum_needed,
        due=e.due,
    )


def _apply_held(s: Meeting, e: MeetingHeld) -> dict[str, Any]:
    return {
        "held_on": e.on,
        "attendees": e.attendees,
        "minutes": e.minutes,
        "decisions": e.decisions,
        "action_items": e.action_items,
        "quorum": e.quorum,
        "missing": e.missing,
        "item_deadlines": e.deadlines,
    }


def _apply_completed(s: Meeting, e: ActionItemCompleted) -> dict[str, Any]:
    items = tuple(attrs.evolve(i, done_on=e.on, note=e.note) if i.item == e.item else i for i in s.action_items)
    return {"action_items": items}


def _apply_cancelled(s: Meeting, e: MeetingCancelled) -> dict[str, Any]:
    return {"cancelled_on": e.on, "cancel_reason": e.reason}


S = MeetingStatus
TRANSITIONS = {
    (None, MeetingScheduled): S.SCHEDULED,
    (S.SCHEDULED, MeetingHeld): S.HELD,
    (S.SCHEDULED, MeetingCancelled): S.CANCELLED,
    (S.HELD, ActionItemCompleted): S.HELD,
}
DECIDERS: dict[type, Decider] = {}
meeting_lifecycle = lifecycle_rule(
    "meeting_lifecycle",
    what_zh="例会",
    what_en="meeting",
    id_field="meeting_id",
    deciders=DECIDERS,
    transitions=TRANSITIONS,
    creating=MeetingScheduled,
    basis=f"{MEETING_BASIS} (docs/meetings.md, transition table)",
)
DECIDERS.update(
    {
        ScheduleMeeting: Decider(
            emits=MeetingScheduled,
            rules=(meeting_lifecycle, meeting_held_by_its_body, meeting_on_working_day),
            build=_scheduled,
        ),
        HoldMeeting: Decider(
            emits=MeetingHeld,
            rules=(
                meeting_lifecycle,
                date_not_in_future,
                minutes_recorded,
                action_items_assigned,
                linked_cases_in_scope,
            ),
            build=_held,
        ),
        CompleteActionItem: Decider(
            emits=ActionItemCompleted,
            rules=(meeting_lifecycle, date_not_in_future, action_item_open),
            build=lambda cmd, state, ctx: [ActionItemCompleted(item=cmd.item, on=cmd.on, note=cmd.note)],
        ),
        CancelMeeting: Decider(
            emits=MeetingCancelled,
            rules=(meeting_lifecycle, date_not_in_future, cancellation_explained),
            build=lambda cmd, state, ctx: [MeetingCancelled(on=cmd.on, reason=cmd.reason)],
        ),
    }
)
MEETINGS = Lifecycle(
    name="meeting",
    transitions=TRANSITIONS,
    start=_start,
    apply={MeetingHeld: _apply_held, ActionItemCompleted: _apply_completed, MeetingCancelled: _apply_cancelled},
    deciders=DECIDERS,
)


# -- compliance ----------------------------------------------------------------------------------
class Compliance(enum.Enum):
    """How an organisation stands for one cadence block."""

    HELD = "held"  # 按期召开，出席达标
    NO_QUORUM = "no_quorum"  # 召开但出席不达标
    MISSED = "missed"  # 未召开
    PENDING = "pending"  # 本期尚未结束，尚未召开

    @property
    def title_zh(self) -> str:
        return {"held": "按期召开", "no_quorum": "出席不达标", "missed": "未召开", "pending": "待召开"}[self.value]


@frozen(kw_only=True)
class MeetingSlot:
    """One organisation's meeting obligation for one cadence block, and how it was met."""

    kind: MeetingKind
    org_id: str
    org_name: str
    slot: Period
    compliance: Compliance
    meeting_ids: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    overdue_items: int = 0


def compliance(
    meetings: Iterable[Meeting],
    *,
    registry: Registry,
    scope_id: str,
    period: Period,
    policy: Policy,
    today: dt.date,
) -> list[MeetingSlot]:
    """For every township (joint meeting) and room (case-analysis meeting) in scope and every
    cadence block of ``period``: held with quorum, held without it, missed, or still pending.

    A block counts as held when at least one meeting of that kind was held in it with its
    quorum; cancelled meetings do not count. ``overdue_items`` counts the open action items
    past due of the meetings held in the block."""
    by_org: dict[tuple[MeetingKind, str], list[Meeting]] = {}
    for m in meetings:
        by_org.setdefault((m.kind, m.org_id), []).append(m)
    out = []
    for kind in MeetingKind:
        holders = sorted(
            (
                o
                for o in registry.organisations.values()
                if o.kind is kind.held_by and in_scope(registry, scope_id, o.org_id)
            ),
            key=lambda o: o.org_id,
        )
        for org in holders:
            for slot in period.slots(kind.cadence(policy)):
                held = [
                    m
                    for m in by_org.get((kind, org.org_id), [])
                    if m.status is MeetingStatus.HELD and m.held_on in slot
                ]
                overdue = sum(1 for m in held for i in m.open_items() if i.due < today)
                missing: tuple[str, ...] = ()
                if any(m.quorum for m in held):
                    state = Compliance.HELD
                elif held:
                    state = Compliance.NO_QUORUM
                    missing = tuple(dict.fromkeys(x for m in held for x in m.missing))
                else:
                    state = Compliance.PENDING if slot.end >= today else Compliance.MISSED
                out.append(
                    MeetingSlot(
                        kind=kind,
                        org_id=org.org_id,
                        org_name=org.name,
                        slot=slot,
                        compliance=state,
                        meeting_ids=tuple(m.stream_id for m in held),
                        missing=missing,
                        overdue_items=overdue,
                    )
                )
    return out


def attendance(meetings: Iterable[Meeting], mediator_id: str, room_id: str, period: Period) -> tuple[int, int]:
    """(held case-analysis meetings of the room in ``period``, those the mediator attended)."""
    held = [
        m
        for m in meetings
        if m.kind is MeetingKind.CASE_ANALYSIS
        and m.org_id == room_id
        and m.status is MeetingStatus.HELD
        and m.held_on in period
    ]
    return len(held), sum(1 for m in held if m.attended(mediator_id))
