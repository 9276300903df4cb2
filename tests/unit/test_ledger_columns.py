"""Ledger columns that statistics and evaluation judge timeliness by."""

from __future__ import annotations

import datetime as dt

from builders import MEDIATOR
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, walk
from mediation_core.domain.case import commands as c
from mediation_core.domain.values.sources import CaseSource


def test_due_dates_stay_on_the_row_after_their_deadlines_close(service: MediationService, clock: StoryClock) -> None:
    case_file = walk(service, clock)
    row = case_file.row
    # accepted 2026-05-06: the one-month term ends Saturday 6 June, so Monday 8 June;
    # agreement effective 2026-05-09: 15 working days
    assert row.term_due == dt.date(2026, 6, 8)
    assert row.follow_up_due == dt.date(2026, 5, 29)
    assert row.first_follow_up_on is not None
    assert row.first_follow_up_on <= row.follow_up_due
    assert case_file.state.deadlines == {}


def test_an_extension_moves_the_term_due_date(service: MediationService, clock: StoryClock) -> None:
    walk(service, clock)
    parties = service.case_file("walkthrough-0001", MEDIATOR).state.parties
    clock.set(dt.date(2026, 6, 1))
    case = service.handle(
        c.ReceiveDispute(
            case_id="",
            room_id="pengshanlu-room",
            received_on=dt.date(2026, 6, 1),
            source=CaseSource.WALK_IN,
            category="neighbourhood",
            summary="再次争执",
            parties=parties,
        ),
        MEDIATOR,
    )
    service.handle(c.AcceptCase(case_id=case.case_id, on=dt.date(2026, 6, 1)), MEDIATOR)
    extended = service.handle(
        c.ExtendTerm(case_id=case.case_id, on=dt.date(2026, 6, 1), consenting_party_ids=("p1", "p2")), MEDIATOR
    )
    assert extended.term_due == dt.date(2026, 7, 31)
    assert service.store.ledger_row(case.case_id).term_due == dt.date(2026, 7, 31)  # type: ignore[union-attr]
