"""A meeting's lookups read the ledger by index: the rows decoded follow the scope's open work,
never the size of its ledger (docs/performance.md, "Indexed coordination reads")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sql_support import service_on

from mediation_core.app.coordination import MEETING_AGGREGATE
from mediation_core.app.service import MediationService
from mediation_core.domain.meeting.commands import HoldMeeting, ScheduleMeeting
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.meeting.minutes import Decision
from mediation_core.domain.reporting.ledger import Outcome
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.deadlines import Deadline, DeadlineKind
from mediation_core.testing.storage import append_of, chain, row_for
from mediation_memory import MemoryStore
from mediation_sqlalchemy import open_sqlalchemy

ROOM = "pengshanlu-room"
DIRECTOR = Actor(actor_id="m-zhang", role=Role.ROOM_DIRECTOR, scope_id=ROOM)
CLOSED = 3_000


class Counting:
    """The store's ledger codec, counting the rows it decodes."""

    def __init__(self, codec: Any) -> None:
        self.codec = codec
        self.decoded = 0

    def encode(self, row: Any) -> Any:
        return self.codec.encode(row)

    def decode(self, row: Any) -> Any:
        self.decoded += 1
        return self.codec.decode(row)


def fill(service: MediationService) -> None:
    """A room with a long closed history, two open cases, a recent repeat and a closed case
    whose deadline is overdue."""
    late = Deadline(kind=DeadlineKind.FOLLOW_UP, due=dt.date(2026, 4, 1), basis="回访", policy="default", calendar="CN")
    rows = [row_for(f"closed-{n:05d}", 1, ROOM, outcome=Outcome.SETTLED) for n in range(CLOSED)]
    rows += [row_for("open-1", 1, ROOM), row_for("open-2", 1, ROOM, difficulty="difficult")]
    rows += [
        row_for("repeat", 1, ROOM, outcome=Outcome.SETTLED, repeat_of="closed-00001", received_on=dt.date(2026, 5, 1))
    ]
    rows += [row_for("late", 1, ROOM, outcome=Outcome.SETTLED)]
    rows += [row_for("elsewhere", 1, "baiyang-room")]
    with service.store.transaction() as tx:
        for row in rows:
            deadlines = (late,) if row.case_id == "late" else ()
            tx.append(append_of(row.case_id, chain(row.case_id, [{"n": 1}]), row=row, deadlines=deadlines))
        tx.commit()


@pytest.fixture
def filled(database_urls: Callable[[], str]) -> Iterator[MediationService]:
    with service_on(open_sqlalchemy(database_urls())) as service:
        fill(service)
        yield service


def test_scheduling_decodes_the_open_work_not_the_whole_ledger(filled: MediationService) -> None:
    counting = Counting(filled.store.ledger_codec)  # type: ignore[attr-defined]
    filled.store.ledger_codec = counting  # type: ignore[attr-defined]
    meeting = filled.handle(ScheduleMeeting(meeting_id="", kind=MeetingKind.CASE_ANALYSIS, org_id=ROOM), DIRECTOR)
    assert {item.case_id for item in meeting.agenda if item.case_id} == {"open-2", "repeat", "late"}
    assert counting.decoded <= 5  # open-1, open-2, repeat, late: not the 3,000 closed cases


def test_recording_reads_only_the_cases_its_decisions_name(filled: MediationService) -> None:
    counting = Counting(filled.store.ledger_codec)  # type: ignore[attr-defined]
    filled.store.ledger_codec = counting  # type: ignore[attr-defined]
    meeting = filled.handle(ScheduleMeeting(meeting_id="", kind=MeetingKind.CASE_ANALYSIS, org_id=ROOM), DIRECTOR)
    counting.decoded = 0
    hold = HoldMeeting(
        meeting_id=meeting.stream_id,
        on=meeting.on,
        attendees=(),
        minutes="研究疑难案件",
        decisions=(Decision(text="继续调解", case_ids=("open-2", "closed-00007", "elsewhere", "nowhere")),),
    )
    found = MEETING_AGGREGATE.lookup(filled.reading(), hold, filled.context(filled.clock()))
    assert found == {"scope_cases": frozenset({"open-2", "closed-00007"})}
    assert counting.decoded == 3  # the named rows that exist, nothing else


def test_the_memory_store_gives_the_same_agenda() -> None:
    service = service_on(MemoryStore())
    fill(service)
    meeting = service.handle(ScheduleMeeting(meeting_id="", kind=MeetingKind.CASE_ANALYSIS, org_id=ROOM), DIRECTOR)
    assert {item.case_id for item in meeting.agenda if item.case_id} == {"open-2", "repeat", "late"}
