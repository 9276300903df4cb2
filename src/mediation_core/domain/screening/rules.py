"""The screening rules, each with its basis: who screened where and when, what a finding
records, and that its action names what it must (the case opened from screening, the station
it was handed to)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediation_core.domain.kernel.lifecycle import blank
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.screening.commands import ActOnFinding, CloseScreening, RecordFinding, RecordScreening
from mediation_core.domain.screening.context import ScreeningContext
from mediation_core.domain.screening.kinds import ScreeningAction
from mediation_core.domain.screening.state import Screening
from mediation_core.domain.values.organisations import OrgKind
from mediation_core.domain.values.sources import CaseSource

SCREENING_BASIS = (
    "人民调解法（2010年）第21条 (及时调解、防止激化); 纠纷排查台账 (地方实践; see docs/legal-basis.md §10.9)"
)


@rule(
    "screening_recorded",
    basis=SCREENING_BASIS,
    kind=RuleKind.STANDARD,
    zh="纠纷排查须记录调解室、排查人员（本室调解员）、排查区域和日期",
    en="a screening round records the room, its screeners (the room's mediators), the area and the date",
)
def screening_recorded(cmd: RecordScreening, state: Any, ctx: ScreeningContext) -> Iterator[Violation]:
    room = ctx.registry.org(cmd.room_id)
    if room is None or room.kind is not OrgKind.MEDIATION_ROOM:
        yield screening_recorded.violation("room_id", f"{cmd.room_id} 不是登记的调解室", f"{cmd.room_id} is not a room")
    if blank(cmd.area):
        yield screening_recorded.violation("area", "须写明排查区域（社区、村组或场所）", "the area must be named")
    if not cmd.screeners:
        yield screening_recorded.violation("screeners", "须记录排查人员", "the screeners must be named")
    for mediator_id in cmd.screeners:
        mediator = ctx.registry.mediators.get(mediator_id)
        if mediator is None or mediator.room_id != cmd.room_id:
            yield screening_recorded.violation(
                "screeners", f"{mediator_id} 不是本调解室的调解员", f"{mediator_id} is not a mediator of the room"
            )


@rule(
    "screening_finding_recorded",
    basis=SCREENING_BASIS,
    kind=RuleKind.STANDARD,
    zh="排查发现的纠纷须写明简要情况，日期不早于排查日期；当事人可不填，填写的不得为空",
    en="a dispute found states what it is, on or after the round; parties are optional but not blank",
)
def screening_finding_recorded(cmd: RecordFinding, state: Screening, ctx: ScreeningContext) -> Iterator[Violation]:
    if blank(cmd.summary):
        yield screening_finding_recorded.violation("summary", "须写明纠纷简要情况", "the summary must not be blank")
    if any(blank(p) for p in cmd.party_names):
        yield screening_finding_recorded.violation(
            "party_names", "当事人姓名不得为空", "a party's name must not be blank"
        )
    if cmd.on < state.on:
        yield screening_finding_recorded.violation("on", "日期早于排查日期", "dated before the round")


@rule(
    "screening_finding_action",
    basis=f"{SCREENING_BASIS}; 人民调解法（2010年）第17条 (主动调解), 第25条 (可能引起治安、刑事案件的报告公安机关)",
    kind=RuleKind.STANDARD,
    zh="纳入调解须关联本室来源为纠纷排查的案件；移交公安须写明派出所；稳控关注不关联案件和派出所",
    en="mediated names the room's case opened from screening; handed over names the station; watched names neither",
)
def screening_finding_action(
    cmd: RecordFinding | ActOnFinding, state: Screening, ctx: ScreeningContext
) -> Iterator[Violation]:
    if cmd.action is ScreeningAction.MEDIATED:
        source = ctx.room_cases.get(cmd.case_id or "")
        if cmd.case_id is None:
            yield screening_finding_action.violation(
                "case_id", "纳入调解须关联登记的案件", "a mediated dispute names the case opened from it"
            )
        elif source is None:
            yield screening_finding_action.violation(
                "case_id", f"{cmd.case_id} 不是本调解室的案件", f"{cmd.case_id} is not a case of the room"
            )
        elif source != CaseSource.SCREENING.value:
            yield screening_finding_action.violation(
                "case_id", "关联案件的来源须为「纠纷排查」", "the case's source must be screening"
            )
    elif cmd.case_id is not None:
        yield screening_finding_action.violation(
            "case_id", "未纳入调解，不关联案件", "only a mediated dispute names a case"
        )
    if cmd.action is ScreeningAction.HANDED_TO_POLICE:
        station = ctx.registry.org(cmd.station_id or "")
        if station is None or station.kind is not OrgKind.POLICE_STATION:
            yield screening_finding_action.violation(
                "station_id", f"{cmd.station_id} 不是登记的派出所", f"{cmd.station_id} is not a police station"
            )
    elif cmd.station_id is not None:
        yield screening_finding_action.violation(
            "station_id", "未移交公安，不写派出所", "only a dispute handed to the police names a station"
        )


@rule(
    "screening_finding_follow_up",
    basis=SCREENING_BASIS,
    kind=RuleKind.STANDARD,
    zh="只有稳控关注的纠纷可后续纳入调解或移交公安，日期不早于发现日期",
    en="only a watched dispute is later mediated or handed over, on or after it was found",
)
def screening_finding_follow_up(cmd: ActOnFinding, state: Screening, ctx: ScreeningContext) -> Iterator[Violation]:
    finding = state.finding(cmd.finding_no)
    if finding is None:
        yield screening_finding_follow_up.violation(
            "finding_no", f"没有第{cmd.finding_no}条排查记录", "no such finding"
        )
        return
    if finding.action is not ScreeningAction.WATCHED:
        yield screening_finding_follow_up.violation(
            "finding_no", f"该纠纷已{finding.action.title_zh}", f"the dispute was already {finding.action.value}"
        )
    if cmd.action is ScreeningAction.WATCHED:
        yield screening_finding_follow_up.violation(
            "action", "须纳入调解或移交公安", "the action must be mediated or handed over"
        )
    if cmd.on < finding.on:
        yield screening_finding_follow_up.violation("on", "日期早于发现日期", "dated before the dispute was found")


@rule(
    "screening_closed_after",
    basis=SCREENING_BASIS,
    kind=RuleKind.STANDARD,
    zh="排查完成日期不早于排查日期和最后一条发现",
    en="a round is closed on or after its date and its last finding",
)
def screening_closed_after(cmd: CloseScreening, state: Screening, ctx: ScreeningContext) -> Iterator[Violation]:
    latest = max((f.on for f in state.findings), default=state.on)
    if cmd.on < latest:
        yield screening_closed_after.violation(
            "on", "完成日期早于排查或发现日期", "closed before the round or a finding"
        )
