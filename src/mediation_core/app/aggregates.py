"""Aggregate types the service can handle: how each is identified, replayed, guarded,
decided and projected. The case is the first; referrals and meetings follow the same shape,
so the service has one load → decide → append loop for all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from attrs import field, frozen

from mediation_core.app.authorisation import Readers, authorise_case_command, authorise_linkage_command, readers_by_tags
from mediation_core.app.ports import Document, Store
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.decide import CASES as LIFECYCLE_CASES
from mediation_core.domain.case.state import CaseState, CaseStatus
from mediation_core.domain.dispatch import commands as dc
from mediation_core.domain.dispatch.decide import DISPATCHES as LIFECYCLE_DISPATCHES
from mediation_core.domain.dispatch.state import DispatchState
from mediation_core.domain.errors import CaseNotFoundError, NotFoundError
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.kernel.lifecycle import Lifecycle
from mediation_core.domain.kernel.rulebook import Violation
from mediation_core.domain.linkage import (
    case_follow_ons,
    dispatch_follow_ons,
    police_follow_ons,
    referral_follow_ons,
    traffic_follow_ons,
)
from mediation_core.domain.police_case import commands as pc
from mediation_core.domain.police_case.decide import POLICE_CASES as LIFECYCLE_POLICE_CASES
from mediation_core.domain.police_case.state import PoliceCaseState
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral.decide import REFERRALS as LIFECYCLE_REFERRALS
from mediation_core.domain.referral.rules import issued_by_station
from mediation_core.domain.referral.state import ReferralState
from mediation_core.domain.reporting.evaluation import EvaluationItem
from mediation_core.domain.reporting.ledger import LedgerRow, earlier_case, ledger_row
from mediation_core.domain.reporting.repeats import PartyKeyer
from mediation_core.domain.screening import commands as sc
from mediation_core.domain.screening.decide import SCREENINGS as LIFECYCLE_SCREENINGS
from mediation_core.domain.screening.kinds import ScreeningAction
from mediation_core.domain.screening.state import Screening
from mediation_core.domain.traffic import commands as tc
from mediation_core.domain.traffic.decide import TRAFFIC as LIFECYCLE_TRAFFIC
from mediation_core.domain.traffic.state import TrafficState
from mediation_core.domain.values.actors import Actor
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.parties import holds_sensitive_data
from mediation_core.plugins.manager import Plugins
from mediation_core.serialization import unstructure


@frozen(kw_only=True)
class Projection:
    """What one stream's state projects into storage in the same transaction."""

    row: LedgerRow | None = None
    documents: Sequence[Document] = ()
    deadlines: Sequence[Deadline] = ()


@frozen(kw_only=True)
class Reading:
    """What the shell hands an aggregate's lookup and projection besides the command: the
    committed store, the deployment's keyer of party identities (a secret that never enters a
    decision: the lookup hands the decision digests), the hash of the stream's last record and
    the county's evaluation items."""

    store: Store
    party_keyer: PartyKeyer
    stream_head: str = ""
    evaluation_items: Mapping[str, EvaluationItem] = field(factory=dict)
    """The county's scoring items with the built-in ones, which an evaluation round locks."""


@frozen(kw_only=True)
class Rewrite:
    """A write mode: the command's decision rewrites the stream's earlier records and seals its
    chain again in the same transaction (retention: anonymising an expired case file, ADR 0008),
    and is the administration's decision for every room, not a scope's staff's."""

    action_zh: str
    action_en: str


