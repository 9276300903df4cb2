"""The meeting rules, each with its legal basis: who holds which meeting, on a working day,
with minutes, owned and dated action items about the meeting's own cases, and reasons."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.lifecycle import blank
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.meeting.commands import CancelMeeting, CompleteActionItem, HoldMeeting, ScheduleMeeting
from mediation_core.domain.meeting.context import MeetingContext
from mediation_core.domain.meeting.kinds import JOINT_BODIES, MEETING_BASIS, MeetingKind, joint_bodies
from mediation_core.domain.meeting.state import Meeting
from mediation_core.domain.values.organisations import OrgKind


@rule(
    "meeting_held_by_its_body",
    basis=MEETING_BASIS,
    kind=RuleKind.STANDARD,
    zh="联席例会由乡镇（街道）召开，案情分析会由调解室召开；联席例会须有司法所、综治办（综治中心）和派出所",
    en="a joint meeting belongs to a township with a justice office, governance office and police station; "
    "a case-analysis meeting to a room",
)
def meeting_held_by_its_body(cmd: ScheduleMeeting, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    org = ctx.registry.org(cmd.org_id)
    if org is None or org.kind is not cmd.kind.held_by:
        yield meeting_held_by_its_body.violation(
            "org_id",
            f"{cmd.kind.title_zh}不能由 {cmd.org_id} 召开",
            f"a {cmd.kind.value} meeting is not held by {cmd.org_id}",
        )
        return
    if cmd.kind is MeetingKind.JOINT:
        kinds = {b.kind for b in joint_bodies(ctx.registry, cmd.org_id)}
        for needed in JOINT_BODIES:
            if needed not in kinds:
                yield meeting_held_by_its_body.violation(
                    "org_id",
                    f"{org.name} 未登记{_BODY_ZH[needed]}，联席例会无法达到法定出席",
                    f"{cmd.org_id} has no {needed.value} in the registry",
                )


_BODY_ZH = {
    OrgKind.JUSTICE_OFFICE: "司法所",
    OrgKind.GOVERNANCE_OFFICE: "综治办（综治中心）",
    OrgKind.POLICE_STATION: "派出所",
}


@rule(
    "meeting_on_working_day",
    basis=f"{MEETING_BASIS}; 工作日历 (国务院办公厅节假日安排)",
    kind=RuleKind.POLICY,
    zh="例会须安排在工作日",
    en="a meeting is scheduled on a working day",
)
def meeting_on_working_day(cmd: ScheduleMeeting, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.on is not None and not ctx.calendar.is_working_day(cmd.on, ctx.policy.beyond_calendar):
        yield meeting_on_working_day.violation(
            "on", f"{cmd.on.isoformat()} 不是工作日", f"{cmd.on.isoformat()} is not a working day"
        )


@rule(
    "minutes_recorded",
    basis="会议记录 (例会须记录出席、内容和议定事项)",
    kind=RuleKind.STANDARD,
    zh="须记录出席人员和会议纪要",
    en="a held meeting records who attended and its minutes",
)
def minutes_recorded(cmd: HoldMeeting, state: Meeting, ctx: DecisionContext) -> Iterator[Violation]:
    if not cmd.attendees:
        yield minutes_recorded.violation("attendees", "须记录出席人员", "no attendees recorded")
    if blank(cmd.minutes):
        yield minutes_recorded.violation("minutes", "会议纪要不得为空", "the minutes must not be blank")
    for i, a in enumerate(cmd.attendees):
        if blank(a.person_id) or blank(a.name) or ctx.registry.org(a.org_id) is None:
            yield minutes_recorded.violation(
                f"attendees[{i}]",
                "出席人员须有姓名、身份和登记的所属单位",
                "an attendee needs an id, a name and a known body",
            )


@rule(
    "action_items_assigned",
    basis="议定事项须明确责任人、完成时限 (督办)",
    kind=RuleKind.STANDARD,
    zh="议定事项须有责任人、事项内容和不早于会议日期的完成时限",
    en="an action item has an owner, a task and a due date on or after the meeting",
)
def action_items_assigned(cmd: HoldMeeting, state: Meeting, ctx: DecisionContext) -> Iterator[Violation]:
    for i, draft in enumerate(cmd.action_items):
        if blank(draft.owner_id) or blank(draft.owner_name) or ctx.registry.org(draft.owner_org_id) is None:
            yield action_items_assigned.violation(f"action_items[{i}].owner_id", "须明确责任人及其单位", "no owner")
        if blank(draft.task):
            yield action_items_assigned.violation(f"action_items[{i}].task", "事项内容不得为空", "blank task")
        if draft.due < cmd.on:
            yield action_items_assigned.violation(
                f"action_items[{i}].due",
                f"完成时限 {draft.due.isoformat()} 早于会议日期",
                f"due {draft.due.isoformat()} before the meeting",
            )


@rule(
    "linked_cases_in_scope",
    basis="会议研究本辖区案件 (双例会)",
    kind=RuleKind.STANDARD,
    zh="决定和议定事项关联的案件须为本辖区案件",
    en="decisions and action items name cases of the meeting's own scope",
)
def linked_cases_in_scope(cmd: HoldMeeting, state: Meeting, ctx: MeetingContext) -> Iterator[Violation]:
    named = [(f"decisions[{i}].case_ids", d.case_ids) for i, d in enumerate(cmd.decisions)]
    named += [(f"action_items[{i}].case_ids", a.case_ids) for i, a in enumerate(cmd.action_items)]
    for field, case_ids in named:
        for case_id in case_ids:
            if case_id not in ctx.scope_cases:
                yield linked_cases_in_scope.violation(
                    field, f"案件 {case_id} 不是本辖区案件", f"{case_id} is not a case of {state.org_id}"
                )


@rule(
    "action_item_open",
    basis="议定事项办结登记",
    kind=RuleKind.STANDARD,
    zh="只能办结本次会议尚未办结的议定事项",
    en="only an open action item of this meeting can be completed",
)
def action_item_open(cmd: CompleteActionItem, state: Meeting, ctx: DecisionContext) -> Iterator[Violation]:
    found = next((i for i in state.action_items if i.item == cmd.item), None)
    if found is None:
        yield action_item_open.violation("item", f"没有第 {cmd.item} 项议定事项", f"no action item {cmd.item}")
    elif found.done_on is not None:
        yield action_item_open.violation("item", f"第 {cmd.item} 项已办结", f"action item {cmd.item} is done already")
    elif state.held_on is not None and cmd.on < state.held_on:
        yield action_item_open.violation("on", "办结日期早于会议日期", "completed before the meeting was held")


@rule(
    "cancellation_explained",
    basis="例会取消须说明理由 (合规报告)",
    kind=RuleKind.STANDARD,
    zh="取消例会须说明理由",
    en="a cancelled meeting records why",
)
def cancellation_explained(cmd: CancelMeeting, state: Meeting, ctx: DecisionContext) -> Iterator[Violation]:
    if blank(cmd.reason):
        yield cancellation_explained.violation("reason", "须说明取消理由", "the reason must not be blank")
