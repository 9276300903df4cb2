"""Queries: the case file, linked records, documents, the ledger and the coordination reports,
each for one reader: checked against the actor's scope and shown in the actor's view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from attrs import frozen

from mediation_core.app import access, anchors, authorisation, integrity, rekeying, reports, retention
from mediation_core.app.aggregates import CASES
from mediation_core.app.authorisation import (
    LINKAGE_READERS,
    STATION_STAFF,
    Readers,
    authorise_administration,
    authorise_case_read,
    authorise_report_read,
    authorise_rooms,
    may_read_case,
    may_read_linked,
)
from mediation_core.app.catalogue import BY_NAME, document_readers
from mediation_core.app.coordination import meetings_of
from mediation_core.app.ports import Document
from mediation_core.app.runtime import ServiceBase, event_of, query
from mediation_core.app.views import people_of_case
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.errors import (
    AuthorisationError,
    CaseNotFoundError,
    IntegrityError,
    NotFoundError,
)
from mediation_core.domain.evaluation_round.commands import round_id
from mediation_core.domain.evaluation_round.state import EvaluationRound
from mediation_core.domain.inspection.report import InspectionLine
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.meeting.agenda import AgendaItem
from mediation_core.domain.meeting.compliance import MeetingSlot
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.meeting.state import Meeting
from mediation_core.domain.referral.state import ReferralState
from mediation_core.domain.reporting.crosscheck import CrossCheck
from mediation_core.domain.reporting.evaluation import MediatorResult
from mediation_core.domain.reporting.imports import LedgerRowImported
from mediation_core.domain.reporting.ledger import LedgerRow, ledger_row
from mediation_core.domain.reporting.statistics import StatisticsReport, in_scope
from mediation_core.domain.screening.report import ScreeningLine
from mediation_core.domain.statistical_return.filing import FilingStatus
from mediation_core.domain.training.report import TrainingLine
from mediation_core.domain.values.access import AccessDenial, ResealEntry
from mediation_core.domain.values.actors import SYSTEM_ACTOR, Actor, Role
from mediation_core.domain.values.calendar import local_date
from mediation_core.domain.values.deadlines import Deadline
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.privacy import person_names
from mediation_core.records import ChainBreak, RecordedEvent


@frozen(kw_only=True)
class CaseFile:
    """一案一卷: the case as it stands, its events in order, and its ledger row."""

    state: CaseState
    records: tuple[RecordedEvent, ...]
    events: tuple[DomainEvent, ...]
    row: LedgerRow


def replay_records(case_id: str, records: Sequence[RecordedEvent]) -> CaseState | None:
    """Fold a case's stored records into its state."""
    state: CaseState | None = CASES.replay(case_id, [event_of(r) for r in records])
    return state