@frozen(kw_only=True)
class AggregateType:
    """How the service handles the commands of one aggregate type.

    - ``stream_id(command)``: the stream the command addresses;
    - ``evolve(state, event, stream_id)``: one step of the fold (``state`` is ``None`` at first);
    - ``scope(command, state)``: the organisation whose staff may issue the command (raises
      a not-found error when the command needs a state and there is none);
    - ``authorise(actor, org_id, registry)``: raises ``AuthorisationError`` or returns;
    - ``numbering(command, state)``: the (series, year) to draw a gap-free number from, or ``None``;
    - ``lookup(reading, command, context)``: decision inputs read from committed storage before
      deciding (repeat detection reads earlier cases of the same parties);
    - ``local_checks(plugins, command, state, context)``: violations the county's plugins add;
      they are reported together with the legal ones and can never remove them;
    - ``execute(command, state, context)``: the pure decision, returning events and new state;
    - ``follow_ons(command, events, state)``: commands for other streams (or the same one) that
      the decision entails; the service runs them in the same unit of work;
    - ``project(state, context, reading)``: the ledger row, documents and open deadlines to store.

    ``readers[kind](tags)`` names, for each kind of Document the projection writes, the
    organisations whose staff (and the bodies above them) may read it, from its tags: the rooms
    or other bodies it belongs to, and the police units whose record it is. It is the one
    table of who reads what: a stream is read by the readers of its first Document.
    ``rewrites`` are the commands written by re-sealing the stream rather than appending to it.
    ``fresh_ids`` names, per command type, the id fields the service fills with new ids when
    they are blank; ``internal`` lists the command types that only follow-ons may issue.
    """

    lifecycle: Lifecycle
    scope: Callable[[Any, Any], str]
    authorise: Callable[[Actor, str, Registry], None]
    numbering: Callable[[Any, Any], tuple[str, int] | None]
    project: Callable[[Any, DecisionContext, Reading], Projection]
    fresh_ids: Mapping[type, tuple[str, ...]] = field(factory=dict)
    internal: tuple[type, ...] = ()
    lookup: Callable[[Reading, Any, DecisionContext], Mapping[str, Any]] = field(
        default=lambda reading, command, ctx: {}
    )
    local_checks: Callable[[Plugins, Any, Any, DecisionContext], Sequence[Violation]] = field(
        default=lambda plugins, command, state, ctx: ()
    )
    follow_ons: Callable[[Any, Sequence[Any], Any], Sequence[Any]] = field(default=lambda command, events, state: ())
    readers: Mapping[str, Callable[[Mapping[str, str]], Readers]] = field(factory=dict)
    rewrites: Mapping[type, Rewrite] = field(factory=dict)

    @property
    def name(self) -> str:
        return self.lifecycle.name

    @property
    def command_types(self) -> tuple[type, ...]:
        return self.lifecycle.command_types

    def stream_id(self, command: Any) -> str:
        return self.lifecycle.stream_of(command)

    def evolve(self, state: Any, event: DomainEvent, stream_id: str) -> Any:
        return self.lifecycle.evolve(state, event, stream_id)

    def execute(self, command: Any, state: Any, context: DecisionContext) -> tuple[list[Any], Any]:
        return self.lifecycle.execute(command, state, context)

    def replay(self, stream_id: str, events: Sequence[DomainEvent]) -> Any:
        return self.lifecycle.replay(stream_id, events)


def _case_scope(command: c.CaseCommand, state: CaseState | None) -> str:
    if isinstance(command, c.ReceiveDispute):
        return command.room_id
    if state is None:
        msg = f"case {command.case_id!r} does not exist"
        raise CaseNotFoundError(msg)
    return state.room_id


def _case_numbering(command: c.CaseCommand, state: CaseState | None) -> tuple[str, int] | None:
    if isinstance(command, c.AcceptCase) and state is not None and state.status is CaseStatus.RECEIVED:
        return state.room_id, command.on.year
    return None


def _case_projection(state: CaseState, ctx: DecisionContext, reading: Reading) -> Projection:
    return Projection(row=ledger_row(state, reading.party_keyer), deadlines=tuple(state.deadlines.values()))


def _case_lookup(reading: Reading, command: c.CaseCommand, ctx: DecisionContext) -> Mapping[str, Any]:
    """An intake reads the earlier cases that share a party with it, for repeat detection, and
    hands the decision its parties' digests; anonymising a file records the head it replaces."""
    if isinstance(command, c.AnonymiseParties):
        return {"stream_head": reading.stream_head}
    if not isinstance(command, c.ReceiveDispute):
        return {}
    keys = reading.party_keyer.keys(command.parties)
    rows = reading.store.ledger_sharing_parties(keys) if keys else []
    return {"earlier_cases": tuple(earlier_case(r) for r in rows), "party_keys": keys}


CASES = AggregateType(
    lifecycle=LIFECYCLE_CASES,
    scope=_case_scope,
    authorise=authorise_case_command,
    numbering=_case_numbering,
    project=_case_projection,
    fresh_ids={c.ReceiveDispute: ("case_id",)},
    rewrites={
        c.AnonymiseParties: Rewrite(action_zh="匿名化当事人个人信息", action_en="anonymise the parties' personal data")
    },
    lookup=_case_lookup,
    follow_ons=case_follow_ons,
)


# -- referrals ---------------------------------------------------------------------------------


