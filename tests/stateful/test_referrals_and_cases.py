"""Referrals and cases driven together through the service, as a hypothesis state machine.

Stations issue transfers and entrust 治安 cases; the room accepts, declines, returns; cases are
mediated to agreement or termination and followed up; stations decide. After every step the
links between the streams must hold: an accepted referral has exactly its one case, a concluded
referred case has reported back, an entrusted case's result reached the 治安 case, a declined
letter went to every party and the referrer, refused commands wrote nothing, and every hash
chain verifies.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from builders import ADMIN, LIAISON, MEDIATOR, OFFICER, STATION, consents, entrust, police_case, referral
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.followups import Performance, Satisfaction
from mediation_core.domain.case.outcomes import DeclineReason, TerminationReason
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.police_case import commands as pc
from mediation_core.domain.police_case.mediability import Punishment
from mediation_core.domain.police_case.state import PoliceCaseStatus
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral.state import ReferralStatus
from mediation_core.domain.reporting.ledger import Outcome
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.domain.values.sources import ReferralMode
from mediation_core.plugins.manager import load_plugins
from mediation_memory import MemoryStore

START = dt.date(2026, 3, 2)


class ReferralsAndCases(RuleBasedStateMachine):
    issued = Bundle("issued")
    open_cases = Bundle("open_cases")
    agreed_cases = Bundle("agreed_cases")

    def __init__(self) -> None:
        super().__init__()
        self.clock = StoryClock(dt.datetime.combine(START, dt.time(10), CHINA_TZ))
        ids = (f"id-{n}" for n in range(1, 10**6))
        self.service = MediationService(
            MemoryStore(), plugins=load_plugins(autoload=False, strict=True), clock=self.clock, new_id=ids.__next__
        )
        self.service.register(demo_registry(), ADMIN)
        self.today = START
        self.referrals: set[str] = set()
        self.entrusted: dict[str, str] = {}  # referral id -> 治安 case id
        self.refusals = 0

    # -- helpers ----------------------------------------------------------------------------
    def handle(self, command: Any, actor: Any) -> Any:
        self.clock.set(self.today)
        return self.service.handle(command, actor)

    def snapshot(self) -> tuple[Any, ...]:
        store = self.service.store
        return (
            {sid: store.read(sid) for sid in store.stream_ids()},
            list(store.ledger()),
            store.outbox(),
            store.deadlines_due(dt.date.max),
        )

    def refused(self, command: Any, actor: Any) -> None:
        """The command is refused and nothing at all is written."""
        before = self.snapshot()
        with pytest.raises(RuleViolationError):
            self.handle(command, actor)
        assert self.snapshot() == before
        self.refusals += 1

    # -- time -------------------------------------------------------------------------------
    @rule(days=st.integers(1, 6))
    def time_passes(self, days: int) -> None:
        self.today += dt.timedelta(days=days)

    # -- the station ------------------------------------------------------------------------
    @rule(target=issued, consenting=st.sampled_from([("p1", "p2"), ("p1",), ()]))
    def station_transfers(self, consenting: tuple[str, ...]) -> str:
        state = self.handle(referral(self.today, consenting=consenting), LIAISON)
        self.referrals.add(state.referral_id)
        return str(state.referral_id)

    @rule(target=issued)
    def station_entrusts_its_case(self) -> str:
        opened = self.handle(police_case(self.today), OFFICER)
        entrusted = self.handle(entrust(opened.police_case_id, self.today), OFFICER)
        assert entrusted.referral_id is not None
        self.referrals.add(entrusted.referral_id)
        self.entrusted[entrusted.referral_id] = opened.police_case_id
        return entrusted.referral_id

    # -- the room ---------------------------------------------------------------------------
    @rule(target=open_cases, referral_id=issued, add_consent=st.booleans())
    def room_accepts(self, referral_id: str, add_consent: bool) -> Any:
        letter = self.service.referral(referral_id, MEDIATOR)
        if letter.status is not ReferralStatus.ISSUED:
            self.refused(rc.AcceptReferral(referral_id=referral_id, on=self.today), MEDIATOR)
            return multiple()
        extra = consents(self.today, "p1", "p2") if add_consent else ()
        given = {c.party_id for c in (*letter.consents, *extra) if c.consents}
        command = rc.AcceptReferral(referral_id=referral_id, on=self.today, consents=extra)
        if given != {"p1", "p2"}:
            self.refused(command, MEDIATOR)
            return multiple()
        accepted = self.handle(command, MEDIATOR)
        assert accepted.case_id is not None
        return accepted.case_id

    @rule(referral_id=issued, how=st.sampled_from(["decline", "return", "withdraw"]))
    def room_declines_or_returns(self, referral_id: str, how: str) -> None:
        letter = self.service.referral(referral_id, MEDIATOR)
        if how == "decline":
            command: Any = rc.DeclineReferral(
                referral_id=referral_id, on=self.today, reason=DeclineReason.OUTSIDE_SCOPE
            )
        elif how == "return":
            command = rc.ReturnReferral(referral_id=referral_id, on=self.today, reason="函件不全")
        else:
            command = rc.WithdrawReferral(referral_id=referral_id, on=self.today, reason="当事人已和解")
        actor = OFFICER if how == "withdraw" else MEDIATOR
        if letter.status is not ReferralStatus.ISSUED:
            self.refused(command, actor)
            return
        self.handle(command, actor)

    @rule(target=agreed_cases, case_id=consumes(open_cases), settle=st.booleans())
    def room_mediates(self, case_id: str, settle: bool) -> Any:
        on = self.today
        for command in (
            c.AssignMediator(case_id=case_id, mediator_id="m-zhang", presiding=True, on=on),
            c.NotifyRights(case_id=case_id, on=on),
            c.FileDocument(case_id=case_id, item=CaseFileItem.IDENTITY_PROOF, title="身份证", on=on),
        ):
            self.handle(command, MEDIATOR)
        term_due = self.service.case_file(case_id, MEDIATOR).state.term_due
        if term_due is not None and on > term_due:  # the term ran out before mediation started
            before = self.snapshot()
            with pytest.raises(RuleViolationError) as late:
                self.handle(c.StartMediation(case_id=case_id, on=on), MEDIATOR)
            assert late.value.rules == {"within_mediation_term"}
            assert self.snapshot() == before
            self.handle(c.TerminateCase(case_id=case_id, on=on, reason=TerminationReason.TIME_LIMIT_EXPIRED), MEDIATOR)
            return multiple()
        for command in (
            c.StartMediation(case_id=case_id, on=on),
            c.HoldSession(
                case_id=case_id,
                on=on,
                place="调解室",
                mediator_ids=("m-zhang",),
                party_ids=("p1", "p2"),
                summary="调解",
            ),
        ):
            self.handle(command, MEDIATOR)
        if settle:
            self.handle(c.ReachOralAgreement(case_id=case_id, on=on, content="当场赔偿"), MEDIATOR)
            return case_id
        self.handle(c.TerminateCase(case_id=case_id, on=on, reason=TerminationReason.FAILED), MEDIATOR)
        self.refused(c.ReachOralAgreement(case_id=case_id, on=on, content="晚了"), MEDIATOR)
        return multiple()

    @rule(case_id=agreed_cases, performance=st.sampled_from(Performance))
    def room_follows_up(self, case_id: str, performance: Performance) -> None:
        command = c.RecordFollowUp(
            case_id=case_id,
            on=self.today,
            visitor_id="m-zhang",
            party_id="p1",
            satisfaction=Satisfaction.SATISFIED,
            performance=performance,
        )
        self.handle(command, MEDIATOR)

    # -- the station decides ----------------------------------------------------------------
    @precondition(lambda self: bool(self.entrusted))
    @rule(data=st.data(), approve=st.booleans(), apply=st.booleans())
    def station_decides(self, data: st.DataObject, approve: bool, apply: bool) -> None:
        referral_id = data.draw(st.sampled_from(sorted(self.entrusted)))
        pid = self.entrusted[referral_id]
        case = self.service.load("police_case", pid, LIAISON)
        if case.status is PoliceCaseStatus.DECIDED:
            return
        if apply:
            self.handle(
                pc.RecordJointApplication(police_case_id=pid, on=self.today, applicant_ids=("p1", "p2"), written=True),
                OFFICER,
            )
            case = self.service.load("police_case", pid, LIAISON)
        spare = pc.DecidePunishment(
            police_case_id=pid,
            on=self.today,
            decision=Punishment.NO_PUNISHMENT,
            reference="不予处罚决定书",
            approved_by="王所长" if approve else "",
        )
        allowed = bool(case.peoples_settled and case.peoples_performed and case.joint_application_on and approve)
        if allowed:
            self.handle(spare, OFFICER)
        else:
            self.refused(spare, OFFICER)

    # -- what must always hold --------------------------------------------------------------
    @invariant()
    def accepted_referrals_have_exactly_their_case(self) -> None:
        rows = {r.case_id: r for r in self.service.store.ledger()}
        linked = [r for r in rows.values() if r.referral_id is not None]
        accepted = []
        for referral_id in self.referrals:
            letter = self.service.referral(referral_id, ADMIN)
            if letter.case_id is None:
                assert letter.status in {
                    ReferralStatus.ISSUED,
                    ReferralStatus.DECLINED,
                    ReferralStatus.RETURNED,
                    ReferralStatus.WITHDRAWN,
                }
                continue
            accepted.append(letter)
            row = rows[letter.case_id]
            assert row.referral_id == referral_id
            assert row.referral_mode == letter.mode.value
            assert row.accepted_on == letter.acknowledged_on
        assert len(linked) == len(accepted) == len(rows)

    @invariant()
    def concluded_referred_cases_reported_back(self) -> None:
        for row in self.service.store.ledger():
            letter = self.service.referral(row.referral_id or "", ADMIN)
            if row.outcome in {Outcome.SETTLED, Outcome.FAILED}:
                assert letter.status is ReferralStatus.REPORTED
                assert letter.feedback[0].outcome is row.outcome
                assert letter.feedback[0].on == row.concluded_on
                assert DeadlineKind.REFERRAL_FEEDBACK not in letter.deadlines
            else:
                assert letter.status is ReferralStatus.ACCEPTED
                assert (DeadlineKind.REFERRAL_FEEDBACK in letter.deadlines) is (letter.mode is ReferralMode.ENTRUSTMENT)

    @invariant()
    def entrusted_results_reach_the_station(self) -> None:
        for referral_id, pid in self.entrusted.items():
            letter = self.service.referral(referral_id, ADMIN)
            case = self.service.load("police_case", pid, LIAISON)
            if letter.status in {ReferralStatus.DECLINED, ReferralStatus.RETURNED, ReferralStatus.WITHDRAWN}:
                assert case.status in {PoliceCaseStatus.FAILED, PoliceCaseStatus.DECIDED}
            elif letter.outcome is Outcome.FAILED:
                assert case.peoples_settled is False
                assert case.status in {PoliceCaseStatus.FAILED, PoliceCaseStatus.DECIDED}
            elif letter.outcome is Outcome.SETTLED:
                assert case.peoples_settled is True
                performances = [f.performance for f in letter.feedback if f.performance is not None]
                if performances:
                    assert case.peoples_performed is (performances[-1] is Performance.PERFORMED)
            else:
                assert case.status is PoliceCaseStatus.ENTRUSTED
                assert DeadlineKind.POLICE_TIME_LIMIT not in case.deadlines
            if case.status is PoliceCaseStatus.FAILED:
                assert case.failed_on is not None
                assert case.deadlines[DeadlineKind.POLICE_TIME_LIMIT].runs_to == case.failed_on + dt.timedelta(days=30)

    @invariant()
    def declination_letters_reach_every_party_and_the_referrer(self) -> None:
        for referral_id in self.referrals:
            letter = self.service.referral(referral_id, ADMIN)
            if letter.status is ReferralStatus.DECLINED:
                assert letter.declination is not None
                addressed = {(a.party_id, a.org_id) for a in letter.declination.addressees}
                assert addressed == {("p1", ""), ("p2", ""), ("", STATION)}
            assert (DeadlineKind.REFERRAL_ACKNOWLEDGEMENT in letter.deadlines) is (
                letter.status is ReferralStatus.ISSUED
            )

    @invariant()
    def every_chain_verifies(self) -> None:
        assert self.service.verify() == []


def test_referrals_and_cases_move_together() -> None:
    run_state_machine_as_test(
        ReferralsAndCases,
        settings=settings(
            max_examples=30, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )


@pytest.mark.slow
def test_referrals_and_cases_move_together_long() -> None:
    run_state_machine_as_test(
        ReferralsAndCases,
        settings=settings(
            max_examples=60, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )


def test_the_machine_refuses_and_writes_nothing_on_a_letter_without_consent() -> None:
    """The refusal path of the machine, walked once by hand."""
    machine = ReferralsAndCases()
    rid = machine.station_transfers(consenting=("p1",))
    machine.room_accepts(rid, add_consent=False)
    assert machine.refusals == 1
    assert machine.service.referral(rid, ADMIN).status is ReferralStatus.ISSUED
    machine.room_accepts(rid, add_consent=True)
    machine.room_accepts(rid, add_consent=True)
    assert machine.refusals == 2
    machine.accepted_referrals_have_exactly_their_case()
    machine.concluded_referred_cases_reported_back()
