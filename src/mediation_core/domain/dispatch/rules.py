"""110 dispatches a mediator goes out on (同步介入): the record, and a settlement on the scene.

There is no national rule for 随警调解; the record and the same-day settlement follow the
linkage practice of docs/legal-basis.md §3.2 (先期处警), §3.6 and §10.2 (同步介入).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from mediation_core.domain.case.rules.common import command_date, text_required
from mediation_core.domain.dispatch.commands import PoliceFinding, RecordDispatch, SettleOnScene
from mediation_core.domain.dispatch.state import DispatchState
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.values.organisations import OrgKind


@rule(
    "dispatch_recorded",
    basis="川司法发〔2016〕65号 (110接处警 先期处警); 同步介入 (地方实践; see docs/legal-basis.md §3.2, §3.6)",
    kind=RuleKind.STANDARD,
    zh="接处警记录须写明接警单号、接警时间、地点、出警民警和简要情况；驻所调解室须驻在该派出所，随警调解员须属该调解室",
    en="a dispatch record states the incident number, call time, place, officers and summary; the room is "
    "stationed at the station and the accompanying mediator belongs to it",
)
def dispatch_recorded(cmd: RecordDispatch, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    station = ctx.registry.org(cmd.station_id)
    if station is None or station.kind is not OrgKind.POLICE_STATION:
        yield dispatch_recorded.violation(
            "station_id", f"未知的派出所 {cmd.station_id!r}", f"unknown station {cmd.station_id!r}"
        )
    room = ctx.registry.org(cmd.room_id)
    if room is None or room.kind is not OrgKind.MEDIATION_ROOM or room.station_id != cmd.station_id:
        yield dispatch_recorded.violation(
            "room_id", f"{cmd.room_id!r} 不是驻该派出所的调解室", f"{cmd.room_id!r} is not the room at this station"
        )
    yield from text_required(cmd, ("incident_number", "place", "summary"), dispatch_recorded)
    if not any(o.strip() for o in cmd.officers):
        yield dispatch_recorded.violation("officers", "须写明出警民警", "name the officers who went")
    if cmd.call_received_at.tzinfo is None or cmd.call_received_at > ctx.now:
        yield dispatch_recorded.violation(
            "call_received_at",
            "接警时间须带时区且不得晚于现在",
            "the call time is timezone-aware and not in the future",
        )
    if cmd.mediator_id:
        mediator = ctx.registry.mediators.get(cmd.mediator_id)
        if mediator is None or mediator.room_id != cmd.room_id:
            yield dispatch_recorded.violation(
                "mediator_id", f"{cmd.mediator_id} 不是该调解室的调解员", f"{cmd.mediator_id} is not of the room"
            )


@rule(
    "dispatch_date_order",
    basis="记录真实性 (人民调解法 第27条)",
    kind=RuleKind.HARD,
    zh="处理日期不得早于接警日期",
    en="the outcome may not be dated before the call",
)
def dispatch_date_order(cmd: Any, state: DispatchState | None, ctx: DecisionContext) -> Iterator[Violation]:
    found = command_date(cmd)
    if state is None or found is None:
        return
    name, value = found
    if value < state.call_date:
        yield dispatch_date_order.violation(
            name, f"日期早于接警日期 {state.call_date.isoformat()}", f"before the call on {state.call_date.isoformat()}"
        )


@rule(
    "settled_on_the_scene",
    basis="同步介入、现场调处 (地方实践; the days are Policy.on_scene_days; see docs/legal-basis.md §3.2, §3.6, §10.2)",
    kind=RuleKind.POLICY,
    zh="现场调解须由随警到场的本室调解员主持，于政策规定的期限内（默认接警当日或次日）达成并记录协议内容",
    en="a settlement on the scene is presided by the room's mediator who went along, reached within the "
    "county's days of the call (by default the same or the next day), with its content recorded",
)
def settled_on_the_scene(cmd: SettleOnScene, state: DispatchState, ctx: DecisionContext) -> Iterator[Violation]:
    mediator = ctx.registry.mediators.get(cmd.mediator_id)
    if mediator is None or mediator.room_id != state.room_id:
        yield settled_on_the_scene.violation(
            "mediator_id", f"{cmd.mediator_id} 不是该调解室的调解员", f"{cmd.mediator_id} is not of the room"
        )
    elif state.mediator_id and cmd.mediator_id != state.mediator_id:
        yield settled_on_the_scene.violation(
            "mediator_id",
            f"随警到场的是调解员 {state.mediator_id}",
            f"the mediator who went along was {state.mediator_id}",
        )
    days = ctx.policy.on_scene_days
    if cmd.on > state.call_date + dt.timedelta(days=days):
        yield settled_on_the_scene.violation(
            "on",
            f"现场调解须于接警（{state.call_date.isoformat()}）后 {days} 日内达成",
            f"a settlement on the scene is dated within {days} day(s) of the call ({state.call_date.isoformat()})",
        )
    yield from text_required(cmd, ("content",), settled_on_the_scene)


@rule(
    "no_public_order_matter",
    basis="公安机关办理行政案件程序规定（2020年修正）第178条第2款、第61条; 治安管理处罚法（2012年修正）第9条、"
    "第77条 / （2025年修订）第9条、第90条 (see docs/legal-basis.md §3.6)",
    kind=RuleKind.HARD,
    zh="现场调解或移送调解室须有出警民警「不构成违反治安管理行为」的判断记录；涉嫌违反治安管理的，由公安机关受案处理"
    "（可由公安机关依法调解或委托人民调解），不得以现场口头协议了结",
    en="settling on the scene or handing to the room needs the officers' recorded judgement that the dispute "
    "is no 治安 violation; a suspected violation is the police's case (they may mediate it or entrust it), "
    "never closed by an oral agreement on the scene",
)
def no_public_order_matter(cmd: Any, state: DispatchState, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.police_finding is None:
        yield no_public_order_matter.violation(
            "police_finding",
            "须记录出警民警对是否构成违反治安管理行为的判断",
            "record the officers' judgement whether the dispute is a 治安 violation",
        )
    elif cmd.police_finding is PoliceFinding.PUBLIC_ORDER:
        yield no_public_order_matter.violation(
            "police_finding",
            "涉嫌违反治安管理行为，应由公安机关受案处理（KeepAsPoliceMatter），不得由调解室现场了结或直接移送",
            "a suspected 治安 violation is kept as a police matter (KeepAsPoliceMatter), not settled by the room",
        )
    officers = {o.strip() for o in state.officers if o.strip()}
    if cmd.police_finding is not None and cmd.finding_by.strip() not in officers:
        yield no_public_order_matter.violation(
            "finding_by",
            f"判断须由出警民警（{'、'.join(sorted(officers))}）作出",
            "the judgement is made by one of the officers who went",
        )


@rule(
    "police_matter_reasoned",
    basis="治安管理处罚法（2012年修正）第77条、第78条 / （2025年修订）第90条 (受理、立案调查); "
    "公安机关办理行政案件程序规定（2020年修正）第61条 (see docs/legal-basis.md §3.6)",
    kind=RuleKind.STANDARD,
    zh="由公安机关依法处理的，须写明理由",
    en="keeping the matter with the police states why",
)
def police_matter_reasoned(cmd: Any, state: DispatchState, ctx: DecisionContext) -> Iterator[Violation]:
    yield from text_required(cmd, ("reason",), police_matter_reasoned)
