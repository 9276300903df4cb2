"""Judicial confirmation: joint application within 30 days (the last day rolled over a rest day),
never for excluded subjects; the court's ruling on an application made, by the court applied to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from mediation_core.domain.case.agreements import JUDICIAL_CONFIRMATION_DAYS, Agreement, AgreementForm
from mediation_core.domain.case.commands import ApplyJudicialConfirmation, RecordJudicialConfirmation
from mediation_core.domain.case.courts import COURT_CASE_NUMBER, COURT_NAME, court_case_year
from mediation_core.domain.case.rules.common import text_required
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.values.calendar import WorkingDayCalendar, add_calendar_days
from mediation_core.domain.values.deadlines import period_end
from mediation_core.domain.values.policy import Policy


def confirmation_last_day(effective_on: dt.date, calendar: WorkingDayCalendar | None, policy: Policy) -> dt.date:
    """The last day to apply: 30 days after the agreement took effect, moved to the next working
    day when that day is a rest day (民法典 art. 203). Without a calendar, the plain 30th day."""
    if calendar is None:
        return add_calendar_days(effective_on, JUDICIAL_CONFIRMATION_DAYS)
    return period_end(effective_on, calendar, policy, days=JUDICIAL_CONFIRMATION_DAYS).date


def confirmation_eligible(
    agreement: Agreement | None,
    party_ids: tuple[str, ...],
    applicant_ids: tuple[str, ...],
    on: dt.date,
    *,
    calendar: WorkingDayCalendar | None = None,
    policy: Policy | None = None,
) -> bool:
    """§9 rules 7–8 as one predicate: written, effective, joint, within 30 days (rolled over a
    rest day when a calendar is given), confirmable."""
    return (
        agreement is not None
        and agreement.form is AgreementForm.WRITTEN
        and set(applicant_ids) == set(party_ids)
        and agreement.effective_on <= on <= confirmation_last_day(agreement.effective_on, calendar, policy or Policy())
        and agreement.subject.confirmable
    )


@rule(
    "confirmation_window",
    basis=(
        "人民调解法 第33条 (2010年); 民事诉讼法 第205条 (2023年修正); 民法典 第203条 (2020年: 末日为休假日的顺延); "
        "see docs/legal-basis.md §1.4.7, §1.5"
    ),
    kind=RuleKind.HARD,
    zh="双方当事人须自调解协议生效之日起30日内共同申请司法确认；口头协议不适用",
    en="judicial confirmation needs a joint application within 30 days of a written agreement taking effect",
    section9=(7,),
)
def confirmation_window(cmd: ApplyJudicialConfirmation, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    agreement = state.agreement
    yield from text_required(cmd, ("court",), confirmation_window)
    if agreement is None or agreement.form is not AgreementForm.WRITTEN:
        yield confirmation_window.violation(
            "agreement", "须为已生效的书面调解协议", "only an effective written agreement can be confirmed"
        )
        return
    missing = sorted(set(state.party_ids) - set(cmd.applicant_ids))
    if missing:
        yield confirmation_window.violation(
            "applicant_ids",
            f"当事人 {', '.join(missing)} 未共同申请",
            f"{', '.join(missing)} did not join the application",
        )
    days = (cmd.on - agreement.effective_on).days
    last_day = confirmation_last_day(agreement.effective_on, ctx.calendar, ctx.policy)
    if not agreement.effective_on <= cmd.on <= last_day:
        yield confirmation_window.violation(
            "on",
            f"申请日距协议生效日 {days} 日，超出30日（末日顺延至 {last_day.isoformat()}）",
            f"applied {days} days after the agreement took effect (30 allowed, last day {last_day.isoformat()})",
        )
    if state.confirmation_applied_on is not None:
        yield confirmation_window.violation("on", "已申请过司法确认", "confirmation was already applied for")


@rule(
    "confirmation_excluded_subjects",
    basis="最高人民法院关于适用《民事诉讼法》的解释 第355条",
    kind=RuleKind.HARD,
    zh="涉及身份关系、物权或知识产权确权的调解协议不予司法确认",
    en="agreements on identity relations or on confirming real-right or IP ownership are never confirmed",
    section9=(8,),
)
def confirmation_excluded_subjects(
    cmd: ApplyJudicialConfirmation, state: CaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    if state.agreement is not None and not state.agreement.subject.confirmable:
        yield confirmation_excluded_subjects.violation(
            "agreement.subject",
            f"协议标的为 {state.agreement.subject.value}",
            f"the agreement's subject is {state.agreement.subject.value}",
        )


RULING_BASIS = (
    "人民调解法 第33条 (2010年); 民事诉讼法 第205条、第206条 (2023年修正; 2021年修正本 第201条、第202条); "
    "最高人民法院关于人民调解协议司法确认程序的若干规定 第2条、第4条 (法释〔2011〕5号); "
    "see docs/legal-basis.md §1.4.7a"
)


@rule(
    "confirmation_ruling_follows_application",
    basis=RULING_BASIS,
    kind=RuleKind.HARD,
    zh="司法确认结果须在共同申请之后记录，由受理申请的人民法院作出，裁定日不早于申请日，每次申请只记录一次",
    en="a ruling is recorded once, after the joint application, by the court applied to, not before the application",
)
def confirmation_ruling_follows_application(
    cmd: RecordJudicialConfirmation, state: CaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    applied_on = state.confirmation_applied_on
    if applied_on is None:
        yield confirmation_ruling_follows_application.violation(
            "result", "本案尚未共同申请司法确认", "no joint application for confirmation was recorded"
        )
        return
    if state.confirmation is not None:
        yield confirmation_ruling_follows_application.violation(
            "result",
            f"已记录司法确认结果（{state.confirmation.result.title_zh}）",
            f"the ruling ({state.confirmation.result.value}) was already recorded",
        )
    if cmd.on < applied_on:
        yield confirmation_ruling_follows_application.violation(
            "on",
            f"裁定日 {cmd.on.isoformat()} 早于申请日 {applied_on.isoformat()}",
            f"ruled on {cmd.on.isoformat()}, before the application of {applied_on.isoformat()}",
        )
    court = (state.confirmation_court or "").strip()
    if cmd.court.strip() != court:
        yield confirmation_ruling_follows_application.violation(
            "court",
            f"须为受理申请的人民法院（{court}）",
            f"must be the court applied to ({court})",
        )


@rule(
    "court_case_number_well_formed",
    basis=(
        "最高人民法院关于人民法院案件案号的若干规定 (2015年, 2018年修正): （收案年度）法院代字类型代字案件编号号; "
        "法释〔2011〕5号 第4条 (编立案号)"
    ),
    kind=RuleKind.STANDARD,
    zh="法院名称须为某人民法院（或人民法庭），案号须为“（年度）代字编号号”且年度不早于申请年度、不晚于裁定年度",
    en=(
        "the court is a people's court (or tribunal) and the case number reads (year)code-number号, "
        "its year between the application's and the ruling's"
    ),
)
def court_case_number_well_formed(
    cmd: RecordJudicialConfirmation, state: CaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    if not COURT_NAME.fullmatch(cmd.court.strip()):
        yield court_case_number_well_formed.violation(
            "court",
            f"法院名称 {cmd.court!r} 须以“人民法院”或“人民法庭”结尾",
            f"{cmd.court!r} is not the name of a people's court",
        )
    number = cmd.court_case_number.strip()
    if not COURT_CASE_NUMBER.fullmatch(number):
        yield court_case_number_well_formed.violation(
            "court_case_number",
            f"案号 {cmd.court_case_number!r} 格式不符，如（2025）川1102民特123号",
            f"{cmd.court_case_number!r} is not a case number such as （2025）川1102民特123号",
        )
        return
    year = court_case_year(number)
    first = state.confirmation_applied_on.year if state.confirmation_applied_on else cmd.on.year
    if year is not None and not first <= year <= cmd.on.year:
        yield court_case_number_well_formed.violation(
            "court_case_number",
            f"案号年度 {year} 不在申请年度 {first} 至裁定年度 {cmd.on.year} 之间",
            f"the case number's year {year} is not between {first} and {cmd.on.year}",
        )
