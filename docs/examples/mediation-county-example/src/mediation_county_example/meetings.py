"""The county's rule for joint meetings (示范县联席会议制度 第3条): a township's joint meeting is
scheduled with the place it is held in, so that the station, the room and the justice office
know where to go. A check on a command that is not a referral's: ``mediation_command_checks``
sees every command of every aggregate.

Like every local rule it adds a violation, never removes a legal one, names its rule in the
county's namespace, and applies only where the county's policy is in force."""

from __future__ import annotations

from collections.abc import Iterator

from mediation_core.commands import ScheduleMeeting
from mediation_core.plugins import CommandInputs, Violation
from mediation_core.values import MeetingKind
from mediation_county_example import POLICY_ID

RULE = "example_county.meeting_place"
BASIS = "示范县联席会议制度 第3条"


def meeting_place(command: object, inputs: CommandInputs) -> Iterator[Violation]:
    if inputs.policy.policy_id != POLICY_ID:
        return
    if isinstance(command, ScheduleMeeting) and command.kind is MeetingKind.JOINT and not command.place.strip():
        yield Violation(
            rule=RULE,
            field="place",
            basis=BASIS,
            message_zh="安排联席会议须写明召开地点",
            message_en="a joint meeting is scheduled with the place it is held in",
        )
