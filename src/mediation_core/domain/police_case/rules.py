"""Police (治安) mediation: 公安机关办理行政案件程序规定 ch. 10 (arts. 178–186), 治安管理处罚法
art. 9 and its time limit, and the 2007 公安机关治安调解工作规范 for timing (docs/legal-basis.md §2).

The law has two editions here: the 2012 text for an act before 2026-01-01 and the 2025 revision
for an act on or after (``LawEdition``, §2.3). Each basis names both; the rules that differ by
edition read ``state.edition``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from mediation_core.domain.case.rules.common import command_date, known_party, text_required
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.police_case.commands import (
    DecidePunishment,
    ExtendTimeLimit,
    HoldPoliceSession,
    MediateOnTheSpot,
    OpenPoliceCase,
    RecordJointApplication,
    RecordOwnSettlement,
    RecordOwnSettlementPerformed,
    RecordPoliceAgreement,
)
from mediation_core.domain.police_case.mediability import (
    PoliceAct,
    Punishment,
    SessionReason,
    SettlementRoute,
    art178_gaps,
)
from mediation_core.domain.police_case.state import PoliceCaseState
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.domain.values.editions import EDITIONS
from mediation_core.domain.values.organisations import OrgKind
from mediation_core.domain.values.parties import NaturalPerson, age_on

SECOND_SESSION_WORKING_DAYS = 7
"""程序规定 art. 183: a second session is completed within 7 working days of the first."""

MAX_SESSIONS = 2
"""程序规定 art. 183; 治安调解工作规范 art. 9: 「一般为一次，必要时可以增加一次」."""

TIME_LIMIT_DAYS = 30
"""治安管理处罚法（2012年修正）第99条 / （2025年修订）第118条; 程序规定 art. 165: 30 days, and 30 more
with approval (once under the 2012 text, at most twice under the 2025 text)."""

ART9 = "治安管理处罚法（2012年修正）第9条 / （2025年修订）第9条"
"""Police mediation, by edition: the same article number in both texts."""

PROCEDURE = "公安机关办理行政案件程序规定（2020年修正）"
"""The ministerial procedure rule as read (docs/legal-basis.md §2.1, §8.6)."""

OWN_SETTLEMENT = (
    f"{PROCEDURE}第186条; 治安管理处罚法（2012年修正）无此条款（依程序规定） / （2025年修订）第9条第4款 "
    "(see docs/legal-basis.md §2.5)"
)
"""The parties' own settlement: the procedure rule under both editions, the statute from 2026."""


@rule(
    "police_date_order",
    basis="记录真实性 (程序规定 第184条)",
    kind=RuleKind.HARD,
    zh="日期不得早于受案日期",
    en="the date may not precede the case's acceptance",
)
def police_date_order(cmd: Any, state: PoliceCaseState | None, ctx: DecisionContext) -> Iterator[Violation]:
    found = command_date(cmd)
    if state is None or found is None:
        return
    name, value = found
    if value < state.accepted_on:
        yield police_date_order.violation(
            name,
            f"日期 {value.isoformat()} 早于受案日期 {state.accepted_on.isoformat()}",
            f"{value.isoformat()} is before the case was accepted on {state.accepted_on.isoformat()}",
        )


