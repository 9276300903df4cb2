"""The training report: sessions, person-times, persons and hours per body in scope, and the
sessions a person attended (which the evaluation counts)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from attrs import frozen

from mediation_core.domain.reporting.statistics import in_scope
from mediation_core.domain.training.state import TrainingSession
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period


@frozen(kw_only=True)
class TrainingLine:
    """Training of one organisation's staff in a period."""

    org_id: str
    org_name: str
    sessions: int
    person_times: int
    persons: int
    hours: Decimal


def training_report(
    sessions: Iterable[TrainingSession], registry: Registry, scope_id: str, period: Period
) -> list[TrainingLine]:
    """Person-times per organisation in scope: each trainee of each session held in the period
    counts once for the organisation they work for."""
    lines: dict[str, dict[str, Any]] = {}
    for session in sessions:
        if session.on not in period:
            continue
        for t in session.trainees:
            if not in_scope(registry, scope_id, t.org_id):
                continue
            line = lines.setdefault(t.org_id, {"sessions": set(), "times": 0, "persons": set(), "hours": Decimal(0)})
            line["sessions"].add(session.stream_id)
            line["times"] += 1
            line["persons"].add(t.person_id)
            line["hours"] += session.hours
    return [
        TrainingLine(
            org_id=org_id,
            org_name=(org.name if (org := registry.org(org_id)) else org_id),
            sessions=len(v["sessions"]),
            person_times=v["times"],
            persons=len(v["persons"]),
            hours=v["hours"],
        )
        for org_id, v in sorted(lines.items())
    ]


def sessions_attended(sessions: Iterable[TrainingSession], person_id: str, period: Period) -> int:
    return sum(1 for s in sessions if s.on in period and s.attended(person_id))