def _missing(what: str, stream_id: str) -> NotFoundError:
    return NotFoundError(f"{what} {stream_id!r} does not exist")


def _referral_scope(command: rc.ReferralCommand, state: ReferralState | None) -> str:
    """A station's letters are issued and withdrawn by its staff, every other letter by the
    room that records it; the room accepts, declines and returns."""
    if isinstance(command, rc.IssueReferral):
        return command.issuer_id if issued_by_station(command.source) else command.room_id
    if state is None:
        raise _missing("referral", command.referral_id)
    if isinstance(command, rc.WithdrawReferral) and issued_by_station(state.source):
        return state.issuer_id
    return state.room_id


def _referral_numbering(command: rc.ReferralCommand, state: ReferralState | None) -> tuple[str, int] | None:
    if isinstance(command, rc.IssueReferral) and not command.letter_number and issued_by_station(command.source):
        return f"referral-letters:{command.issuer_id}", command.issued_on.year
    if isinstance(command, rc.DeclineReferral) and state is not None:
        return f"decline-letters:{state.room_id}", command.on.year
    return None


def referral_document(state: ReferralState) -> Document:
    """The referral as the station and the room list it (party names only, never ID numbers)."""
    ack = state.deadlines.get(DeadlineKind.REFERRAL_ACKNOWLEDGEMENT)
    body = {
        "referral_id": state.referral_id,
        "status": state.status.value,
        "status_zh": state.status.title_zh,
        "room_id": state.room_id,
        "source": state.source.value,
        "mode": state.mode.value,
        "issuer_id": state.issuer_id,
        "issuer_name": state.issuer_name,
        "letter_number": state.letter_number,
        "signed_by": state.signed_by,
        "issued_on": state.issued_on.isoformat(),
        "category": state.category,
        "cause": state.cause,
        "party_names": [p.name for p in state.parties],
        "sensitive": holds_sensitive_data(state.parties, state.issued_on),
        "acknowledgement_due": ack.due.isoformat() if ack else None,
        "acknowledged_on": state.acknowledged_on.isoformat() if state.acknowledged_on else None,
        "acknowledged_late": state.acknowledged_late,
        "case_id": state.case_id,
        "declination": unstructure(state.declination) if state.declination else None,
        "closing_reason": state.closing_reason,
        "feedback": unstructure(state.feedback),
        "origin": unstructure(state.origin) if state.origin else None,
    }
    tags = {
        "room_id": state.room_id,
        "station_id": state.issuer_id if issued_by_station(state.source) else "",
        "status": state.status.value,
        "source": state.source.value,
        "mode": state.mode.value,
        "case_id": state.case_id or "",
    }
    return Document(kind="referral", key=state.referral_id, body=body, tags=tags)


def _referral_projection(state: ReferralState, ctx: DecisionContext, reading: Reading) -> Projection:
    return Projection(documents=(referral_document(state),), deadlines=tuple(state.deadlines.values()))


def _referral_checks(
    plugins: Plugins, command: rc.ReferralCommand, state: ReferralState | None, ctx: DecisionContext
) -> Sequence[Violation]:
    """A county's extra acceptance checks (``mediation_referral_checks``)."""
    if isinstance(command, rc.AcceptReferral) and state is not None:
        return plugins.referral_checks(referral=state, acceptance=command, context=ctx)
    return ()


REFERRALS = AggregateType(
    lifecycle=LIFECYCLE_REFERRALS,
    scope=_referral_scope,
    authorise=authorise_linkage_command,
    numbering=_referral_numbering,
    project=_referral_projection,
    fresh_ids={
        rc.IssueReferral: ("referral_id",),
        rc.IssueLinkedReferral: ("referral_id",),
        rc.AcceptReferral: ("case_id",),
    },
    internal=rc.INTERNAL,
    local_checks=_referral_checks,
    follow_ons=referral_follow_ons,
    readers={"referral": readers_by_tags(orgs=("room_id",), stations=("station_id",))},
)


# -- 治安 cases ---------------------------------------------------------------------------------


def _police_scope(command: pc.PoliceCaseCommand, state: PoliceCaseState | None) -> str:
    """Everything about a 治安 case is done by its station's staff."""
    if isinstance(command, pc.OpenPoliceCase):
        return command.station_id
    if state is None:
        raise _missing("治安 case", command.police_case_id)
    return state.station_id


