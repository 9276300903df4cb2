"""A RuleBasedStateMachine over the whole case lifecycle, through the service and a store.

The case is registered first, and checked to be what a received case must be. Commands are
then drawn valid or not. After every step: a refused command changed nothing;
the stored stream replays to the returned state, which equals the fold of the events
(replay equals fold); every invariant of the domain holds; the stored ledger row is the
row of the state; the hash chain verifies; the status moved only along the table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from builders import ADMIN, MEDIATOR, MEDIATOR_ID, OTHER_MEDIATOR_ID, ROOM, STATION, terms
from mediation_core.app.service import MediationService, replay_records
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.aggregates import RULEBOOK
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import (
    AgreementSubject,
    EvidenceKind,
    Mark,
    SignatoryKind,
    SignatureEvidence,
)
from mediation_core.domain.case.courts import ConfirmationResult
from mediation_core.domain.case.followups import Performance, Satisfaction
from mediation_core.domain.case.invariants import broken_invariants
from mediation_core.domain.case.outcomes import DeclineReason, TerminationReason
from mediation_core.domain.case.state import TERMINAL, TRANSITIONS, CaseState, CaseStatus, evolve
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.reporting.ledger import Outcome, ledger_row
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.digests import digest_of
from mediation_core.domain.values.risks import Difficulty, RiskKind
from mediation_core.domain.values.sources import CaseSource, OnlineConsent, OnScene
from mediation_core.plugins.manager import load_plugins
from mediation_core.serialization import event_from_body
from mediation_core.testing.strategies import party_lists
from mediation_memory import MemoryStore

CASE = "lifecycle"
mediators = st.sampled_from([MEDIATOR_ID, OTHER_MEDIATOR_ID, "m-unknown"])
back = st.integers(0, 3)
mostly = st.integers(0, 4).map(bool)  # True four times in five: keep most commands plausible


class CaseLifecycle(RuleBasedStateMachine):
    """Drive one case with arbitrary commands; the model is 'what the store says'."""

    def __init__(self) -> None:
        super().__init__()
        self.today = dt.date(2026, 3, 2)
        self.service = MediationService(
            MemoryStore(), plugins=load_plugins(autoload=False, strict=True), clock=self.now
        )
        self.service.register(demo_registry(), ADMIN)
        self.state: CaseState | None = None
        self.ever_recused: set[str] = set()

    def now(self) -> dt.datetime:
        return dt.datetime.combine(self.today, dt.time(16), CHINA_TZ)

    def on(self, days_back: int) -> dt.date:
        floor = self.state.received_on if self.state else self.today
        return max(floor, self.today - dt.timedelta(days=days_back))

    def apply(self, command: c.CaseCommand) -> None:
        before = self.state
        stored_before = len(self.service.store.read(CASE))
        try:
            after = self.service.handle(command, MEDIATOR)
        except RuleViolationError as err:
            assert err.violations
            assert {v.rule for v in err.violations} <= set(RULEBOOK)
            assert all(v.field and v.basis and v.message_zh and v.message_en for v in err.violations)
            assert len(self.service.store.read(CASE)) == stored_before
            self.state = before
            return
        records = self.service.store.read(CASE)
        new = records[stored_before:]
        assert new
        status = before.status if before else None
        for r in new:
            event = event_from_body(r.event_type, r.schema_version, r.body)
            if status is not None:
                assert (status, type(event)) in TRANSITIONS
                status = TRANSITIONS[(status, type(event))]
        self.state = after
        assert self.state.status is status or before is None

    @property
    def parties(self) -> tuple[str, ...]:
        return self.state.party_ids if self.state else ("p1", "p2")

    @initialize(
        parties=party_lists(max_size=3),
        source=st.sampled_from(CaseSource),
        category=st.sampled_from(["neighbourhood", "marriage_family", "damages", "nope"]),
    )
    def receive(self, parties: tuple[Any, ...], source: CaseSource, category: str) -> None:
        """Register the case; an unknown category is refused, stores nothing, and is corrected."""
        received = c.ReceiveDispute(
            case_id=CASE,
            room_id=ROOM,
            received_on=self.today,
            source=source,
            category=category,
            summary="纠纷",
            parties=parties,
            on_scene=(
                OnScene(
                    mediator_id=MEDIATOR_ID,
                    arrived_at=dt.datetime.combine(self.today, dt.time(9), tzinfo=CHINA_TZ),
                    place="幸福路1号",
                )
                if source is CaseSource.MEDIATOR_ON_SCENE
                else None
            ),
            online_consents=(
                (
                    OnlineConsent(
                        party_id=parties[0].party_id,
                        channel="浙里调",
                        captured_at=dt.datetime.combine(self.today, dt.time(8), tzinfo=CHINA_TZ),
                        reference="ZLT-0001",
                        text_hash=digest_of(b"consent"),
                    ),
                )
                if source is CaseSource.ONLINE_APPLICATION
                else ()
            ),
        )
        if category == "nope":
            with pytest.raises(RuleViolationError) as refused:
                self.service.handle(received, MEDIATOR)
            assert refused.value.rules == {"category_known"}
            assert self.service.store.read(CASE) == []
            assert self.service.store.ledger_row(CASE) is None
            received = attrs.evolve(received, category="neighbourhood")
        self.apply(received)
        self.check_received(received)

    def check_received(self, received: c.ReceiveDispute) -> None:
        """What every newly registered case is: received on the day, as given, nobody assigned
        yet, its registration form in its file, one stored event, and its row in the ledger."""
        state = self.state
        assert state is not None
        assert (state.case_id, state.status, state.version) == (CASE, CaseStatus.RECEIVED, 1)
        assert (state.room_id, state.received_on, state.source, state.category, state.summary) == (
            ROOM,
            self.today,
            received.source,
            received.category,
            "纠纷",
        )
        assert state.parties == received.parties
        assert state.documents == {CaseFileItem.REGISTRATION}
        assert (state.number, state.accepted_on, state.presiding, state.mediators) == (None, None, None, frozenset())
        [record] = self.service.store.read(CASE)
        assert (record.version, record.event_type, record.actor) == (1, "case.received", str(MEDIATOR))
        assert record.recorded_at == self.now()
        row = self.service.store.ledger_row(CASE)
        assert row is not None
        assert (row.version, row.status, row.outcome, row.room_id, row.category) == (
            1,
            CaseStatus.RECEIVED,
            Outcome.OPEN,
            ROOM,
            received.category,
        )
        assert (row.received_on, row.accepted_on, row.number) == (self.today, None, None)
        assert row.party_names == tuple(p.name for p in received.parties)
        assert row.parties == len(received.parties)

    @rule(days=st.one_of(st.integers(0, 3), st.just(25)))
    def time_passes(self, days: int) -> None:
        self.today += dt.timedelta(days=days)

    @precondition(lambda self: self.state is not None and self.state.status not in TERMINAL)
    @rule(oral=st.booleans())
    def proceed(self, oral: bool) -> None:
        """Take the next ordinary step, so that runs reach the later states often."""
        state = self.state
        assert state is not None
        step = {
            CaseStatus.RECEIVED: lambda: [c.AcceptCase(case_id=CASE, on=self.today)],
            CaseStatus.ACCEPTED: lambda: [
                *(
                    []
                    if state.presiding
                    else [c.AssignMediator(case_id=CASE, mediator_id=MEDIATOR_ID, presiding=True, on=self.today)]
                ),
                *([] if state.rights_notified else [c.NotifyRights(case_id=CASE, on=self.today)]),
                *[
                    c.RecordConsent(case_id=CASE, party_id=p, consents=True, on=self.today)
                    for p in sorted(state.refusals)
                ],
                c.StartMediation(case_id=CASE, on=self.today),
            ],
            CaseStatus.MEDIATING: lambda: self.toward_agreement(state, oral),
            CaseStatus.AGREED: lambda: [
                c.RecordFollowUp(
                    case_id=CASE,
                    on=self.today,
                    visitor_id=MEDIATOR_ID,
                    party_id=self.parties[0],
                    performance=Performance.PERFORMED,
                    satisfaction=Satisfaction.SATISFIED,
                )
            ],
            CaseStatus.TERMINATED: lambda: self.toward_archive(state),
            CaseStatus.FOLLOWING_UP: lambda: self.toward_archive(state),
        }[state.status]()
        for command in step:
            self.apply(command)

    def toward_agreement(self, state: CaseState, oral: bool) -> list[c.CaseCommand]:
        if state.presiding is None or state.sessions == 0:
            return [
                c.HoldSession(
                    case_id=CASE,
                    on=self.today,
                    place="调解室",
                    mediator_ids=tuple(sorted(state.mediators)) or (MEDIATOR_ID,),
                    party_ids=self.parties,
                    summary="调解",
                )
            ]
        if oral:
            return [c.ReachOralAgreement(case_id=CASE, on=self.today, content="赔偿")]
        signs = [
            c.SignAgreement(case_id=CASE, kind=SignatoryKind.PARTY, signer_id=p, on=self.today) for p in self.parties
        ]
        return [
            c.DraftWrittenAgreement(case_id=CASE, on=self.today, terms=terms(self.today, self.parties)),
            *signs,
            c.SignAgreement(case_id=CASE, kind=SignatoryKind.MEDIATOR, signer_id=state.presiding, on=self.today),
            c.SignAgreement(case_id=CASE, kind=SignatoryKind.COMMITTEE_SEAL, on=self.today, mark=Mark.SEAL),
        ]

    def toward_archive(self, state: CaseState) -> list[c.CaseCommand]:
        missing = [i for i in (CaseFileItem.IDENTITY_PROOF, CaseFileItem.BACK_COVER) if i not in state.documents]
        files = [c.FileDocument(case_id=CASE, item=i, title=i.title_zh, on=self.today) for i in missing]
        reports = [
            c.ReportToPolice(case_id=CASE, on=self.today, station_id=STATION, reference="报告")
            for _ in state.deadlines
            if _.value == "escalation_report"
        ]
        return [*files, *reports, c.ArchiveCase(case_id=CASE, on=self.today, archivist_id=MEDIATOR_ID)]

    @rule(accept=mostly, reason=st.sampled_from(DeclineReason), d=back)
    def accept_or_decline(self, accept: bool, reason: DeclineReason, d: int) -> None:
        if accept:
            self.apply(c.AcceptCase(case_id=CASE, on=self.on(d)))
        else:
            self.apply(c.DeclineCase(case_id=CASE, on=self.on(d), reason=reason))

    @precondition(lambda self: self.state is not None and self.state.status is CaseStatus.ACCEPTED)
    @rule(mediator=st.sampled_from([MEDIATOR_ID, OTHER_MEDIATOR_ID]))
    def prepare(self, mediator: str) -> None:
        """The usual preparation in one go: presiding mediator, rights notice, identity proof."""
        self.apply(c.AssignMediator(case_id=CASE, mediator_id=mediator, presiding=True, on=self.today))
        self.apply(c.NotifyRights(case_id=CASE, on=self.today))
        self.apply(c.FileDocument(case_id=CASE, item=CaseFileItem.IDENTITY_PROOF, title="身份证", on=self.today))

    @rule(mediator=mediators, presiding=st.booleans())
    def assign(self, mediator: str, presiding: bool) -> None:
        self.apply(c.AssignMediator(case_id=CASE, mediator_id=mediator, presiding=presiding, on=self.today))

    @rule()
    def notify_rights(self) -> None:
        self.apply(c.NotifyRights(case_id=CASE, on=self.today))

    @rule(item=st.sampled_from(CaseFileItem))
    def file_document(self, item: CaseFileItem) -> None:
        self.apply(c.FileDocument(case_id=CASE, item=item, title=item.title_zh, on=self.today))

    @rule(data=st.data(), consents=mostly)
    def consent(self, data: st.DataObject, consents: bool) -> None:
        party = data.draw(st.sampled_from([*self.parties, "stranger"]))
        self.apply(c.RecordConsent(case_id=CASE, party_id=party, consents=consents, on=self.today))

    @rule()
    def start(self) -> None:
        self.apply(c.StartMediation(case_id=CASE, on=self.today))

    @rule(data=st.data())
    def invite(self, data: st.DataObject) -> None:
        consenting = data.draw(st.sets(st.sampled_from(self.parties)))
        self.apply(
            c.InviteParticipant(
                case_id=CASE,
                name="邻居",
                relation="邻居",
                consenting_party_ids=tuple(sorted(consenting)),
                on=self.today,
            )
        )

    @rule(mediator=mediators)
    def investigate(self, mediator: str) -> None:
        self.apply(
            c.RecordInvestigation(case_id=CASE, on=self.today, investigator_id=mediator, subject="现场", content="查看")
        )

    @rule(data=st.data(), public=st.booleans(), private=st.booleans(), invite=st.booleans(), plausible=mostly)
    def session(self, data: st.DataObject, public: bool, private: bool, invite: bool, plausible: bool) -> None:
        active = sorted(self.state.mediators) if self.state else []
        pool = st.sampled_from(active) if plausible and active else mediators
        chosen = data.draw(st.lists(pool, min_size=1, max_size=2, unique=True))
        self.apply(
            c.HoldSession(
                case_id=CASE,
                on=self.today,
                place="调解室",
                mediator_ids=tuple(chosen),
                party_ids=self.parties,
                summary="调解",
                public=public,
                private_requested_by=self.parties[:1] if private else (),
                invitees=("邻居",) if invite else (),
            )
        )

    @rule(data=st.data(), mediator=mediators)
    def recuse(self, data: st.DataObject, mediator: str) -> None:
        party = data.draw(st.sampled_from(self.parties))
        before = set(self.state.mediators) if self.state else set()
        self.apply(
            c.RequestRecusal(case_id=CASE, party_id=party, mediator_id=mediator, reason="利害关系", on=self.today)
        )
        if self.state and mediator in before and mediator in self.state.recused:
            self.ever_recused.add(mediator)

    @rule(kind=st.sampled_from(RiskKind), persons=st.integers(0, 40))
    def flag_risk(self, kind: RiskKind, persons: int) -> None:
        self.apply(c.FlagRisk(case_id=CASE, kind=kind, persons=persons, on=self.today))

    @rule(grade=st.sampled_from(Difficulty))
    def grade(self, grade: Difficulty) -> None:
        self.apply(c.GradeDifficulty(case_id=CASE, grade=grade, on=self.today))

    @rule(station=st.sampled_from([STATION, ROOM]))
    def report(self, station: str) -> None:
        self.apply(c.ReportToPolice(case_id=CASE, on=self.today, station_id=station, reference="报告"))

    @rule(data=st.data())
    def extend(self, data: st.DataObject) -> None:
        consenting = data.draw(st.sets(st.sampled_from(self.parties)))
        self.apply(c.ExtendTerm(case_id=CASE, on=self.today, consenting_party_ids=tuple(sorted(consenting))))

    @rule(
        immediate=mostly,
        written=mostly.map(lambda b: not b),
        content=st.sampled_from(["", "赔偿200元", "赔偿"]),
        subject=st.sampled_from(AgreementSubject),
    )
    def oral(self, immediate: bool, written: bool, content: str, subject: AgreementSubject) -> None:
        self.apply(
            c.ReachOralAgreement(
                case_id=CASE,
                on=self.today,
                content=content,
                subject=subject,
                immediate_performance=immediate,
                written_requested_by=self.parties[:1] if written else (),
            )
        )

    @rule(complete=mostly, subject=st.sampled_from(AgreementSubject))
    def draft(self, complete: bool, subject: AgreementSubject) -> None:
        t = terms(self.today, self.parties, subject=subject, **({} if complete else {"facts": ""}))
        self.apply(c.DraftWrittenAgreement(case_id=CASE, on=self.today, terms=t))

    @rule(data=st.data(), d=back, plausible=mostly)
    def sign(self, data: st.DataObject, d: int, plausible: bool) -> None:
        kind = data.draw(st.sampled_from(SignatoryKind))
        presiding = self.state.presiding if self.state else None
        party = data.draw(st.sampled_from(self.parties))
        signer = {
            SignatoryKind.PARTY: party,
            SignatoryKind.GUARDIAN: party,
            SignatoryKind.MEDIATOR: presiding if plausible and presiding else data.draw(mediators),
            SignatoryKind.COMMITTEE_SEAL: "",
        }[kind]
        on = self.on(d)
        evidence = data.draw(
            st.sampled_from(
                [
                    None,
                    SignatureEvidence(kind=EvidenceKind.HANDWRITTEN, signer="签署人"),
                    SignatureEvidence(
                        kind=EvidenceKind.ELECTRONIC_SIGNATURE,
                        signer="签署人",
                        certificate="2A6F3C01",
                        signed_file=digest_of(b"agreement.pdf"),
                        signed_at=dt.datetime.combine(on, dt.time(9), tzinfo=CHINA_TZ),
                    ),
                    SignatureEvidence(kind=EvidenceKind.ELECTRONIC_SIGNATURE, signer="签署人"),
                ]
            )
        )
        self.apply(
            c.SignAgreement(case_id=CASE, kind=kind, signer_id=signer, on=on, mark=Mark.SIGNATURE, evidence=evidence)
        )

    @rule(reason=st.sampled_from(TerminationReason), note=st.sampled_from(["", "说明"]), now=st.integers(0, 6))
    def terminate(self, reason: TerminationReason, note: str, now: int) -> None:
        if now:  # termination is drastic: only one attempt in seven
            return
        self.apply(c.TerminateCase(case_id=CASE, on=self.today, reason=reason, note=note))

    @rule(data=st.data())
    def confirm(self, data: st.DataObject) -> None:
        applicants = data.draw(st.sets(st.sampled_from(self.parties)))
        self.apply(
            c.ApplyJudicialConfirmation(
                case_id=CASE, on=self.today, applicant_ids=tuple(sorted(applicants)), court="市中区人民法院"
            )
        )

    @rule(
        result=st.sampled_from(ConfirmationResult),
        court=st.sampled_from(["市中区人民法院", "高新区人民法院"]),
        number=st.sampled_from(["（2026）川1102民特7号", "7号"]),
    )
    def rule_on_confirmation(self, result: ConfirmationResult, court: str, number: str) -> None:
        self.apply(
            c.RecordJudicialConfirmation(
                case_id=CASE, on=self.today, result=result, court=court, court_case_number=number
            )
        )

    @rule(performance=st.sampled_from([None, *Performance]), satisfaction=st.sampled_from(Satisfaction))
    def follow_up(self, performance: Performance | None, satisfaction: Satisfaction) -> None:
        self.apply(
            c.RecordFollowUp(
                case_id=CASE,
                on=self.today,
                visitor_id=MEDIATOR_ID,
                party_id=self.parties[0],
                performance=performance,
                satisfaction=satisfaction,
            )
        )

    @precondition(lambda self: self.state is not None and self.state.status.concluded)
    @rule()
    def archive(self) -> None:
        self.apply(c.ArchiveCase(case_id=CASE, on=self.today, archivist_id=MEDIATOR_ID))

    @invariant()
    def replay_equals_fold_and_store(self) -> None:
        if self.state is None:
            return
        records = self.service.store.read(CASE)
        assert replay_records(CASE, records) == self.state
        folded = None
        for r in records:
            folded = evolve(folded, event_from_body(r.event_type, r.schema_version, r.body), case_id=CASE)
        assert folded == self.state
        assert self.state.version == len(records)
        assert self.service.store.verify() == []

    @invariant()
    def domain_invariants_hold(self) -> None:
        if self.state is not None:
            assert broken_invariants(self.state) == []
            assert not (self.ever_recused & self.state.mediators)

    @invariant()
    def ledger_row_is_the_states_row(self) -> None:
        if self.state is not None:
            assert self.service.store.ledger_row(CASE) == ledger_row(self.state, self.service.party_keyer)
            assert sorted(self.service.store.deadlines_due(dt.date(2100, 1, 1)), key=str) == sorted(
                ((CASE, d) for d in self.state.deadlines.values()), key=str
            )

    @invariant()
    def outcome_matches_status(self) -> None:
        if self.state is None:
            return
        if self.state.status in {CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.MEDIATING}:
            assert self.state.agreement is None
            assert self.state.termination is None
        if self.state.status is CaseStatus.AGREED:
            assert self.state.agreement is not None


def test_case_lifecycle_short() -> None:
    run_state_machine_as_test(
        CaseLifecycle,
        settings=settings(
            max_examples=60, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )


@pytest.mark.slow
def test_case_lifecycle_long() -> None:
    run_state_machine_as_test(
        CaseLifecycle,
        settings=settings(
            max_examples=300, stateful_step_count=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )
