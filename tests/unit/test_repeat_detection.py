"""Repeat disputes through the service: the same parties and category come back."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from builders import MEDIATOR, company, intake, person, two_people
from mediation_core.app.bootstrap import Config, ConfigurationError, open_service
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.outcomes import TerminationReason
from mediation_core.domain.reporting.repeats import came_back
from mediation_core.domain.values.parties import NaturalPerson, Side
from mediation_memory import MemoryStore


def receive(service: MediationService, clock: StoryClock, on: dt.date, **kwargs: object) -> str:
    clock.set(on)
    return str(service.handle(intake(on, **kwargs), MEDIATOR).case_id)  # type: ignore[arg-type]


def conclude(service: MediationService, clock: StoryClock, case_id: str, on: dt.date) -> None:
    clock.set(on)
    service.handle(c.AcceptCase(case_id=case_id, on=on), MEDIATOR)
    service.handle(c.TerminateCase(case_id=case_id, on=on, reason=TerminationReason.WITHDRAWN), MEDIATOR)


def test_same_parties_and_category_link_the_latest_earlier_case(service: MediationService, clock: StoryClock) -> None:
    first = receive(service, clock, dt.date(2026, 1, 5))
    second = receive(service, clock, dt.date(2026, 2, 5))
    third = receive(service, clock, dt.date(2026, 3, 5))
    rows = {r.case_id: r for r in service.store.ledger()}
    assert rows[first].repeat_of is None
    assert rows[second].repeat_of == first
    assert rows[third].repeat_of == second
    assert came_back(rows.values()) == {first, second}


def test_swapped_sides_still_match_but_another_category_does_not(service: MediationService, clock: StoryClock) -> None:
    first = receive(service, clock, dt.date(2026, 1, 5))
    swapped = (person("p1", Side.APPLICANT, seq=2), person("p2", Side.RESPONDENT, seq=1))
    again = receive(service, clock, dt.date(2026, 1, 20), parties=swapped)
    other = receive(service, clock, dt.date(2026, 1, 21), category="contract")
    assert service.store.ledger_row(again).repeat_of == first  # type: ignore[union-attr]
    assert service.store.ledger_row(other).repeat_of is None  # type: ignore[union-attr]


def test_one_shared_party_is_not_the_same_dispute(service: MediationService, clock: StoryClock) -> None:
    receive(service, clock, dt.date(2026, 1, 5))
    newcomer = receive(service, clock, dt.date(2026, 1, 6), parties=two_people(1, 9))
    assert service.store.ledger_row(newcomer).repeat_of is None  # type: ignore[union-attr]


def test_organisations_match_by_credit_code(service: MediationService, clock: StoryClock) -> None:
    parties = (person("p1", Side.APPLICANT, seq=5), company("o1", Side.RESPONDENT))
    first = receive(service, clock, dt.date(2026, 1, 5), parties=parties)
    renamed = (parties[0], attrs.evolve(parties[1], name="改名后的物业公司", legal_representative="钱总"))
    again = receive(service, clock, dt.date(2026, 1, 9), parties=renamed)
    assert service.store.ledger_row(again).repeat_of == first  # type: ignore[union-attr]


def test_the_window_runs_from_the_earlier_conclusion(service: MediationService, clock: StoryClock) -> None:
    window = service.policy.repeat_window_days
    first = receive(service, clock, dt.date(2025, 1, 6))
    conclude(service, clock, first, dt.date(2025, 3, 2))
    last_day = dt.date(2025, 3, 2) + dt.timedelta(days=window)
    inside = receive(service, clock, last_day)
    assert service.store.ledger_row(inside).repeat_of == first  # type: ignore[union-attr]
    conclude(service, clock, inside, last_day)
    outside = receive(service, clock, last_day + dt.timedelta(days=window + 1))
    assert service.store.ledger_row(outside).repeat_of is None  # type: ignore[union-attr]


def test_the_index_holds_digests_not_id_numbers(service: MediationService, clock: StoryClock) -> None:
    case_id = receive(service, clock, dt.date(2026, 1, 5))
    row = service.store.ledger_row(case_id)
    assert row is not None
    numbers = {p.id_number for p in two_people() if isinstance(p, NaturalPerson)}
    assert len(row.party_keys) == 2
    assert not numbers & set(row.party_keys)
    assert all(n not in k and k not in n for n in numbers for k in row.party_keys)
    other_key = MediationService(MemoryStore(), identity_key=b"another county")
    assert set(other_key.party_keyer.keys(two_people())).isdisjoint(row.party_keys)


def test_a_persistent_store_needs_the_identity_key() -> None:
    with pytest.raises(ConfigurationError, match="MEDIATION_IDENTITY_KEY"):
        open_service(Config(store="county-db"))
    service = open_service(Config(store="memory"))
    assert service.party_keyer.keys(two_people())
