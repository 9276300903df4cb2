"""Escalation risks and the report to the police (人民调解法 art. 25)."""

from __future__ import annotations

from collections.abc import Iterator

from mediation_core.domain.case.commands import FlagRisk, RecordPrevention, ReportToPolice
from mediation_core.domain.case.rules.common import text_required
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.values.deadlines import DeadlineKind
from mediation_core.domain.values.organisations import OrgKind


@rule(
    "risk_persons_counted",
    basis="人民调解统计报表 统计口径 (件、人; see docs/legal-basis.md §5.3.1)",
    kind=RuleKind.STANDARD,
    zh="风险须记录涉及人数 (至少1人)",
    en="a risk records the persons involved (at least one)",
    section9=(34,),
)
def risk_persons_counted(cmd: FlagRisk, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.persons < 1:
        yield risk_persons_counted.violation("persons", f"涉及人数 {cmd.persons} 无效", f"{cmd.persons} persons")


@rule(
    "escalation_reported",
    basis="人民调解法 第25条",
    kind=RuleKind.HARD,
    zh="可能引发治安案件、刑事案件的纠纷，须及时向公安机关报告后方可归档",
    en="a dispute that may lead to a 治安 or criminal case is reported to the police before the file closes",
    section9=(12,),
)
def escalation_reported(cmd: object, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    pending = state.deadlines.get(DeadlineKind.ESCALATION_REPORT)
    if pending is not None:
        yield escalation_reported.violation(
            "police_reports",
            f"尚未向公安机关报告 (期限 {pending.due.isoformat()})",
            f"the police report due {pending.due.isoformat()} is not recorded",
        )


@rule(
    "report_to_a_station",
    basis="人民调解法 第25条",
    kind=RuleKind.STANDARD,
    zh="报告对象须为名册中的派出所，并记录报告编号或方式",
    en="the report goes to a registered police station and records a reference",
    section9=(12,),
)
def report_to_a_station(cmd: ReportToPolice, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    org = ctx.registry.org(cmd.station_id)
    if org is None or org.kind is not OrgKind.POLICE_STATION:
        yield report_to_a_station.violation(
            "station_id", f"未知的派出所 {cmd.station_id!r}", f"unknown police station {cmd.station_id!r}"
        )
    yield from text_required(cmd, ("reference",), report_to_a_station)


@rule(
    "prevention_follows_a_flag",
    basis=(
        "人民调解法（2010年）第21条 (防止纠纷激化); 防止民转刑、预防处置群体性事件 统计口径 "
        "(地方实践; see docs/legal-basis.md §10.11)"
    ),
    kind=RuleKind.STANDARD,
    zh="防止民转刑或预防处置群体性事件，须先记录相应风险，写明采取的措施，同一风险只记一次，日期不早于风险记录",
    en="a prevented escalation or an incident handled early follows a flag of that risk, states the measures "
    "taken, is recorded once per risk, and is not dated before the flag",
)
def prevention_follows_a_flag(cmd: RecordPrevention, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if not cmd.kind.preventable:
        yield prevention_follows_a_flag.violation(
            "kind", f"「{cmd.kind.title_zh}」不单独统计防止情况", f"{cmd.kind.value} is not counted as prevented"
        )
        return
    flagged = [r.on for r in state.risks if r.kind is cmd.kind]
    if not flagged:
        yield prevention_follows_a_flag.violation(
            "kind", f"未记录「{cmd.kind.title_zh}」风险", f"no {cmd.kind.value} risk was flagged"
        )
    elif cmd.on < min(flagged):
        yield prevention_follows_a_flag.violation("on", "日期早于风险记录", "dated before the risk was flagged")
    if any(p.kind is cmd.kind for p in state.preventions):
        yield prevention_follows_a_flag.violation(
            "kind", f"已记录{cmd.kind.prevention_zh}", f"{cmd.kind.value} prevention is already recorded"
        )
    yield from text_required(cmd, ("measures",), prevention_follows_a_flag)
