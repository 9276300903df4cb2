"""The two kinds of standing meeting: who holds each, how often, and who must attend.

Scheduling, the rules, the held meeting's quorum and the compliance report all read these,
so they live apart from any one of them.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable

from attrs import frozen

from mediation_core.domain.meeting.minutes import Attendee
from mediation_core.domain.values.organisations import OrgKind, Registry
from mediation_core.domain.values.policy import Policy

JOINT_BODIES = (OrgKind.JUSTICE_OFFICE, OrgKind.GOVERNANCE_OFFICE, OrgKind.POLICE_STATION)
"""The bodies a joint meeting needs: 司法所、综治办、派出所 (docs/legal-basis.md §10.3)."""

MEETING_BASIS = "「双例会」制度 (地方实践; see docs/legal-basis.md §10.3)"


class MeetingKind(enum.Enum):
    JOINT = "joint"  # 联席例会（司法所、综治办、派出所）
    CASE_ANALYSIS = "case_analysis"  # 案情分析会（驻所调解室）

    @property
    def title_zh(self) -> str:
        return "联席例会" if self is MeetingKind.JOINT else "案情分析会"

    @property
    def held_by(self) -> OrgKind:
        """The kind of organisation that holds this kind of meeting."""
        return OrgKind.TOWNSHIP if self is MeetingKind.JOINT else OrgKind.MEDIATION_ROOM

    def cadence(self, policy: Policy) -> int:
        """One meeting per block of this many months."""
        return policy.joint_meeting_cadence_months if self is MeetingKind.JOINT else policy.case_analysis_cadence_months


@frozen(kw_only=True)
class Body:
    """An organisation a joint meeting needs at the table."""

    org_id: str
    name: str
    kind: OrgKind


def joint_bodies(registry: Registry, township_id: str) -> tuple[Body, ...]:
    """The justice office(s), governance office(s) and police station(s) of a township."""
    found = [
        Body(org_id=o.org_id, name=o.name, kind=o.kind)
        for o in registry.organisations.values()
        if o.kind in JOINT_BODIES and o.parent_id == township_id
    ]
    return tuple(sorted(found, key=lambda b: (JOINT_BODIES.index(b.kind), b.org_id)))


def quorum_for(members: int, policy: Policy) -> int:
    """Mediators a room's case-analysis meeting needs: the policy share, at least one."""
    return max(1, math.ceil(members * policy.case_analysis_quorum_percent / 100))


def quorum_of(
    kind: MeetingKind, bodies: Iterable[Body], members: Iterable[str], needed: int, attendees: Iterable[Attendee]
) -> tuple[bool, tuple[str, ...]]:
    """Whether the attendance makes the quorum, and what is missing: the bodies that sent
    nobody (joint meeting) or the member mediators who did not come (case analysis)."""
    present_orgs = {a.org_id for a in attendees}
    present_people = {a.person_id for a in attendees}
    if kind is MeetingKind.JOINT:
        missing = tuple(b.org_id for b in bodies if b.org_id not in present_orgs)
        return not missing, missing
    absent = tuple(m for m in members if m not in present_people)
    came = len(tuple(members)) - len(absent)
    return came >= needed, absent
