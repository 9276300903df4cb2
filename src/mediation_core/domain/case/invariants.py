"""Invariants: what must hold of every case state, whatever commands produced it.

Some §9 rules are not checks on a command but properties of every state the decider can
reach (copies, the failure notice, effective dates). They are declared here with their
basis, printed in ``docs/rules.md``, and the lifecycle state machine asserts all of them
after every step.
"""

from __future__ import annotations

from collections.abc import Callable

from attrs import field, frozen

from mediation_core.domain.case.agreements import AgreementForm, copies_for, written_effective_on
from mediation_core.domain.case.courts import REFUSAL_ROUTES
from mediation_core.domain.case.limitation import requested_by_a_party
from mediation_core.domain.case.outcomes import ALL_ROUTES
from mediation_core.domain.case.state import CaseState, CaseStatus
from mediation_core.domain.values.casefile import STATUTORY_MINIMUM, CaseFileItem
from mediation_core.domain.values.parties import wards


@frozen(kw_only=True)
class Invariant:
    """A named property of every reachable case state."""

    name: str
    basis: str
    section9: tuple[int, ...]
    summary_zh: str
    summary_en: str
    holds: Callable[[CaseState], bool] = field(eq=False, repr=False)


def _copies(s: CaseState) -> bool:
    a = s.agreement
    return a is None or a.form is AgreementForm.ORAL or a.copies == copies_for(len(s.parties))


def _written_effective(s: CaseState) -> bool:
    a = s.agreement
    if a is None or a.form is AgreementForm.ORAL:
        return True
    under_guardian = wards(s.parties, s.drafted_on) if s.drafted_on else ()
    return written_effective_on(s.party_ids, a.signatures, under_guardian) == a.effective_on


def _oral_same_day(s: CaseState) -> bool:
    a = s.agreement
    return a is None or a.form is AgreementForm.WRITTEN or (a.effective_on == s.concluded_on and bool(a.content))


def _routes(s: CaseState) -> bool:
    return s.termination is None or set(s.routes_notified) == set(ALL_ROUTES)


def _limitation(s: CaseState) -> bool:
    """A requested case records the interruption on its intake day; any other records none, or
    (terminated before the notice followed the request) the intake day too."""
    if s.termination is None:
        return True
    if requested_by_a_party(s.source, s.requested_by):
        return s.limitation_interrupted_on == s.received_on
    return s.limitation_interrupted_on in (None, s.received_on)


def _recusal(s: CaseState) -> bool:
    return not (s.recused & s.mediators) and s.presiding not in s.recused


def _consent(s: CaseState) -> bool:
    return s.status is not CaseStatus.MEDIATING or not s.refusals


def _archive(s: CaseState) -> bool:
    outcome = CaseFileItem.AGREEMENT if s.agreement is not None else CaseFileItem.TERMINATION_RECORD
    return s.status is not CaseStatus.ARCHIVED or (STATUTORY_MINIMUM | {outcome}) <= s.documents


def _one_outcome(s: CaseState) -> bool:
    return not (s.agreement is not None and s.termination is not None)


def _ruling(s: CaseState) -> bool:
    """A ruling answers an application on a written agreement; a rejection records its routes."""
    r = s.confirmation
    if r is None:
        return True
    written = s.agreement is not None and s.agreement.form is AgreementForm.WRITTEN
    applied = s.confirmation_applied_on is not None and s.confirmation_applied_on <= r.on
    return written and applied and (r.enforceable or set(r.routes) == set(REFUSAL_ROUTES))


INVARIANTS: tuple[Invariant, ...] = (
    Invariant(
        name="consent_gate_holds",
        basis="人民调解法 第17条、第23条",
        section9=(1,),
        summary_zh="调解中的案件没有未撤回的拒绝",
        summary_en="no case is mediating while a refusal stands",
        holds=_consent,
    ),
    Invariant(
        name="written_effective_on_last_mark",
        basis="人民调解法 第29条",
        section9=(3,),
        summary_zh="书面协议的生效日为各方签名、调解员签名和委员会盖章中最晚的日期",
        summary_en="a written agreement's effective date is the latest of all required marks",
        holds=_written_effective,
    ),
    Invariant(
        name="limitation_interrupted_on_application",
        basis="最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定（2020年修正）第12条；民法典（2020）第195条 "
        "(see docs/legal-basis.md §1.4.9)",
        section9=(37,),
        summary_zh="当事人申请调解的案件终止时，记载诉讼时效自申请调解之日起中断；委员会主动调解的不记载",
        summary_en="a terminated case a party asked to have mediated records the limitation period interrupted on "
        "the day of the request; a case the committee took up on its own records none",
        holds=_limitation,
    ),
    Invariant(
        name="copies_per_party",
        basis="人民调解法 第29条",
        section9=(5,),
        summary_zh="书面协议份数为当事人数加一，调解委员会留存一份",
        summary_en="a written agreement has one copy per party plus one for the committee",
        holds=_copies,
    ),
    Invariant(
        name="oral_effective_same_day",
        basis="人民调解法 第28条、第30条",
        section9=(6,),
        summary_zh="口头协议自达成之日起生效，并记录内容",
        summary_en="an oral agreement is effective the day reached and its content is recorded",
        holds=_oral_same_day,
    ),
    Invariant(
        name="failure_notice_given",
        basis="人民调解法 第26条",
        section9=(9,),
        summary_zh="终止调解的案件均告知当事人仲裁、行政、诉讼途径",
        summary_en="every terminated case records the notice of arbitration, administrative and litigation routes",
        holds=_routes,
    ),
    Invariant(
        name="recused_mediator_inactive",
        basis="人民调解工作若干规定 (回避)",
        section9=(10,),
        summary_zh="已回避的调解员不在本案在任调解员之列",
        summary_en="a recused mediator is never among the case's active mediators",
        holds=_recusal,
    ),
    Invariant(
        name="archived_file_minimum",
        basis="人民调解法 第27条",
        section9=(13,),
        summary_zh="已归档卷宗至少含登记、调解记录和协议或终止记录",
        summary_en="an archived file holds the registration, the mediation record and the outcome record",
        holds=_archive,
    ),
    Invariant(
        name="one_outcome",
        basis="人民调解法 第26条、第28条",
        section9=(),
        summary_zh="案件不能既达成协议又终止调解",
        summary_en="a case is never both agreed and terminated",
        holds=_one_outcome,
    ),
    Invariant(
        name="ruling_answers_an_application",
        basis="民事诉讼法 第205条、第206条 (2023年修正); 人民调解法 第33条 (2010年)",
        section9=(),
        summary_zh="司法确认结果只针对已申请确认的书面协议，裁定日不早于申请日；驳回的均告知变更协议、重新调解或起诉的途径",
        summary_en="a ruling answers an application on a written agreement, not before it; a rejection records "
        "the routes of amending, a new agreement by mediation, or a lawsuit",
        holds=_ruling,
    ),
)


def broken_invariants(state: CaseState) -> list[str]:
    """Names of the invariants ``state`` breaks (empty for every reachable state)."""
    return [i.name for i in INVARIANTS if not i.holds(state)]
