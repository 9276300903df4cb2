"""The meeting decisions: per command the rules that guard it and the events it records, and
:data:`MEETINGS`, the lifecycle the service runs them through."""

from __future__ import annotations

from mediation_core.domain.case.rules.common import date_not_in_future
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.lifecycle import Lifecycle
from mediation_core.domain.meeting.commands import CancelMeeting, CompleteActionItem, HoldMeeting, ScheduleMeeting
from mediation_core.domain.meeting.context import MeetingContext
from mediation_core.domain.meeting.events import ActionItemCompleted, MeetingCancelled, MeetingHeld, MeetingScheduled
from mediation_core.domain.meeting.kinds import MEETING_BASIS, Body, MeetingKind, joint_bodies, quorum_for, quorum_of
from mediation_core.domain.meeting.minutes import ActionItem
from mediation_core.domain.meeting.rules import (
    action_item_open,
    action_items_assigned,
    cancellation_explained,
    linked_cases_in_scope,
    meeting_held_by_its_body,
    meeting_on_working_day,
    minutes_recorded,
)
from mediation_core.domain.meeting.schedule import meeting_deadline, next_proposed_date
from mediation_core.domain.meeting.state import FOLD, TRANSITIONS, Meeting
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind


def _scheduled(cmd: ScheduleMeeting, state: None, ctx: MeetingContext) -> list[DomainEvent]:
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
MEETINGS = Lifecycle(name="meeting", fold=FOLD, deciders=DECIDERS, context=MeetingContext)
