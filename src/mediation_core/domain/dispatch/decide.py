"""``execute(command, state, context)`` for 110 dispatches."""

from __future__ import annotations

import operator

from mediation_core.domain.case.rules import common
from mediation_core.domain.dispatch import commands as c
from mediation_core.domain.dispatch import events as ev
from mediation_core.domain.dispatch import rules as r
from mediation_core.domain.dispatch.state import FOLD, TRANSITIONS
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.lifecycle import Lifecycle


def _recorded(cmd: c.RecordDispatch, state: None, ctx: DecisionContext) -> list[ev.DispatchEvent]:
    return [
        ev.DispatchRecorded(
            station_id=cmd.station_id,
            room_id=cmd.room_id,
            incident_number=cmd.incident_number,
            call_received_at=cmd.call_received_at,
            place=cmd.place,
            officers=cmd.officers,
            summary=cmd.summary,
            mediator_id=cmd.mediator_id,
        )
    ]


DECIDERS: dict[type[c.DispatchCommand], Decider] = {}

lifecycle = lifecycle_rule(
    "dispatch_lifecycle",
    what_zh="接处警记录",
    what_en="dispatch",
    id_field="dispatch_id",
    deciders=DECIDERS,
    transitions=TRANSITIONS,
    creating=ev.DispatchRecorded,
    basis="接处警流程 (transition table of mediation_core.domain.dispatch.state)",
)

BASE = (lifecycle, common.date_not_in_future, r.dispatch_date_order)

DECIDERS.update(
    {
        c.RecordDispatch: Decider(emits=ev.DispatchRecorded, rules=(lifecycle, r.dispatch_recorded), build=_recorded),
        c.SettleOnScene: Decider(
            emits=ev.SettledOnScene,
            rules=(*BASE, r.no_public_order_matter, r.settled_on_the_scene),
            build=lambda cmd, state, ctx: [
                ev.SettledOnScene(
                    on=cmd.on,
                    case_id=cmd.case_id,
                    mediator_id=cmd.mediator_id,
                    police_finding=cmd.police_finding,
                    finding_by=cmd.finding_by,
                )
            ],
        ),
        c.HandDispatchToRoom: Decider(
            emits=ev.HandedToRoom,
            rules=(*BASE, r.no_public_order_matter),
            build=lambda cmd, state, ctx: [
                ev.HandedToRoom(
                    on=cmd.on, referral_id=cmd.referral_id, police_finding=cmd.police_finding, finding_by=cmd.finding_by
                )
            ],
        ),
        c.KeepAsPoliceMatter: Decider(
            emits=ev.KeptAsPoliceMatter,
            rules=(*BASE, r.police_matter_reasoned),
            build=lambda cmd, state, ctx: [
                ev.KeptAsPoliceMatter(on=cmd.on, reason=cmd.reason, police_reference=cmd.police_reference)
            ],
        ),
    }
)


DISPATCHES = Lifecycle(
    name="dispatch",
    fold=FOLD,
    deciders=DECIDERS,
    stream_of=operator.attrgetter("dispatch_id"),
    commands=c.COMMAND_TYPES,
)
"""The dispatch's fold and deciders: what the service replays and decides."""


execute = DISPATCHES.execute
"""``execute(command, state, context)``: the events and the state after them, or ``RuleViolationError``."""
