"""The finding decisions: per command the rules that guard it and the events it records, and
:data:`FINDINGS`, the lifecycle the service runs them through."""

from __future__ import annotations

from mediation_core.domain.case.rules.common import date_not_in_future
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.lifecycle import Lifecycle
from mediation_core.domain.misconduct.commands import RecordMisconduct, RevokeFinding
from mediation_core.domain.misconduct.events import FindingRevoked, MisconductFound
from mediation_core.domain.misconduct.rules import (
    ART_15,
    finding_recorded,
    removal_needs_serious_finding,
    revocation_explained,
)
from mediation_core.domain.misconduct.state import FOLD, TRANSITIONS


def _found(cmd: RecordMisconduct, state: None, ctx: DecisionContext) -> list[DomainEvent]:
    return [
        MisconductFound(
            mediator_id=cmd.mediator_id,
            room_id=cmd.room_id,
            kind=cmd.kind,
            on=cmd.on,
            facts=cmd.facts,
            case_id=cmd.case_id,
            serious=cmd.serious,
            sanction=cmd.sanction,
        )
    ]


DECIDERS: dict[type, Decider] = {}
finding_lifecycle = lifecycle_rule(
    "finding_lifecycle",
    what_zh="违纪认定",
    what_en="misconduct finding",
    id_field="finding_id",
    deciders=DECIDERS,
    transitions=TRANSITIONS,
    creating=MisconductFound,
    basis=ART_15,
)
DECIDERS.update(
    {
        RecordMisconduct: Decider(
            emits=MisconductFound,
            rules=(finding_lifecycle, date_not_in_future, finding_recorded, removal_needs_serious_finding),
            build=_found,
        ),
        RevokeFinding: Decider(
            emits=FindingRevoked,
            rules=(finding_lifecycle, date_not_in_future, revocation_explained),
            build=lambda cmd, state, ctx: [FindingRevoked(on=cmd.on, reason=cmd.reason)],
        ),
    }
)
FINDINGS = Lifecycle(name="misconduct", fold=FOLD, deciders=DECIDERS)
