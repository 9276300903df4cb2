"""Traffic accident compensation: 道路交通事故处理程序规定 (S9) arts. 26, 85–94 and the 2010
notice on people's mediation with insurers (S11); docs/legal-basis.md §4."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

from mediation_core.domain.case.commands import HoldSession, ScheduleSession
from mediation_core.domain.case.rules.common import command_date, known_party, text_required
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.traffic.accident import (
    APPLICATION_DAYS,
    CHANGE_DAYS,
    FULL_SHARE,
    MAX_PER_SIDE,
    NOTICE_DAYS,
    REENTRY_DAYS,
    WORKING_DAYS_BASIS,
    JointBody,
    TrafficTermination,
)
from mediation_core.domain.traffic.commands import (
    AcceptPoliceMediation,
    ApplyPoliceMediation,
    HoldTrafficSession,
    IssueMediationDocument,
    MediateAccidentOnTheSpot,
    RecordDamageDetermined,
    RegisterAccident,
    RequestSessionChange,
    ScheduleTrafficSession,
    TerminateTrafficMediation,
)
from mediation_core.domain.traffic.state import TrafficState
from mediation_core.domain.values.organisations import OrgKind


def working_days_after(start: dt.date, days: int, ctx: DecisionContext) -> dt.date:
    """The ``days``-th working day after ``start`` (S9 art. 111(4): its days are working days)."""
    return ctx.calendar.add_working_days(start, days, ctx.policy.beyond_calendar).date


def _missing_parties(state: TrafficState, given: tuple[str, ...]) -> list[str]:
    return sorted(set(state.party_ids) - set(given))


@rule(
    "traffic_date_order",
    basis="记录真实性 (道路交通事故处理程序规定 第93条)",
    kind=RuleKind.HARD,
    zh="日期不得早于事故发生日期",
    en="the date may not precede the accident",
)
def traffic_date_order(cmd: Any, state: TrafficState | None, ctx: DecisionContext) -> Iterator[Violation]:
    found = command_date(cmd)
    if state is None or found is None:
        return
    name, value = found
    if value < state.accident_on:
        yield traffic_date_order.violation(
            name,
            f"日期早于事故日期 {state.accident_on.isoformat()}",
            f"before the accident on {state.accident_on.isoformat()}",
        )


@rule(
    "accident_registered",
    basis=(
        "道路交通事故处理程序规定 第62条、第65条 (认定书); “1+4”交通事故纠纷联合调解室 (地方实践; see "
        "docs/legal-basis.md §4.2.6)"
    ),
    kind=RuleKind.STANDARD,
    zh="交通事故纠纷须由名册中的交警部门在联合调解室登记，写明事故编号、简要情况和当事人收到的认定书或证明",
    en="a traffic dispute is registered by a known traffic police unit at a joint room, with the accident "
    "number, a summary and the determination the parties received",
)
def accident_registered(cmd: RegisterAccident, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    brigade = ctx.registry.org(cmd.brigade_id)
    if brigade is None or brigade.kind is not OrgKind.TRAFFIC_POLICE:
        yield accident_registered.violation(
            "brigade_id", f"未知的交警部门 {cmd.brigade_id!r}", f"unknown traffic police unit {cmd.brigade_id!r}"
        )
    room = ctx.registry.org(cmd.room_id)
    if room is None or room.kind is not OrgKind.MEDIATION_ROOM:
        yield accident_registered.violation("room_id", f"未知的调解室 {cmd.room_id!r}", f"unknown room {cmd.room_id!r}")
    yield from text_required(cmd, ("accident_number", "summary"), accident_registered)
    if not cmd.determination.number.strip():
        yield accident_registered.violation("determination.number", "须写明认定书或证明编号", "the number is missing")
    received = cmd.determination.received_on
    if received < cmd.accident_on or received > ctx.today:
        yield accident_registered.violation(
            "determination.received_on",
            "收到认定书的日期须在事故之后且不晚于今天",
            "received after the accident, not in the future",
        )


@rule(
    "simple_procedure_bar",
    basis="道路交通事故处理程序规定 第23条至第26条",
    kind=RuleKind.HARD,
    zh="适用简易程序且各方共同请求、对认定无争议、均已签名的，方可当场调解",
    en="on-the-spot mediation needs the simple procedure, every party's joint request, no dispute over the "
    "determination, and every party's signature",
    section9=(30,),
)
def simple_procedure_bar(
    cmd: MediateAccidentOnTheSpot, state: TrafficState, ctx: DecisionContext
) -> Iterator[Violation]:
    if not state.simple_procedure:
        yield simple_procedure_bar.violation(
            "simple_procedure", "未适用简易程序", "not handled by the simple procedure"
        )
    if cmd.determination_disputed:
        yield simple_procedure_bar.violation(
            "determination_disputed", "当事人对事故认定有异议", "the determination is disputed"
        )
    for field, given, zh, en in (
        ("requested_by", cmd.requested_by, "未共同请求调解", "did not ask for mediation"),
        ("signed_by", cmd.signed_by, "拒绝签名", "refused to sign"),
    ):
        missing = _missing_parties(state, given)
        if missing:
            yield simple_procedure_bar.violation(
                field, f"当事人 {', '.join(missing)} {zh}", f"{', '.join(missing)} {en}"
            )
    yield from text_required(cmd, ("officer", "content"), simple_procedure_bar)


def _joint_and_written(cmd: ApplyPoliceMediation, state: TrafficState, which: Any) -> Iterator[Violation]:
    if not cmd.written:
        yield which.violation("written", "须书面申请", "the application must be written")
    missing = _missing_parties(state, cmd.applicant_ids)
    if missing:
        yield which.violation(
            "applicant_ids", f"当事人 {', '.join(missing)} 未共同申请", f"{', '.join(missing)} did not join"
        )


@rule(
    "traffic_application_window",
    basis=f"道路交通事故处理程序规定 第86条 (2017年修订); {WORKING_DAYS_BASIS}; see docs/legal-basis.md §4.1, §4.3",
    kind=RuleKind.HARD,
    zh="申请交警调解须由各方当事人在收到认定书、证明或复核结论之日起10个工作日内共同书面提出；交警调解不成的，不得再申请交警调解",
    en="all parties apply jointly in writing within 10 working days of receiving the determination, certificate or "
    "review decision; after police mediation failed, no second application",
    section9=(24,),
)
def traffic_application_window(
    cmd: ApplyPoliceMediation, state: TrafficState, ctx: DecisionContext
) -> Iterator[Violation]:
    if state.peoples_terminated_on is not None:
        return  # re-entry after people's mediation: rule 25
    if state.police_mediation_failed:
        yield traffic_application_window.violation(
            "status",
            "交警调解已终结，当事人可以起诉或申请人民调解",
            "police mediation already failed: sue or go to people's mediation",
        )
        return
    yield from _joint_and_written(cmd, state, traffic_application_window)
    received = state.determination.received_on
    last_day = working_days_after(received, APPLICATION_DAYS, ctx)
    if not received <= cmd.on <= last_day:
        yield traffic_application_window.violation(
            "on",
            f"应于收到认定书（{received.isoformat()}）之日起10个工作日内即 {last_day.isoformat()} 前申请",
            f"apply within 10 working days of receiving it on {received.isoformat()} (by {last_day.isoformat()})",
        )


@rule(
    "traffic_reentry_window",
    basis=f"道路交通事故处理程序规定 第85条 (2017年修订); {WORKING_DAYS_BASIS}; see docs/legal-basis.md §4.1, §4.3",
    kind=RuleKind.HARD,
    zh="人民调解委员会终止调解后，各方当事人可在3个工作日内共同书面申请交警调解",
    en="after people's mediation ends without agreement, all parties may apply jointly in writing within 3 "
    "working days",
    section9=(25,),
)
def traffic_reentry_window(cmd: ApplyPoliceMediation, state: TrafficState, ctx: DecisionContext) -> Iterator[Violation]:
    ended = state.peoples_terminated_on
    if ended is None:
        return
    yield from _joint_and_written(cmd, state, traffic_reentry_window)
    last_day = working_days_after(ended, REENTRY_DAYS, ctx)
    if not ended <= cmd.on <= last_day:
        yield traffic_reentry_window.violation(
            "on",
            f"应于人民调解终止（{ended.isoformat()}）后3个工作日内即 {last_day.isoformat()} 前申请",
            f"apply within 3 working days of the termination on {ended.isoformat()} (by {last_day.isoformat()})",
        )


@rule(
    "traffic_mediation_start",
    basis=f"道路交通事故处理程序规定 第90条 (2017年修订); {WORKING_DAYS_BASIS}; see docs/legal-basis.md §4.1, §4.3",
    kind=RuleKind.HARD,
    zh="调解自丧葬事宜结束、治疗终结、定残或确定财产损失之日起开始（受理在后的自受理之日起），调解书须于开始之日起10个工作日内制作",
    en="mediation starts when the funeral ends, treatment ends, disability is assessed or the loss is fixed (or "
    "on acceptance, if later); the 调解书 is made within 10 working days of the start",
    section9=(26,),
)
def traffic_mediation_start(cmd: Any, state: TrafficState, ctx: DecisionContext) -> Iterator[Violation]:
    if isinstance(cmd, AcceptPoliceMediation):
        kinds = [d.kind for d in cmd.damages]
        if not kinds:
            yield traffic_mediation_start.violation("damages", "须写明损害类型", "list the kinds of damage")
        for kind, n in Counter(kinds).items():
            if n > 1:
                yield traffic_mediation_start.violation("damages", f"损害类型 {kind.value} 重复", f"{kind.value} twice")
        for i, damage in enumerate(cmd.damages):
            if damage.trigger_on is not None and not state.accident_on <= damage.trigger_on <= cmd.on:
                yield traffic_mediation_start.violation(
                    f"damages[{i}].trigger_on",
                    f"{damage.kind.trigger_zh}日期须在事故之后、受理之前",
                    "between the accident and today",
                )
        return
    if isinstance(cmd, RecordDamageDetermined):
        known = {d.kind: d for d in state.damages}
        if cmd.kind not in known or known[cmd.kind].trigger_on is not None:
            yield traffic_mediation_start.violation(
                "kind", f"{cmd.kind.trigger_zh}不是待确定的损害", f"{cmd.kind.value} is not awaiting its trigger"
            )
        return
    start = state.start_on
    found = command_date(cmd)
    day = cmd.session_on if isinstance(cmd, ScheduleTrafficSession) else (found[1] if found else None)
    if start is None or day is None or day < start:
        waiting = "、".join(d.kind.trigger_zh for d in state.damages if d.trigger_on is None)
        yield traffic_mediation_start.violation(
            "start_on",
            f"调解尚未开始{f'（待{waiting}）' if waiting else ''}",
            "mediation has not started yet",
        )
        return
    due = state.document_due
    if isinstance(cmd, IssueMediationDocument) and due is not None and cmd.on > due:
        yield traffic_mediation_start.violation(
            "on",
            f"调解书应于 {due.isoformat()} 前制作；逾期未达成协议的，应制作调解终结书",
            f"the 调解书 was due by {due.isoformat()}; issue a 终结书 instead",
        )


@rule(
    "traffic_session_logistics",
    basis=f"道路交通事故处理程序规定 第88条、第89条 (2017年修订); {WORKING_DAYS_BASIS}; see docs/legal-basis.md §4.3",
    kind=RuleKind.HARD,
    zh="调解时间地点须提前3个工作日通知当事人，变更须于调解前1个工作日提出；调解按通知的时间进行，每方参加人员不超过3人",
    en="the parties are notified 3 working days ahead; a change is asked for a working day ahead; the session "
    "is held as notified, with at most 3 people per side",
    section9=(27,),
)
def traffic_session_logistics(cmd: Any, state: TrafficState, ctx: DecisionContext) -> Iterator[Violation]:
    if isinstance(cmd, ScheduleTrafficSession):
        yield from text_required(cmd, ("place",), traffic_session_logistics)
        earliest = working_days_after(cmd.on, NOTICE_DAYS, ctx)
        if cmd.session_on < earliest:
            yield traffic_session_logistics.violation(
                "session_on",
                f"须于调解3个工作日前通知当事人：今日通知的，最早于 {earliest.isoformat()} 调解",
                f"notify the parties at least 3 working days before: the earliest session is {earliest.isoformat()}",
            )
    elif isinstance(cmd, RequestSessionChange):
        yield from text_required(cmd, ("reason",), traffic_session_logistics)
        yield from known_party(state, cmd.requested_by, "requested_by")
        scheduled = state.scheduled
        if scheduled is None:
            yield traffic_session_logistics.violation("scheduled", "尚未通知调解时间", "no session is scheduled")
        elif scheduled.session_on < working_days_after(cmd.on, CHANGE_DAYS, ctx):
            yield traffic_session_logistics.violation(
                "on", "变更调解时间须于调解前1个工作日提出", "a change is asked for at least a working day before"
            )
    elif isinstance(cmd, HoldTrafficSession):
        scheduled = state.scheduled
        if scheduled is None or scheduled.session_on != cmd.on:
            yield traffic_session_logistics.violation(
                "on", "调解须按提前3日通知的时间进行", "hold the session on the day the parties were notified of"
            )
        sides = Counter(p.side for p in cmd.participants)
        for side, n in sorted(sides.items(), key=lambda kv: kv[0].value):
            if n > MAX_PER_SIDE:
                yield traffic_session_logistics.violation(
                    f"participants[{side.value}]",
                    f"一方参加调解人员{n}人，超过3人",
                    f"{n} people for one side; at most 3",
                )
        if not cmd.participants:
            yield traffic_session_logistics.violation("participants", "须有当事人参加", "the parties take part")


@rule(
    "traffic_joint_bodies",
    basis="道路交通事故处理程序规定 第89条; “1+4”联合调解机制 (地方实践; see docs/legal-basis.md §4.2.6)",
    kind=RuleKind.STANDARD,
    zh="交警调解由交警主持；保险公司参加须为承保本案车辆的保险公司",
    en="traffic police mediation is led by the traffic police; an insurer joins only when it insures the case",
)
def traffic_joint_bodies(cmd: HoldTrafficSession, state: TrafficState, ctx: DecisionContext) -> Iterator[Violation]:
    if JointBody.TRAFFIC_POLICE not in cmd.bodies:
        yield traffic_joint_bodies.violation("bodies", "交警调解须由交警主持", "the traffic police lead the session")
    if JointBody.INSURER in cmd.bodies and not state.insurers:
        yield traffic_joint_bodies.violation(
            "bodies", "本案未登记承保的保险公司", "no insurer is registered for the case"
        )
    yield from text_required(cmd, ("place", "summary"), traffic_joint_bodies)


@rule(
    "traffic_document_fields",
    basis="道路交通事故处理程序规定 第93条",
    kind=RuleKind.HARD,
    zh="调解书须载明调解依据、事实和损失、赔偿项目和数额、各方责任及比例、履行方式和期限，各方签名，责任比例合计100%",
    en="the 调解书 states its basis, facts and losses, items and amounts, each party's liability and share, and "
    "the method and deadline of performance, is signed by all, and the shares add up to 100%",
    section9=(28,),
)
def traffic_document_fields(
    cmd: IssueMediationDocument, state: TrafficState, ctx: DecisionContext
) -> Iterator[Violation]:
    s = cmd.settlement
    for name in ("basis", "facts_and_losses", "performance_method"):
        if not str(getattr(s, name)).strip():
            yield traffic_document_fields.violation(f"settlement.{name}", f"调解书缺少 {name}", f"{name} is missing")
    if not s.items:
        yield traffic_document_fields.violation(
            "settlement.items", "须写明赔偿项目和数额", "list the items and amounts"
        )
    for i, item in enumerate(s.items):
        if not item.name.strip() or item.amount < 0:
            yield traffic_document_fields.violation(
                f"settlement.items[{i}]", "赔偿项目或数额无效", "invalid item or amount"
            )
    if s.performance_deadline < cmd.on:
        yield traffic_document_fields.violation(
            "settlement.performance_deadline", "履行期限早于调解书日期", "the deadline is before the document"
        )
    total = sum((li.share for li in s.liabilities), start=FULL_SHARE - FULL_SHARE)
    if total != FULL_SHARE:
        yield traffic_document_fields.violation(
            "settlement.liabilities", f"责任比例合计 {total}%，应为100%", f"shares add up to {total}%, not 100%"
        )
    for i, li in enumerate(s.liabilities):
        yield from known_party(state, li.party_id, f"settlement.liabilities[{i}].party_id")
        if not FULL_SHARE - FULL_SHARE <= li.share <= FULL_SHARE:
            yield traffic_document_fields.violation(
                f"settlement.liabilities[{i}].share", "责任比例须在0至100%之间", "a share lies between 0 and 100%"
            )
    missing = _missing_parties(state, cmd.signed_by)
    if missing:
        yield traffic_document_fields.violation(
            "signed_by", f"当事人 {', '.join(missing)} 未签名", f"{', '.join(missing)} have not signed"
        )


@rule(
    "traffic_termination_grounds",
    basis="道路交通事故处理程序规定 第94条",
    kind=RuleKind.HARD,
    zh="当事人起诉、无正当理由不参加或退出调解的，终止调解并记录在案，须写明该当事人",
    en="a lawsuit, an unexcused absence or a withdrawal ends the mediation on the record, naming the party",
    section9=(29,),
)
def traffic_termination_grounds(
    cmd: TerminateTrafficMediation, state: TrafficState, ctx: DecisionContext
) -> Iterator[Violation]:
    if cmd.reason is not TrafficTermination.NO_AGREEMENT:
        if not cmd.party_id:
            yield traffic_termination_grounds.violation("party_id", "须写明该当事人", "name the party")
        else:
            yield from known_party(state, cmd.party_id, "party_id")


@rule(
    "insurer_notified_in_time",
    basis=(
        "公安部 司法部 保监会 公通字〔2010〕29号 第五部分; 工作日计算参照道路交通事故处理程序规定 第111条第(四)项 "
        "(2017年修订) (see docs/legal-basis.md §4.2.5, §4.3)"
    ),
    kind=RuleKind.POLICY,
    zh="人民调解涉及保险赔偿的，须提前规定的工作日数将调解时间、地点通知承保的保险公司",
    en="people's mediation of an insured traffic dispute tells each insurer the time and place the policy's "
    "number of working days ahead",
    section9=(31,),
)
def insurer_notified_in_time(
    cmd: HoldSession | ScheduleSession, state: CaseState, ctx: DecisionContext
) -> Iterator[Violation]:
    if isinstance(cmd, ScheduleSession):
        session_on, notices, field = cmd.session_on, dict.fromkeys(state.insurers, cmd.on), "session_on"
    else:
        scheduled = {i: s.notified_on for s in state.scheduled if s.session_on == cmd.on for i in state.insurers}
        session_on, field = cmd.on, "insurer_notices[{}]"
        notices = {**scheduled, **{n.insurer: n.notified_on for n in cmd.insurer_notices}}
    latest = ctx.calendar.latest_start(session_on, ctx.policy.insurer_notice_days, ctx.policy.beyond_calendar)
    for insurer in state.insurers:
        notified = notices.get(insurer)
        if notified is None or notified > latest:
            yield insurer_notified_in_time.violation(
                field.format(insurer),
                f"须于 {latest.isoformat()} 前通知保险公司 {insurer}",
                f"notify {insurer} by {latest.isoformat()}",
            )


@rule(
    "joint_session_bodies",
    basis=(
        "公通字〔2010〕29号 (保险公司作为第三人); “1+4”联合调解机制 (地方实践; see docs/legal-basis.md §4.2.5, §4.2.6)"
    ),
    kind=RuleKind.STANDARD,
    zh="联合调解记录参加的交警、法院、保险公司；保险公司须为承保本案车辆的保险公司",
    en="a joint session records the traffic police, court or insurer that took part; an insurer joins only "
    "when it insures the case",
)
def joint_session_bodies(cmd: HoldSession, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if JointBody.INSURER in cmd.joint_bodies and not state.insurers:
        yield joint_session_bodies.violation(
            "joint_bodies", "本案未登记承保的保险公司", "no insurer is registered for the case"
        )