class Queries(ServiceBase):
    """Reads, each checked against its actor and built in the actor's personal-data view;
    a refusal goes to the access log."""

    @query("case_file")
    def case_file(self, case_id: str, actor: Actor) -> CaseFile:
        """The whole case file, if the actor may read it, in the actor's personal-data view."""
        records = self.store.read(case_id)
        if records and records[0].event_type == LedgerRowImported.EVENT_TYPE:
            msg = f"case {case_id!r} was imported from a ledger file: it has a ledger row, not a case file"
            raise CaseNotFoundError(msg)
        if not records or not records[0].event_type.startswith(f"{CASES.name}."):
            msg = f"case {case_id!r} does not exist"
            raise CaseNotFoundError(msg)
        state = replay_records(case_id, records)
        if state is None:  # pragma: no cover - a case stream always folds to a state
            msg = f"case {case_id!r} does not exist"
            raise CaseNotFoundError(msg)
        authorise_case_read(actor, state.room_id, self.registry(), target=case_id)
        viewer = self.viewer(actor)
        names = person_names(state.parties)
        room = state.room_id
        sensitive = state.sensitive
        return CaseFile(
            state=viewer.value(state, room),
            records=viewer.records(records, room, names=names, sensitive=sensitive),
            events=tuple(viewer.value(event_of(r), room, names=names, sensitive=sensitive) for r in records),
            row=viewer.row(ledger_row(state, self.party_keyer)),
        )

    @query("load")
    def load(self, aggregate: str, stream_id: str, actor: Actor) -> Any:
        """The current state of a referral (``"referral"``) or another linked record, if the
        actor may read it: the station and the room it links, and the bodies above them; in
        the actor's personal-data view."""
        kind = BY_NAME.get(aggregate)
        if kind is None or kind is CASES:
            msg = f"aggregate: {aggregate!r} is not one of {', '.join(n for n in BY_NAME if n != 'case')}"
            raise ValueError(msg)
        records = [r for r in self.store.read(stream_id) if r.event_type.startswith(f"{kind.name}.")]
        state = kind.replay(stream_id, [event_of(r) for r in records])
        if state is None:
            msg = f"{kind.name} {stream_id!r} does not exist"
            raise NotFoundError(msg)
        return self.state_view(aggregate, stream_id, state, actor)

    @query("state_view")
    def state_view(self, aggregate: str, stream_id: str, state: Any, actor: Actor) -> Any:
        """``state`` of the ``aggregate`` stream ``stream_id`` (what :meth:`handle` returned, or
        a replay) as the actor may read it, in the actor's personal-data view: what a network
        interface answers a command with, since ``handle`` returns the state unmasked."""
        kind = BY_NAME[aggregate]
        registry = self.registry()
        if kind is CASES:
            authorise_case_read(actor, state.room_id, registry, target=stream_id)
            return self.viewer(actor).value(state, state.room_id)
        documents = kind.project(state, self.context(self.clock()), self.reading()).documents
        readers = document_readers(documents[0]) if documents else Readers()
        if not may_read_linked(actor, readers, registry):
            msg = f"{actor} 无权查阅 {stream_id} / may not read {kind.name} {stream_id}"
            raise AuthorisationError(msg, actor=actor, action="read", target=stream_id)
        return self.viewer(actor).value(state, *readers.orgs, *readers.stations)

    @query("open_deadlines")
    def open_deadlines(self, actor: Actor, until: dt.date | None = None) -> list[tuple[str, Deadline]]:
        """The open deadlines of the cases the actor may read (:meth:`ledger`), due by
        ``until`` (every open one without it), soonest first, each with its case's id."""
        readable = {row.case_id for row in self.ledger(actor)}
        due = self.store.deadlines_due(until or dt.date.max)
        return sorted(((s, d) for s, d in due if s in readable), key=lambda item: (item[1].due, item[0]))

    @query("referral")
    def referral(self, referral_id: str, actor: Actor) -> ReferralState:
        """A referral as it stands, for its station, its room and the bodies above them."""
        state: ReferralState = self.load("referral", referral_id, actor)
        return state

    @query("documents")
    def documents(self, /, kind: str, actor: Actor, **tags: str) -> list[Document]:
        """Projections of ``kind`` (``"referral"`` …) with all of ``tags``, that the actor may
        read (:func:`document_readers`), in the actor's personal-data view. The access log's
        entries (``access-denial``) and Documents of plugins' own kinds are for administrators."""
        registry = self.registry()
        viewer = self.viewer(actor)
        out = []
        for d in self.store.documents(kind, tags):
            readers = document_readers(d)
            if may_read_linked(actor, readers, registry):
                out.append(viewer.document(d, *readers.orgs, *readers.stations))
        return out

    @query("ledger")
    def ledger(self, actor: Actor, room_ids: Sequence[str] | None = None) -> list[LedgerRow]:
        """Ledger rows the actor may see, optionally of some rooms only (naming a room the
        actor may not read is refused), in the actor's personal-data view."""
        registry = self.registry()
        if room_ids is not None:
            authorise_rooms(actor, room_ids, registry)
        viewer = self.viewer(actor)
        return [viewer.row(r) for r in self.store.ledger(room_ids) if may_read_case(actor, r.room_id, registry)]

    def _state_of(self, stream_id: str) -> Any:
        """A stream's aggregate state: the aggregate is named by its events' prefix
        (``case.received`` belongs to ``case``)."""
        records = self.store.read(stream_id)
        if not records:
            return None
        prefix = records[0].event_type.split(".", 1)[0]
        aggregate = BY_NAME.get(prefix)
        return aggregate.replay(stream_id, [event_of(r) for r in records]) if aggregate else None

    # -- coordination reports ----------------------------------------------------------------
    @query("statistics")
    def statistics(self, period: Period, scope_id: str, actor: Actor) -> StatisticsReport:
        """The live statistics report of a room, station, township or district."""
        authorise_report_read(actor, scope_id, self.registry())
        return reports.statistics(self.store, self.registry(), self.categories, period, scope_id)

    @query("filings")
    def filings(
        self, period: Period, scope_id: str, actor: Actor, now: dt.datetime | None = None
    ) -> list[FilingStatus]:
        """Where every room's return stands for each reporting period of ``period`` that has ended."""
        authorise_report_read(actor, scope_id, self.registry())
        return reports.filings(
            self.store,
            self.registry(),
            self.categories,
            self.policy,
            self.calendar,
            period=period,
            scope_id=scope_id,
            today=local_date(now or self.clock()),
        )

    @query("meeting_compliance")
    def meeting_compliance(
        self, period: Period, scope_id: str, actor: Actor, now: dt.datetime | None = None
    ) -> list[MeetingSlot]:
        """Joint and case-analysis meetings per cadence block: held, no quorum, missed, pending."""
        authorise_report_read(actor, scope_id, self.registry())
        today = local_date(now or self.clock())
        return reports.meeting_compliance(
            self.store, self.registry(), self.policy, period=period, scope_id=scope_id, today=today
        )

    @query("proposed_agenda")
    def proposed_agenda(self, kind: MeetingKind, org_id: str, actor: Actor) -> tuple[AgendaItem, ...]:
        """The agenda a meeting of ``org_id`` scheduled now would take from the ledger."""
        authorise_report_read(actor, org_id, self.registry())
        today = local_date(self.clock())
        items = reports.proposed_agenda(self.store, self.registry(), kind=kind, org_id=org_id, today=today)
        names, children = self._people(i.case_id for i in items)
        return self.viewer(actor).agenda(items, names, children)

    @query("meetings")
    def meetings(self, scope_id: str, actor: Actor) -> list[Meeting]:
        """The meetings of the townships and rooms in scope, by date."""
        registry = self.registry()
        authorise_report_read(actor, scope_id, registry)
        found = [m for m in meetings_of(self.store) if in_scope(registry, scope_id, m.org_id)]
        viewer = self.viewer(actor)
        out = []
        for m in sorted(found, key=lambda m: (m.on, m.stream_id)):
            names, children = self._people(i.case_id for i in m.agenda)
            everyone = [n for ns in names.values() for n in ns]
            out.append(viewer.value(m, m.org_id, names=everyone, sensitive=bool(children)))
        return out

    def _people(self, case_ids: Iterable[str]) -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
        """Every person each case names (parties, guardians, representatives, legal
        representatives, invitees; to strike them from free text), and the sensitive cases."""
        names: dict[str, tuple[str, ...]] = {}
        children = set()
        for case_id in {c for c in case_ids if c}:
            people, child = people_of_case(self.store, case_id)
            row = self.store.ledger_row(case_id)
            names[case_id] = (*(row.party_names if row is not None else ()), *people)
            if child or (row is not None and row.sensitive):
                children.add(case_id)
        return names, frozenset(children)

    @query("evaluation_preview")
    def evaluation_preview(self, year: int, scope_id: str, actor: Actor) -> tuple[MediatorResult, ...]:
        """The evaluation of ``scope_id``'s mediators for ``year`` from the facts as they stand
        now, without locking anything (the same computation ``ConcludeEvaluation`` locks)."""
        authorise_report_read(actor, scope_id, self.registry())
        today = local_date(self.clock())
        return reports.evaluation_preview(
            self.store, self.registry(), self.policy, self.evaluation_items, scope_id=scope_id, year=year, today=today
        )

    @query("evaluation")
    def evaluation(self, year: int, scope_id: str, actor: Actor) -> EvaluationRound:
        """The locked evaluation round of ``scope_id`` for ``year``."""
        state: EvaluationRound = self.load("evaluation", round_id(scope_id, year), actor)
        return state

    @query("training_report")
    def training_report(self, period: Period, scope_id: str, actor: Actor) -> list[TrainingLine]:
        """Training sessions, person-times and hours of the staff of each organisation in scope."""
        authorise_report_read(actor, scope_id, self.registry())
        return reports.training(self.store, self.registry(), period=period, scope_id=scope_id)

    @query("screening_ledger")
    def screening_ledger(self, period: Period, scope_id: str, actor: Actor) -> list[ScreeningLine]:
        """The screening ledger (纠纷排查台账) of the rooms in ``scope_id`` for ``period``, in the
        actor's personal-data view: read by the rooms' staff and the offices above them."""
        registry = self.registry()
        authorise_report_read(actor, scope_id, registry)
        viewer = self.viewer(actor)
        lines = reports.screening_lines(self.store, registry, period=period, scope_id=scope_id)
        return [viewer.screening_line(line) for line in lines if may_read_case(actor, line.room_id, registry)]

    @query("inspection_report")
    def inspection_report(self, period: Period, scope_id: str, actor: Actor) -> list[InspectionLine]:
        """Supervision inspections of each organisation in scope and their rectification."""
        authorise_report_read(actor, scope_id, self.registry())
        today = local_date(self.clock())
        return reports.inspections(self.store, self.registry(), period=period, scope_id=scope_id, today=today)

    @query("cross_check")
    def cross_check(self, period: Period, scope_id: str, actor: Actor) -> CrossCheck:
        """The stations' letters and 110 dispatches of ``period`` against the rooms' ledger:
        per station what was sent and what the ledger shows, and every disagreement. Stations'
        staff read it too."""
        registry = self.registry()
        authorise_report_read(actor, scope_id, registry, LINKAGE_READERS)
        today = local_date(self.clock())
        check = reports.police_cross_check(self.store, registry, period=period, scope_id=scope_id, today=today)
        if actor.role not in STATION_STAFF:
            return check
        # a station's staff see their own letters and dispatches, not a room's other sources
        own = [s for s in check.stations if authorisation.in_scope(actor, s.station_id, registry)]
        findings = [f for f in check.findings if authorisation.in_scope(actor, f.station_id, registry)]
        return attrs.evolve(check, stations=tuple(own), findings=tuple(findings))

    @query("verify")
    def verify(self, actor: Actor = SYSTEM_ACTOR) -> list[ChainBreak]:
        """Every stream whose chain is broken, with its first broken link, each seal checked
        under the deployment's seal keys (administrators and the system)."""
        authorise_administration(actor, "校验案卷哈希链", "verify the hash chains")
        return self.store.verify(self.seal_keys)

    @query("verify_signed_file")
    def verify_signed_file(self, case_id: str, data: bytes, actor: Actor) -> integrity.SignedFileCheck:
        """Whether ``data`` is a file the case's signature evidence says was signed: its digest
        against every mark's recorded signed-file digest, under the algorithm each recorded
        (:func:`~mediation_core.app.integrity.signed_file_check`); for those who may read the case."""
        self.case_file(case_id, actor)  # authorises the read and logs a refusal
        state = replay_records(case_id, self.store.read(case_id))
        signatures = state.signatures if state is not None else ()
        return integrity.signed_file_check(case_id, signatures, data)

    @query("verify_deep")
    def verify_deep(self, actor: Actor = SYSTEM_ACTOR) -> list[integrity.Finding]:
        """Everything :meth:`verify` finds, and every derived table (ledger rows, statistics
        cells, deadlines, documents, case numbers, the access log, the outbox) compared with
        what the streams replay to (:func:`~mediation_core.app.integrity.deep_findings`).
        Ledger rows carry keyed digests of the parties: the service needs the deployment's
        identity key to recompute them."""
        authorise_administration(actor, "深度校验", "verify the store in depth")
        return integrity.deep_findings(self)

    @query("export_anchor")
    def export_anchor(self, actor: Actor = SYSTEM_ACTOR) -> dict[str, Any]:
        """A manifest of every stream's head signed with the current anchor key
        (:mod:`~mediation_core.app.anchors`), to keep outside the system."""
        authorise_administration(actor, "导出锚定清单", "export an anchor")
        key = self.anchor_keys.sealing
        if key is None:
            msg = "no anchor key is configured (未配置锚定密钥): see docs/operations.md"
            raise IntegrityError(msg)
        return anchors.manifest(self.store, key, self.clock())

    @query("check_anchor")
    def check_anchor(
        self, manifest: dict[str, Any], actor: Actor = SYSTEM_ACTOR
    ) -> tuple[list[integrity.Finding], list[str]]:
        """What differs between the store and an exported anchor, and the logged re-sealings
        that explain a changed seal."""
        authorise_administration(actor, "核对锚定清单", "check an anchor")
        return anchors.check(self.store, manifest, {k.key_id: k for k in self.anchor_keys.keys})

    @query("seal_again")
    def seal_again(self, actor: Actor = SYSTEM_ACTOR) -> list[rekeying.Rekeyed]:
        """Seal every stream not wholly under the current seal key again with it, each
        logged in the retention log (:mod:`~mediation_core.app.rekeying`)."""
        authorise_administration(actor, "以当前密钥重新封存", "seal every stream again with the current key")
        return rekeying.reseal_all(self, actor)

    @query("access_denials")
    def access_denials(
        self, actor: Actor, *, period: Period | None = None, actor_id: str | None = None, role: Role | None = None
    ) -> list[AccessDenial]:
        """The access log: every refused command and query, oldest first, optionally of one
        period (by local day), one actor or one role (administrators)."""
        authorise_administration(actor, "查看访问拒绝记录", "read the access log")
        return access.denials(self.store, period=period, actor_id=actor_id, role=role.value if role else None)

    @query("reseals")
    def reseals(self, actor: Actor, *, period: Period | None = None, case_id: str | None = None) -> list[ResealEntry]:
        """The retention log: every case file whose chain was re-sealed when its parties were
        anonymised, when, by whom and from which head, oldest first (administrators)."""
        authorise_administration(actor, "查看案卷重新封存记录", "read the retention log")
        return retention.reseals(self.store, period=period, case_id=case_id)