def police_case_document(state: PoliceCaseState) -> Document:
    """The 治安 case as its station and the entrusted room list it (names only)."""
    limit = state.deadlines.get(DeadlineKind.POLICE_TIME_LIMIT)
    body = {
        "police_case_id": state.police_case_id,
        "status": state.status.value,
        "status_zh": state.status.title_zh,
        "station_id": state.station_id,
        "case_number": state.case_number,
        "accepted_on": state.accepted_on.isoformat(),
        "summary": state.summary,
        "party_names": [p.name for p in state.parties],
        "sensitive": holds_sensitive_data(state.parties, state.accepted_on),
        "act": state.assessment.act.value,
        "mediable": state.mediable,
        "exclusions": sorted(x.value for x in state.assessment.exclusions),
        "sessions": len(state.sessions),
        "agreed_on": state.agreed_on.isoformat() if state.agreed_on else None,
        "on_the_spot": state.on_the_spot,
        "performed": state.performed,
        "referral_id": state.referral_id,
        "room_id": state.room_id,
        "peoples_case_id": state.peoples_case_id,
        "peoples_settled": state.peoples_settled,
        "peoples_performed": state.peoples_performed,
        "failed_on": state.failed_on.isoformat() if state.failed_on else None,
        "time_limit_due": limit.due.isoformat() if limit else None,
        "decision": state.decision.value if state.decision else None,
        "decided_on": state.decided_on.isoformat() if state.decided_on else None,
    }
    tags = {
        "station_id": state.station_id,
        "room_id": state.room_id or "",
        "status": state.status.value,
        "referral_id": state.referral_id or "",
    }
    return Document(kind="police_case", key=state.police_case_id, body=body, tags=tags)


POLICE_CASES = AggregateType(
    lifecycle=LIFECYCLE_POLICE_CASES,
    scope=_police_scope,
    authorise=authorise_linkage_command,
    numbering=lambda command, state: None,
    project=lambda state, ctx, reading: Projection(
        documents=(police_case_document(state),), deadlines=tuple(state.deadlines.values())
    ),
    fresh_ids={pc.OpenPoliceCase: ("police_case_id",), pc.EntrustToRoom: ("referral_id",)},
    internal=pc.INTERNAL,
    follow_ons=police_follow_ons,
    readers={"police_case": readers_by_tags(orgs=("room_id",), stations=("station_id",))},
)


# -- 110 dispatches ----------------------------------------------------------------------------


def _dispatch_scope(command: dc.DispatchCommand, state: DispatchState | None) -> str:
    """The station records the call and decides what becomes of it; a settlement on the scene is
    the room's mediator's own record."""
    if isinstance(command, dc.RecordDispatch):
        return command.station_id
    if state is None:
        raise _missing("dispatch", command.dispatch_id)
    return state.room_id if isinstance(command, dc.SettleOnScene) else state.station_id


def dispatch_document(state: DispatchState) -> Document:
    body = {
        "dispatch_id": state.dispatch_id,
        "status": state.status.value,
        "status_zh": state.status.title_zh,
        "station_id": state.station_id,
        "room_id": state.room_id,
        "incident_number": state.incident_number,
        "call_received_at": state.call_received_at.isoformat(),
        "place": state.place,
        "officers": list(state.officers),
        "mediator_id": state.mediator_id,
        "summary": state.summary,
        "concluded_on": state.concluded_on.isoformat() if state.concluded_on else None,
        "case_id": state.case_id,
        "referral_id": state.referral_id,
        "reason": state.reason,
        "police_reference": state.police_reference,
    }
    tags = {
        "station_id": state.station_id,
        "room_id": state.room_id,
        "status": state.status.value,
        "call_date": state.call_date.isoformat(),
        "with_mediator": "yes" if state.mediator_id else "no",
    }
    return Document(kind="dispatch", key=state.dispatch_id, body=body, tags=tags)


DISPATCHES = AggregateType(
    lifecycle=LIFECYCLE_DISPATCHES,
    scope=_dispatch_scope,
    authorise=authorise_linkage_command,
    numbering=lambda command, state: None,
    project=lambda state, ctx, reading: Projection(documents=(dispatch_document(state),)),
    fresh_ids={
        dc.RecordDispatch: ("dispatch_id",),
        dc.SettleOnScene: ("case_id",),
        dc.HandDispatchToRoom: ("referral_id",),
    },
    follow_ons=dispatch_follow_ons,
    readers={"dispatch": readers_by_tags(orgs=("room_id",), stations=("station_id",))},
)