@rule(
    "police_case_registered",
    basis=f"{PROCEDURE}第61条 (受案登记)、第178条 (see docs/legal-basis.md §2.1)",
    kind=RuleKind.STANDARD,
    zh="治安案件须由名册中的派出所受案，写明案件编号、简要案情和违法嫌疑人",
    en="a 治安 case is accepted by a registered station and states its number, summary and suspects",
)
def police_case_registered(cmd: OpenPoliceCase, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    org = ctx.registry.org(cmd.station_id)
    if org is None or org.kind is not OrgKind.POLICE_STATION:
        yield police_case_registered.violation(
            "station_id", f"未知的派出所 {cmd.station_id!r}", f"unknown police station {cmd.station_id!r}"
        )
    yield from text_required(cmd, ("case_number", "summary"), police_case_registered)
    party_ids = {p.party_id for p in cmd.parties}
    if not cmd.suspect_ids:
        yield police_case_registered.violation("suspect_ids", "须写明违法嫌疑人", "name the suspect(s)")
    for i, suspect in enumerate(cmd.suspect_ids):
        if suspect not in party_ids:
            yield police_case_registered.violation(
                f"suspect_ids[{i}]", f"{suspect!r} 不是本案当事人", f"{suspect!r} is not a party"
            )
    if party_ids and party_ids <= set(cmd.suspect_ids):
        yield police_case_registered.violation("suspect_ids", "须有被侵害人", "a victim is needed besides the suspects")


@rule(
    "police_mediable",
    basis=f"{PROCEDURE}第178条; {ART9} (see docs/legal-basis.md §2.1, §2.4)",
    kind=RuleKind.HARD,
    zh="可以调解的须为第178条所列违法行为（所列之外的「等」行为须写明理由，政策可不允许），因民间纠纷引起、"
    "情节较轻，并具有所列情形之一",
    en="a mediable case is a listed act (an act outside the list with a recorded reason, unless the policy "
    "bars it), arising from a civil dispute, minor, with a qualifying circumstance",
    section9=(16,),
)
def police_mediable(cmd: Any, state: PoliceCaseState, ctx: DecisionContext) -> Iterator[Violation]:
    for field, zh, en in art178_gaps(state.assessment):
        yield police_mediable.violation(field, zh, en)
    if state.assessment.act is PoliceAct.OTHER and not ctx.policy.police_other_acts_mediable:
        yield police_mediable.violation(
            "assessment.act",
            "本县政策不调解第178条所列之外的违法行为",
            "the county's policy does not mediate acts outside art. 178's list",
        )


@rule(
    "police_not_excluded",
    basis=f"{PROCEDURE}第179条 (see docs/legal-basis.md §2.1)",
    kind=RuleKind.HARD,
    zh="雇凶伤害、结伙斗殴、寻衅滋事、多次违法、当事人不愿调解、调解中又实施违法或嫌疑人逃跑等情形不适用调解",
    en="hired assault, group fights, provocation, repeat violations, unwillingness, a new violation during "
    "mediation or a fled suspect bar police mediation",
    section9=(17,),
)
def police_not_excluded(cmd: Any, state: PoliceCaseState, ctx: DecisionContext) -> Iterator[Violation]:
    for exclusion in sorted(state.assessment.exclusions, key=lambda x: x.value):
        yield police_not_excluded.violation(
            f"assessment.exclusions[{exclusion.value}]", f"存在「{exclusion.title_zh}」", f"excluded: {exclusion.value}"
        )


@rule(
    "police_sessions_at_most_two",
    basis=f"{PROCEDURE}第183条; 公安机关治安调解工作规范 第9条 (see docs/legal-basis.md §2.1, §2.2.9)",
    kind=RuleKind.HARD,
    zh="治安调解一般为一次，必要时或当事人要求可增加一次，并在第一次调解后7个工作日内完成",
    en="at most two sessions; a second one is needed by the police or asked by a party and "
    "held within 7 working days of the first",
    section9=(18,),
)
def police_sessions_at_most_two(
    cmd: HoldPoliceSession, state: PoliceCaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    if len(state.sessions) >= MAX_SESSIONS:
        yield police_sessions_at_most_two.violation(
            "sessions", f"已调解{len(state.sessions)}次，不得再次调解", "two sessions were already held"
        )
        return
    if not state.sessions:
        return
    if cmd.reason is None:
        yield police_sessions_at_most_two.violation(
            "reason", "第二次调解须为公安机关认为必要或当事人要求", "a second session needs a reason"
        )
    elif cmd.reason is SessionReason.PARTY_REQUEST and state.party(cmd.requested_by) is None:
        yield police_sessions_at_most_two.violation(
            "requested_by", "须写明提出要求的当事人", "name the party who asked for it"
        )
    first = state.sessions[0].on
    last_day = ctx.calendar.add_working_days(first, SECOND_SESSION_WORKING_DAYS, ctx.policy.beyond_calendar).date
    if cmd.on > last_day:
        yield police_sessions_at_most_two.violation(
            "on",
            f"第二次调解须于第一次调解（{first.isoformat()}）后7个工作日内即 {last_day.isoformat()} 前完成",
            f"the second session must be held by {last_day.isoformat()}, 7 working days after {first.isoformat()}",
        )


def first_session_due(state: PoliceCaseState) -> dt.date | None:
    """When the first session is due, if the deadline is set."""
    deadline = state.deadlines.get(DeadlineKind.POLICE_FIRST_SESSION)
    return deadline.due if deadline else None


@rule(
    "police_first_session_timely",
    basis="公安机关治安调解工作规范 第9条 (see docs/legal-basis.md §2.2.9)",
    kind=RuleKind.POLICY,
    zh="首次调解应于受案或伤情鉴定、价值认定出具后规定的工作日内进行；需要鉴定的须待鉴定出具，逾期须说明理由",
    en="the first session is held within the policy's working days of acceptance or of the assessment; "
    "an assessment that is needed comes first, and a late session states why",
    section9=(19,),
)
def police_first_session_timely(
    cmd: HoldPoliceSession, state: PoliceCaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    if state.sessions:
        return
    if state.assessment_needed and state.assessment_issued_on is None:
        yield police_first_session_timely.violation(
            "assessment_issued_on", "须待伤情鉴定或价值认定出具后调解", "wait for the injury or value assessment"
        )
        return
    due = first_session_due(state)
    if due is not None and cmd.on > due and not cmd.late_reason.strip():
        yield police_first_session_timely.violation(
            "late_reason",
            f"首次调解应于 {due.isoformat()} 前进行，逾期须说明理由",
            f"the first session was due by {due.isoformat()}; state why it is late",
        )


def _minor_problems(cmd: Any, state: PoliceCaseState, on: dt.date, which: Any) -> Iterator[Violation]:
    for party in state.parties:
        if not isinstance(party, NaturalPerson) or party.party_id not in cmd.party_ids:
            continue
        age = age_on(party, on)
        if age is None or age >= 18:
            continue
        if party.party_id in cmd.guardians_notified:
            continue
        waived = party.party_id in cmd.guardian_waivers
        if waived and age >= 16 and party.self_supporting:
            continue
        yield which.violation(
            f"guardians_notified[{party.party_id}]",
            f"当事人 {party.name} 未满18周岁（{age}岁），须通知其监护人到场"
            + ("（仅16周岁以上以自己劳动收入为主要生活来源者可同意不通知）" if waived else ""),
            f"{party.party_id} is {age}: notify the guardian (only a self-supporting 16- or 17-year-old may waive)",
        )


@rule(
    "police_minors_and_agents",
    basis=f"{PROCEDURE}第181条 (see docs/legal-basis.md §2.1)",
    kind=RuleKind.HARD,
    zh="当事人为未成年人的应通知监护人到场（16周岁以上以自己劳动收入为主要生活来源且同意不通知的除外）；"
    "被侵害人委托他人的须有书面授权，违法嫌疑人不得委托",
    en="a minor's guardian is notified (unless 16+, self-supporting and agreeing not to); a victim's agent "
    "has a written power of attorney; a suspect may not delegate",
    section9=(23,),
)
def police_minors_and_agents(cmd: Any, state: PoliceCaseState, ctx: DecisionContext) -> Iterator[Violation]:
    yield from _minor_problems(cmd, state, cmd.on, police_minors_and_agents)
    for i, delegate in enumerate(getattr(cmd, "delegates", ())):
        if delegate.party_id in state.suspect_ids:
            yield police_minors_and_agents.violation(
                f"delegates[{i}]", "违法嫌疑人不得委托他人参加调解", "a suspect may not send a delegate"
            )
        elif not delegate.written_authority or not delegate.scope.strip():
            yield police_minors_and_agents.violation(
                f"delegates[{i}].written_authority",
                "被侵害人委托他人的，须出具写明委托权限的授权委托书",
                "a victim's agent needs a written power of attorney stating its scope",
            )


@rule(
    "police_parties_present",
    basis=f"{PROCEDURE}第184条 (see docs/legal-basis.md §2.1)",
    kind=RuleKind.STANDARD,
    zh="调解须由民警主持、写明地点，参加调解的须为本案当事人",
    en="a session names its presiding officer and place, and the parties present are parties to the case",
)
def police_parties_present(cmd: Any, state: PoliceCaseState, ctx: DecisionContext) -> Iterator[Violation]:
    yield from text_required(
        cmd,
        ("presiding_officer", "place", "summary") if isinstance(cmd, HoldPoliceSession) else ("officer",),
        police_parties_present,
    )
    if not cmd.party_ids:
        yield police_parties_present.violation("party_ids", "须有当事人参加", "the parties must take part")
    for i, party_id in enumerate(cmd.party_ids):
        if state.party(party_id) is None:
            yield police_parties_present.violation(
                f"party_ids[{i}]", f"{party_id!r} 不是本案当事人", f"{party_id!r} is not a party"
            )


@rule(
    "police_agreement_fields",
    basis=f"{PROCEDURE}第184条 (see docs/legal-basis.md §2.1)",
    kind=RuleKind.HARD,
    zh="治安调解协议书须载明机关名称、主持人、双方当事人和其他在场人员，事件的时间、地点、人物、起因、经过、情节、"
    "结果，协议内容、履行期限和方式，并由双方当事人签名",
    en="a police mediation agreement states the organ, the presiding officer, the parties and others present, "
    "the incident's time, place, persons, cause, course, circumstances and result, the terms, and the deadline "
    "and method of performance, and is signed by both parties",
    section9=(20,),
)
def police_agreement_fields(
    cmd: RecordPoliceAgreement, state: PoliceCaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    terms = cmd.terms
    for name in ("organ_name", "presiding_officer", "terms", "performance_method"):
        if not str(getattr(terms, name)).strip():
            yield police_agreement_fields.violation(f"terms.{name}", f"协议书缺少 {name}", f"{name} is missing")
    for name in ("time", "place", "persons", "cause", "course", "circumstances", "result"):
        if not str(getattr(terms.incident, name)).strip():
            yield police_agreement_fields.violation(
                f"terms.incident.{name}", f"协议书未写明事件的 {name}", f"the incident's {name} is missing"
            )
    if terms.performance_deadline < cmd.on:
        yield police_agreement_fields.violation(
            "terms.performance_deadline", "履行期限早于协议日期", "the performance deadline is before the agreement"
        )
    for party_id in state.party_ids:
        if party_id not in terms.present_party_ids:
            yield police_agreement_fields.violation(
                f"terms.present_party_ids[{party_id}]", f"未写明当事人 {party_id}", f"{party_id} is not stated"
            )
        if party_id not in cmd.signed_by:
            yield police_agreement_fields.violation(
                f"signed_by[{party_id}]", f"当事人 {party_id} 未签名", f"{party_id} has not signed"
            )
    for i, signer in enumerate(cmd.signed_by):
        yield from known_party(state, signer, f"signed_by[{i}]")


@rule(
    "on_the_spot_conditions",
    basis=f"{PROCEDURE}第178条第3款 (see docs/legal-basis.md §2.1)",
    kind=RuleKind.HARD,
    zh="当场调解须事实清楚、情节轻微、因果关系明确，不涉及医疗费用和物品损失或对其赔付无争议，双方同意当场调解并当场履行；"
    "未制作协议书的须有执法记录仪完整记录",
    en="on-the-spot mediation needs clear facts, minor circumstances, clear causation, no disputed medical or "
    "property loss, and both parties agreeing to settle and perform on the spot; without a written agreement "
    "a body-camera recording keeps it",
)
def on_the_spot_conditions(cmd: MediateOnTheSpot, state: PoliceCaseState, ctx: DecisionContext) -> Iterator[Violation]:
    c = cmd.conditions
    checks = (
        ("minor", c.minor, "情节轻微"),
        ("facts_clear", c.facts_clear, "事实清楚"),
        ("causation_clear", c.causation_clear, "因果关系明确"),
        ("losses_undisputed", c.losses_undisputed, "不涉及医疗费用、物品损失或对赔付无争议"),
        ("agree_on_the_spot", c.agree_on_the_spot, "双方同意当场调解"),
        ("perform_on_the_spot", c.perform_on_the_spot, "当场履行"),
    )
    for name, holds, zh in checks:
        if not holds:
            yield on_the_spot_conditions.violation(
                f"conditions.{name}", f"不符合当场调解条件：{zh}", f"{name} does not hold"
            )
    yield from text_required(cmd, ("content",), on_the_spot_conditions)
    if not cmd.written and not cmd.body_camera_ref.strip():
        yield on_the_spot_conditions.violation(
            "body_camera_ref",
            "未制作协议书的，须有执法记录仪录音录像记录",
            "without a written agreement, cite the recording",
        )
    missing = sorted(set(state.party_ids) - set(cmd.party_ids))
    if missing:
        yield on_the_spot_conditions.violation(
            "party_ids", f"当事人 {', '.join(missing)} 未到场同意", f"{', '.join(missing)} did not agree on the spot"
        )


@rule(
    "joint_written_application",
    basis=OWN_SETTLEMENT,
    kind=RuleKind.HARD,
    zh="不予处罚的申请须由双方当事人共同书面提出",
    en="the application not to punish is made jointly by all parties, in writing",
    section9=(22,),
)
def joint_written_application(
    cmd: RecordJointApplication, state: PoliceCaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    if not cmd.written:
        yield joint_written_application.violation("written", "须书面申请", "the application must be written")
    missing = sorted(set(state.party_ids) - set(cmd.applicant_ids))
    if missing:
        yield joint_written_application.violation(
            "applicant_ids", f"当事人 {', '.join(missing)} 未共同申请", f"{', '.join(missing)} did not join"
        )
    for i, applicant in enumerate(cmd.applicant_ids):
        yield from known_party(state, applicant, f"applicant_ids[{i}]")


@rule(
    "police_time_limit_extension",
    basis="治安管理处罚法（2012年修正）第99条 / （2025年修订）第118条; "
    f"{PROCEDURE}第165条 (see docs/legal-basis.md §2.3)",
    kind=RuleKind.HARD,
    zh="重大、复杂案件经批准，办案期限可延长30日：2012年文本只能延长一次，2025年修订文本以二次为限"
    "（公安派出所办理的由所属公安机关批准）；按违法行为发生时的文本计",
    en="a major or complex case may have 30 more days with approval: once under the 2012 text, at most "
    "twice under the 2025 text (a station's case approved by its own public security organ); the text "
    "in force on the day of the act applies",
)
def police_time_limit_extension(
    cmd: ExtendTimeLimit, state: PoliceCaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    yield from text_required(cmd, ("approved_by", "reason"), police_time_limit_extension)
    terms = EDITIONS[state.edition]
    if state.extensions >= terms.max_extensions:
        yield police_time_limit_extension.violation(
            "extensions",
            f"办案期限已延长{state.extensions}次；{terms.time_limit_article}至多延长{terms.max_extensions}次",
            f"already extended {state.extensions} time(s); {state.edition.value} text allows {terms.max_extensions}",
        )
    if DeadlineKind.POLICE_TIME_LIMIT not in state.deadlines:
        yield police_time_limit_extension.violation(
            "deadlines", "调解期间办案期限中止，无需延长", "the time limit waits during mediation; nothing to extend"
        )


def police_agreement_performed(state: PoliceCaseState) -> bool:
    """A police agreement was reached (or settled on the spot) and performed."""
    return (state.agreement is not None or state.on_the_spot) and state.performed is True


def own_settlement_route(state: PoliceCaseState) -> bool:
    """The parties' own settlement (or their own people's mediation) is on record."""
    return state.own_settlement_on is not None


@rule(
    "punishment_follows_outcome",
    basis=f"{ART9}; {PROCEDURE}第185条 (see docs/legal-basis.md §2.1)",
    kind=RuleKind.HARD,
    zh="经调解达成协议并履行的，不予处罚；未达成协议或者达成协议后不履行的，应当依法处罚，并告知当事人可以就民事争议依法提起民事诉讼",
    en="an agreement reached and performed means no punishment; no agreement or no performance means "
    "punishment, with notice that the parties may sue on the civil dispute",
    section9=(21,),
)
def punishment_follows_outcome(
    cmd: DecidePunishment, state: PoliceCaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    yield from text_required(cmd, ("reference",), punishment_follows_outcome)
    settled_by_police = police_agreement_performed(state)
    if cmd.decision is Punishment.PUNISHMENT and settled_by_police:
        yield punishment_follows_outcome.violation(
            "decision", "调解协议已履行，依法不予处罚", "the agreement was performed: no punishment"
        )
    other_route = state.referral_id is not None or own_settlement_route(state)
    if cmd.decision is Punishment.NO_PUNISHMENT and not settled_by_police and not other_route:
        yield punishment_follows_outcome.violation(
            "decision", "未经调解达成协议并履行，不得不予处罚", "no performed mediation agreement: punish under the law"
        )
    if cmd.decision is Punishment.PUNISHMENT and state.failed_on is not None and not cmd.civil_suit_notified:
        yield punishment_follows_outcome.violation(
            "civil_suit_notified",
            "调解不成或不履行而处罚的，须告知当事人可以依法提起民事诉讼",
            "tell the parties they may bring a civil suit",
        )


@rule(
    "peoples_mediation_substitute",
    basis=f"{PROCEDURE}第186条; 治安管理处罚法（2012年修正）无此条款（依程序规定） / （2025年修订）第9条第4款 "
    "(see docs/legal-basis.md §2.1, §3.8)",
    kind=RuleKind.HARD,
    zh="委托人民调解的可调解案件，须达成协议并履行、双方当事人共同书面申请、经公安机关认可，方可不予处罚",
    en="after people's mediation, no punishment needs a performed agreement, the parties' joint written "
    "application and the police's approval, in a mediable case",
    section9=(22,),
)
def peoples_mediation_substitute(
    cmd: DecidePunishment, state: PoliceCaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    if cmd.decision is not Punishment.NO_PUNISHMENT or state.referral_id is None or police_agreement_performed(state):
        return
    if not state.mediable:
        yield peoples_mediation_substitute.violation(
            "assessment", "不属于第178条可以调解的案件", "the case is not mediable under art. 178"
        )
    if state.peoples_settled is not True:
        yield peoples_mediation_substitute.violation("peoples_settled", "人民调解未达成协议", "no people's agreement")
    if state.peoples_performed is not True:
        yield peoples_mediation_substitute.violation(
            "peoples_performed", "人民调解协议未履行", "the agreement was not performed"
        )
    complete = set(state.party_ids) <= set(state.joint_applicants) and state.joint_application_written
    if state.joint_application_on is None or not complete:
        yield peoples_mediation_substitute.violation(
            "joint_application", "无双方当事人共同书面申请", "no joint written application"
        )
    if not cmd.approved_by.strip():
        yield peoples_mediation_substitute.violation("approved_by", "须经公安机关认可", "the police must approve")


@rule(
    "police_act_dated",
    basis="行政处罚法（2021年修订）第37条; 治安管理处罚法（2025年修订）第144条 (see docs/legal-basis.md §2.3)",
    kind=RuleKind.HARD,
    zh="治安案件须写明违法行为发生日期，且不得晚于受案日期；据此确定适用2012年文本还是2025年修订文本",
    en="a 治安 case states the day of the act, not after acceptance; it chooses the 2012 or the 2025 text",
)
def police_act_dated(cmd: OpenPoliceCase, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.act_on is None:
        yield police_act_dated.violation(
            "act_on", "须写明违法行为发生日期（确定适用的法律文本）", "state the day of the act (it chooses the text)"
        )
    elif cmd.act_on > cmd.accepted_on:
        yield police_act_dated.violation(
            "act_on",
            f"违法行为日期 {cmd.act_on.isoformat()} 晚于受案日期 {cmd.accepted_on.isoformat()}",
            f"the act on {cmd.act_on.isoformat()} is after acceptance on {cmd.accepted_on.isoformat()}",
        )


@rule(
    "own_settlement_recorded",
    basis=OWN_SETTLEMENT,
    kind=RuleKind.HARD,
    zh="当事人自行和解或经人民调解委员会调解达成协议的，须为可以调解的案件、在公安机关作出处理决定前、"
    "由全体当事人达成并记录协议内容；经人民调解的须写明调解组织；已委托人民调解的按委托途径处理",
    en="the parties' own settlement (or their own people's mediation) is for a mediable case, before the "
    "police decide, reached by every party with its content recorded; the committee is named on that route; "
    "an entrusted case goes the entrustment route",
)
def own_settlement_recorded(
    cmd: RecordOwnSettlement, state: PoliceCaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    yield from text_required(cmd, ("content",), own_settlement_recorded)
    if cmd.route is SettlementRoute.PEOPLES_MEDIATION and not cmd.mediation_body.strip():
        yield own_settlement_recorded.violation(
            "mediation_body", "经人民调解的，须写明人民调解委员会", "name the people's mediation committee"
        )
    missing = sorted(set(state.party_ids) - set(cmd.party_ids))
    if missing:
        yield own_settlement_recorded.violation(
            "party_ids", f"当事人 {', '.join(missing)} 未参与和解", f"{', '.join(missing)} did not settle"
        )
    for i, party_id in enumerate(cmd.party_ids):
        yield from known_party(state, party_id, f"party_ids[{i}]")
    if state.referral_id is not None:
        yield own_settlement_recorded.violation(
            "referral_id",
            "本案已委托人民调解，结果由调解室反馈",
            "the case is entrusted to a room: its result comes back as feedback",
        )


@rule(
    "own_settlement_performed",
    basis=OWN_SETTLEMENT,
    kind=RuleKind.HARD,
    zh="记录履行须先有当事人自行达成的协议，并写明履行的证明",
    en="performance follows a recorded own settlement and states its evidence",
)
def own_settlement_performed(
    cmd: RecordOwnSettlementPerformed, state: PoliceCaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    if state.own_settlement_on is None:
        yield own_settlement_performed.violation("own_settlement", "尚无当事人自行达成的协议", "no own settlement")
    elif cmd.on < state.own_settlement_on:
        yield own_settlement_performed.violation(
            "on", "履行日期早于和解日期", "performance is dated before the settlement"
        )
    yield from text_required(cmd, ("evidence",), own_settlement_performed)


@rule(
    "own_settlement_no_punishment",
    basis=OWN_SETTLEMENT,
    kind=RuleKind.HARD,
    zh="当事人自行和解或经人民调解达成协议的，须为可以调解的案件、协议已履行、双方当事人共同书面申请并经公安机关认可，"
    "方可不予处罚",
    en="after the parties' own settlement, no punishment needs a mediable case, a performed settlement, the "
    "parties' joint written application and the police's approval",
    section9=(22,),
)
def own_settlement_no_punishment(
    cmd: DecidePunishment, state: PoliceCaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    if cmd.decision is not Punishment.NO_PUNISHMENT or not own_settlement_route(state):
        return
    if police_agreement_performed(state) or state.referral_id is not None:
        return
    if not state.mediable:
        yield own_settlement_no_punishment.violation(
            "assessment", "不属于第178条可以调解的案件", "the case is not mediable under art. 178"
        )
    if state.own_settlement_performed_on is None:
        yield own_settlement_no_punishment.violation(
            "own_settlement_performed_on", "和解协议尚未履行", "the settlement has not been performed"
        )
    complete = set(state.party_ids) <= set(state.joint_applicants) and state.joint_application_written
    if state.joint_application_on is None or not complete:
        yield own_settlement_no_punishment.violation(
            "joint_application", "无双方当事人共同书面申请", "no joint written application"
        )
    if not cmd.approved_by.strip():
        yield own_settlement_no_punishment.violation("approved_by", "须经公安机关认可", "the police must approve")