# -- traffic accidents ---------------------------------------------------------------------------


def _traffic_scope(command: tc.TrafficCommand, state: TrafficState | None) -> str:
    """The traffic police unit registers the dispute and runs its own mediation."""
    if isinstance(command, tc.RegisterAccident):
        return command.brigade_id
    if state is None:
        raise _missing("traffic record", command.traffic_id)
    return state.brigade_id


def traffic_document(state: TrafficState) -> Document:
    due = state.document_due
    body = {
        "traffic_id": state.traffic_id,
        "status": state.status.value,
        "status_zh": state.status.title_zh,
        "brigade_id": state.brigade_id,
        "room_id": state.room_id,
        "accident_number": state.accident_number,
        "accident_on": state.accident_on.isoformat(),
        "determination_received_on": state.determination.received_on.isoformat(),
        "party_names": [p.name for p in state.parties],
        "sensitive": holds_sensitive_data(state.parties, state.determination.received_on),
        "insurers": list(state.insurers),
        "route": state.route.value if state.route else None,
        "start_on": state.start_on.isoformat() if state.start_on else None,
        "document_due": due.isoformat() if due else None,
        "sessions": [{"on": s.on.isoformat(), "bodies": sorted(b.value for b in s.bodies)} for s in state.sessions],
        "agreed_on": state.agreed_on.isoformat() if state.agreed_on else None,
        "termination": state.termination.value if state.termination else None,
        "referral_id": state.referral_id,
        "peoples_case_id": state.peoples_case_id,
    }
    tags = {
        "brigade_id": state.brigade_id,
        "station_id": state.brigade_id,
        "room_id": state.room_id,
        "status": state.status.value,
        "route": state.route.value if state.route else "",
    }
    return Document(kind="traffic", key=state.traffic_id, body=body, tags=tags)


TRAFFIC = AggregateType(
    lifecycle=LIFECYCLE_TRAFFIC,
    scope=_traffic_scope,
    authorise=authorise_linkage_command,
    numbering=lambda command, state: None,
    project=lambda state, ctx, reading: Projection(
        documents=(traffic_document(state),), deadlines=tuple(state.deadlines.values())
    ),
    fresh_ids={tc.RegisterAccident: ("traffic_id",), tc.SendToPeoplesMediation: ("referral_id",)},
    internal=tc.INTERNAL,
    follow_ons=traffic_follow_ons,
    readers={"traffic": readers_by_tags(orgs=("room_id",), stations=("brigade_id",))},
)


# -- dispute screening ----------------------------------------------------------------------------


def _screening_scope(command: sc.ScreeningCommand, state: Screening | None) -> str:
    """A room's mediators and director record its screening rounds."""
    if isinstance(command, sc.RecordScreening):
        return command.room_id
    if state is None:
        raise _missing("screening round", command.screening_id)
    return state.room_id


def _screening_lookup(reading: Reading, command: sc.ScreeningCommand, ctx: DecisionContext) -> Mapping[str, Any]:
    """A finding taken into mediation names a case: the decision reads that case's room and
    source from the ledger (nothing else of it)."""
    case_id = getattr(command, "case_id", None)
    doc = reading.store.document("screening", command.screening_id)
    if not case_id or doc is None:
        return {}
    row = reading.store.ledger_row(case_id)
    if row is None or row.room_id != doc.body["room_id"]:
        return {}
    return {"room_cases": {row.case_id: row.source}}


def screening_document(state: Screening) -> Document:
    """The round as the room and the offices above it read it (parties' names only)."""
    tags = {
        "room_id": state.room_id,
        "status": state.status.value,
        "month": f"{state.on.year:04d}-{state.on.month:02d}",
        "watched": "yes" if any(f.action is ScreeningAction.WATCHED for f in state.findings) else "no",
    }
    return Document(kind="screening", key=state.stream_id, body=unstructure(state), tags=tags)


SCREENINGS = AggregateType(
    lifecycle=LIFECYCLE_SCREENINGS,
    scope=_screening_scope,
    authorise=authorise_case_command,
    numbering=lambda command, state: None,
    project=lambda state, ctx, reading: Projection(documents=(screening_document(state),)),
    fresh_ids={sc.RecordScreening: ("screening_id",)},
    lookup=_screening_lookup,
    readers={"screening": readers_by_tags(orgs=("room_id",))},
)
