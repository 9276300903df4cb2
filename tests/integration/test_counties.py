"""Many counties on one PostgreSQL database: each county a schema of its own, so an actor of
county A reads nothing of county B through any query of the service, a county's identity key
and case numbers are its own, and the province's report adds up exactly the counties' own."""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from county_support import (
    ADMIN_A,
    ADMIN_B,
    B_MARKERS,
    CITY_CENTRE,
    IDS,
    KEYS,
    MEDIATOR_A,
    MEDIATOR_B,
    REGISTRY_A,
    REGISTRY_B,
    county,
    in_b,
    run_case,
    two_counties,
)
from sql_support import raw
from sqlalchemy.engine import make_url

import builders
from mediation_core.app.counties import Deployment, ProvinceStatistics, county_url, open_county
from mediation_core.app.queries import replay_records
from mediation_core.app.relay import Subscriber
from mediation_core.app.runtime import QUERIES
from mediation_core.app.service import MediationService
from mediation_core.domain.errors import AuthorisationError, NotFoundError, StoreError
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.periods import Period
from mediation_core.exports.forms import DocumentForm
from mediation_core.plugins.types import EventMessage
from mediation_core.serialization import unstructure
from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy import open_sqlalchemy

pytestmark = pytest.mark.postgres

YEAR = Period.year(2026)
B_CASES = ("south-case-0", "south-case-1", "south-case-2")
A_CASES = ("case-a-0", "case-a-1")
B_REFERRAL = "south-referral-1"


@pytest.fixture
def deployment(postgres_server: str, tmp_path: Path) -> Iterator[Deployment]:
    yield from two_counties(postgres_server, tmp_path)


@pytest.fixture
def counties(deployment: Deployment) -> Iterator[tuple[MediationService, MediationService]]:
    """County A with two cases, county B with three (its people the same as A's first two:
    the same ID numbers), a refusal in B's access log."""
    a = county(deployment, "county-a", sc.ScriptClock())
    b = county(deployment, "county-b", sc.ScriptClock())
    try:
        a.register(REGISTRY_A, ADMIN_A)
        b.register(REGISTRY_B, ADMIN_B)
        for serial, case_id in enumerate(A_CASES):
            run_case(a, case_id, serial, b=False)
        for serial, case_id in enumerate(B_CASES):
            run_case(b, case_id, serial, b=True)
        b.clock.now = dt.datetime(2026, 5, 20, 9, tzinfo=CHINA_TZ)  # type: ignore[attr-defined]
        b.handle(
            in_b(builders.referral(dt.date(2026, 5, 20), referral_id=B_REFERRAL), IDS), in_b(builders.OFFICER, IDS)
        )
        with pytest.raises(AuthorisationError):
            b.case_file(B_CASES[0], Actor(actor_id="stranger", role=Role.MEDIATOR, scope_id="south-nowhere"))
        yield a, b
    finally:
        a.store.close()
        b.store.close()


def text_of(value: Any) -> str:
    """Everything a reader gets from a query, as text to look for another county's markers in."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    try:
        return json.dumps(unstructure(value), ensure_ascii=False, default=str)
    except Exception:  # noqa: BLE001 - a value the converter does not know: its repr says all
        return repr(value)


def attempt(call: Callable[[], Any]) -> Any:
    """What a call returns, or the message it is refused with (checked for markers alike)."""
    try:
        return call()
    except Exception as refused:  # noqa: BLE001 - the refusal's words are what the reader sees
        return f"{type(refused).__name__}: {refused}"


class Collected:
    """An event sink that keeps what it is given: what county A's relay would publish."""

    def __init__(self) -> None:
        self.messages: list[EventMessage] = []

    def publish(self, message: EventMessage) -> None:
        self.messages.append(message)

    def close(self) -> None:
        """Nothing to let go of."""


def relayed(a: MediationService) -> list[EventMessage]:
    """Every event county A's relay publishes to an administrator's subscriber."""
    sink = Collected()
    a.relay(Subscriber(name="county-bus", actor=ADMIN_A, sink=sink), actor=ADMIN_A)
    assert sink.messages, "county A's own events are published"
    return sink.messages


def refused_or_missing(call: Callable[[], Any]) -> None:
    with pytest.raises((NotFoundError, AuthorisationError)):
        call()


# What each query of the service returns to county A's administrator. Writes and jobs are
# probed too: they act on A's records only. ``None``: the query is given B's ids and must not find them.
def probes(a: MediationService) -> dict[str, Callable[[], Any] | None]:
    now = a.clock()
    return {
        "case_file": None,
        "load": None,
        "referral": None,
        "document": None,
        "referral_document": None,
        "verify_signed_file": None,
        "state_view": lambda: [
            a.state_view("case", cid, replay_records(cid, a.store.read(cid)), ADMIN_A) for cid in A_CASES
        ],
        "open_deadlines": lambda: a.open_deadlines(ADMIN_A),
        "approve_import": None,
        "documents": lambda: [a.documents(kind, ADMIN_A) for kind in ("referral", "meeting", "import-batch")],
        "ledger": lambda: a.ledger(ADMIN_A),
        "ledger_table": lambda: a.ledger_table(ADMIN_A),
        "export_ledger": lambda: a.export_ledger(ADMIN_A, "json"),
        "statistics": lambda: a.statistics(YEAR, "district", ADMIN_A),
        "statistics_file": lambda: a.statistics_file(YEAR, "district", ADMIN_A, "json"),
        "dashboard_data": lambda: a.dashboard_data(YEAR, "district", ADMIN_A),
        "dashboard": lambda: a.dashboard(YEAR, "district", ADMIN_A),
        "filings": lambda: a.filings(YEAR, "district", ADMIN_A),
        "meeting_compliance": lambda: a.meeting_compliance(YEAR, "district", ADMIN_A),
        "proposed_agenda": lambda: a.proposed_agenda(MeetingKind.JOINT, "baiyang", ADMIN_A),
        "meetings": lambda: a.meetings("district", ADMIN_A),
        "evaluation_preview": lambda: a.evaluation_preview(2026, "district", ADMIN_A),
        "evaluation": lambda: refused_or_missing(lambda: a.evaluation(2026, "south-district", ADMIN_A)),
        "training_report": lambda: a.training_report(YEAR, "district", ADMIN_A),
        "screening_ledger": lambda: a.screening_ledger(YEAR, "district", ADMIN_A),
        "export_screening_ledger": lambda: a.export_screening_ledger(YEAR, "district", ADMIN_A, "json"),
        "inspection_report": lambda: a.inspection_report(YEAR, "district", ADMIN_A),
        "cross_check": lambda: a.cross_check(YEAR, "district", ADMIN_A),
        "held_back_imports": lambda: a.held_back_imports("district", ADMIN_A),
        "import_batches": lambda: a.import_batches(ADMIN_A),
        "verify": lambda: (a.verify(ADMIN_A), a.store.verify()),
        "verify_deep": lambda: a.verify_deep(ADMIN_A),
        "export_anchor": lambda: a.export_anchor(ADMIN_A),
        "check_anchor": lambda: a.check_anchor(a.export_anchor(ADMIN_A), ADMIN_A),
        "access_denials": lambda: a.access_denials(ADMIN_A),
        "reseals": lambda: a.reseals(ADMIN_A),
        "sweep": lambda: a.sweep(now + dt.timedelta(days=400), actor=ADMIN_A),
        "deliver_pending": lambda: attempt(lambda: a.deliver_pending(actor=ADMIN_A)),  # no channel configured
        "dead_letters": lambda: (a.dead_letters(ADMIN_A), a.store.outbox()),
        "requeue": lambda: a.requeue([e.notice.key for e in a.store.outbox()], ADMIN_A),
        "anonymise_expired": lambda: a.anonymise_expired(dt.date(2100, 1, 1), ADMIN_A, dry_run=True),
        "seal_again": lambda: a.seal_again(ADMIN_A),
        "register": lambda: a.register(REGISTRY_A, ADMIN_A),
        "relay": lambda: relayed(a),
        "relay_lag": lambda: a.relay_lag(["county-bus"], ADMIN_A),
        "relay_dead_letters": lambda: a.relay_dead_letters(ADMIN_A),
        "relay_requeue": lambda: a.relay_requeue("county-bus", [*A_CASES, *B_CASES], ADMIN_A),
        "import_ledger": lambda: attempt(lambda: a.import_ledger(a.export_ledger(ADMIN_A, "json"), "json", ADMIN_A)),
    }


def test_an_actor_of_one_county_reads_nothing_of_another_through_any_query(
    counties: tuple[MediationService, MediationService],
) -> None:
    a, b = counties
    table = probes(a)
    assert set(table) == set(QUERIES), "every query of the service is probed"
    seen = []
    for action, probe in sorted(table.items()):
        if probe is None:
            continue
        seen.append((action, text_of(probe())))
    for action, text in seen:
        for marker in B_MARKERS:
            assert marker not in text, f"{action} showed county B's {marker!r} to county A"
    assert len(seen) > len(QUERIES) // 2
    assert all(m in text_of(b.ledger_table(ADMIN_B)) for m in ("south-", "赵南星"))  # the markers are there to find
    # B's ids are not found in A, whoever asks and however
    assert b.referral(B_REFERRAL, ADMIN_B).referral_id == B_REFERRAL
    for case_id in B_CASES:
        refused_or_missing(functools.partial(a.case_file, case_id, ADMIN_A))
        for aggregate in ("referral", "police_case", "meeting"):
            refused_or_missing(functools.partial(a.load, aggregate, case_id, ADMIN_A))
        refused_or_missing(functools.partial(a.document, case_id, DocumentForm.AGREEMENT, ADMIN_A, "docx"))
        refused_or_missing(functools.partial(a.verify_signed_file, case_id, b"%PDF-1.7", ADMIN_A))
        assert a.store.ledger_row(case_id) is None
        assert a.store.read(case_id) == []
    refused_or_missing(functools.partial(a.referral, B_REFERRAL, ADMIN_A))
    refused_or_missing(functools.partial(a.load, "referral", B_REFERRAL, ADMIN_A))
    refused_or_missing(functools.partial(a.referral_document, B_REFERRAL, DocumentForm.AGREEMENT, ADMIN_A, "docx"))
    with pytest.raises(Exception, match="south-batch"):
        a.approve_import("south-batch", ADMIN_A)
    # A's ledger, statistics, streams and outbox are A's only
    assert sorted(r.case_id for r in a.ledger(ADMIN_A)) == list(A_CASES)
    assert sorted(r.case_id for r in b.ledger(ADMIN_B)) == list(B_CASES)
    assert a.statistics(YEAR, "district", ADMIN_A)["received"].cases == len(A_CASES)
    assert b.statistics(YEAR, "south-district", ADMIN_B)["received"].cases == len(B_CASES)
    assert not any(s.startswith("south-") for s in a.store.stream_ids())
    assert not a.access_denials(ADMIN_A)  # B's refusal is in B's access log only
    assert b.access_denials(ADMIN_B)


CENTRE_A = Actor(actor_id="c-centre", role=Role.COORDINATION_CENTRE, scope_id="centre")


def test_a_county_actor_on_another_countys_service_is_refused(
    counties: tuple[MediationService, MediationService],
) -> None:
    """B's registry does not know A's mediators, rooms or centre: each of A's scoped actors
    is refused on B's service, whatever it names."""
    a, b = counties
    for actor in (MEDIATOR_A, CENTRE_A):
        refused_or_missing(functools.partial(b.case_file, B_CASES[0], actor))
        for scope in ("district", "south-district"):
            with pytest.raises(AuthorisationError):
                b.statistics(YEAR, scope, actor)
        with pytest.raises(AuthorisationError):
            b.ledger(actor, ["south-pengshanlu-room"])
        assert b.ledger(actor) == []
    with pytest.raises(AuthorisationError):
        b.handle(in_b(sc.lifecycle("intruder")[0][1], IDS), MEDIATOR_A)
    assert b.store.read("intruder") == []
    refused_or_missing(lambda: a.case_file(A_CASES[0], MEDIATOR_B))
    with pytest.raises(AuthorisationError):
        a.statistics(YEAR, "district", attrs.evolve(CENTRE_A, scope_id="south-centre"))


def test_a_countys_database_role_cannot_reach_another_countys_schema(
    postgres_server: str, deployment: Deployment, counties: tuple[MediationService, MediationService]
) -> None:
    """Beside the service's boundary, the database's: a county's own PostgreSQL role, granted
    its schema only (docs/counties.md), reads its county and is refused another's."""
    a, _ = counties
    role = f"county_a_{uuid.uuid4().hex[:12]}"
    schema_a, schema_b = (c.schema for c in deployment.counties)
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    as_role = make_url(postgres_server).set(username=role).render_as_string(hide_password=False)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
            conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema_a}" TO "{role}"')
            conn.exec_driver_sql(
                f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema_a}" TO "{role}"'
            )
        own = open_sqlalchemy(county_url(as_role, schema_a))
        try:
            assert sorted(r.case_id for r in own.ledger()) == list(A_CASES)
        finally:
            own.close()
        with pytest.raises(StoreError):
            open_sqlalchemy(county_url(as_role, schema_b)).close()
        assert a.store.ledger_row(A_CASES[0]) is not None
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
            conn.exec_driver_sql(f'DROP ROLE "{role}"')
        admin.dispose()


def test_each_county_has_its_own_plugin_selection(counties: tuple[MediationService, MediationService]) -> None:
    a, b = counties
    assert "notify" in {s.name for s in a.plugins.statuses if s.state == "loaded"}
    assert "notify" not in {s.name for s in b.plugins.statuses if s.state == "loaded"}
    assert "webhook" in a.plugins.notifiers()
    assert "webhook" not in b.plugins.notifiers()


def test_each_county_seals_with_its_own_keys(counties: tuple[MediationService, MediationService]) -> None:
    a, b = counties
    assert a.verify(ADMIN_A) == []
    assert b.verify(ADMIN_B) == []
    assert {r.key_id for r in a.store.read(A_CASES[0])} == {"a-2026"}
    assert {r.key_id for r in b.store.read(B_CASES[0])} == {"b-2026"}
    assert b.store.verify(a.seal_keys)  # B's records do not verify under A's keys


def test_each_county_has_its_own_identity_key_and_case_numbers(
    counties: tuple[MediationService, MediationService],
) -> None:
    a, b = counties
    first_a, first_b = a.store.ledger_row(A_CASES[0]), b.store.ledger_row(B_CASES[0])
    assert first_a is not None
    assert first_b is not None
    # the same two people (the same ID numbers) are digested under each county's own key
    assert first_a.party_keys
    assert first_b.party_keys
    assert not set(first_a.party_keys) & set(first_b.party_keys)
    assert a.store.ledger_sharing_parties(first_b.party_keys) == []
    # and neither county's cases repeat the other's: only a county's own earlier case does
    assert all(r.repeat_of is None for r in a.ledger(ADMIN_A))
    run_case(b, "south-case-again", 0, b=True, start=dt.date(2026, 7, 1))
    again = b.store.ledger_row("south-case-again")
    assert again is not None
    assert again.repeat_of == B_CASES[0]
    # each county's case-number series starts at 1
    assert first_a.number == first_b.number == "（2026）彭调人调字第001号"
    assert [b.store.ledger_row(c).number for c in B_CASES[1:]] == [  # type: ignore[union-attr]
        "（2026）彭调人调字第002号",
        "（2026）彭调人调字第003号",
    ]


def test_a_county_opened_with_another_countys_identity_key_is_refused(
    deployment: Deployment, counties: tuple[MediationService, MediationService]
) -> None:
    swapped = {**KEYS, "COUNTY_A_IDENTITY_KEY": KEYS["COUNTY_B_IDENTITY_KEY"]}
    with pytest.raises(Exception, match="identity key"):
        open_county(deployment, "county-a", environ=swapped)


def idle_connections(url: str) -> int:
    """The server's idle connections to the test database, seen from a connection of its own."""
    with raw(url) as conn:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle'"
        return int(conn.execute(sa.text(query)).scalar_one())


def test_the_province_report_adds_up_the_counties_own_reports(
    deployment: Deployment, counties: tuple[MediationService, MediationService]
) -> None:
    a, b = counties
    run_case(b, "south-case-june", 3, b=True, start=dt.date(2026, 6, 10))
    own = {
        "county-a": a.statistics(YEAR, "district", ADMIN_A),
        "county-b": b.statistics(YEAR, "south-district", ADMIN_B),
    }
    idle_before = idle_connections(deployment.url)
    with ProvinceStatistics(deployment, environ=KEYS) as province:
        report = province.report(YEAR, CITY_CENTRE)
        # between reads the province holds no county's connection (a hundred counties' pools
        # kept open would pass the server's connection limit)
        assert idle_connections(deployment.url) <= idle_before
    assert [c.county_id for c in report.counties] == ["county-a", "county-b"]
    for line in report.counties:  # identical figures, line by line (the county's own has units and rooms too)
        assert line.report == attrs.evolve(own[line.county_id], by_unit=(), by_room=())
        assert own[line.county_id].by_room
    total = report.total
    assert total.scope_name == "乐山市"
    assert [(u.key, u.title_zh) for u in total.by_unit] == [("county-a", "市中区"), ("county-b", "南溪区")]
    for key in total.total.figures:
        assert total[key] == own["county-a"][key] + own["county-b"][key]
    assert total["received"].cases == len(A_CASES) + len(B_CASES) + 1
    assert total["received"].amount == Decimal(3000) * 6
    by_month = {m.key: m["received"].cases for m in total.by_month}
    assert by_month["2026-05"] == 5
    assert by_month["2026-06"] == 1
    assert total.median_days_to_conclude == own["county-a"].median_days_to_conclude


def test_only_the_deployments_province_actors_read_the_province_report(
    deployment: Deployment, counties: tuple[MediationService, MediationService]
) -> None:
    with ProvinceStatistics(deployment, environ=KEYS) as province:
        for actor in (
            ADMIN_A,
            ADMIN_B,
            attrs.evolve(CITY_CENTRE, scope_id="district"),
            attrs.evolve(CITY_CENTRE, actor_id="someone-else"),
            attrs.evolve(CITY_CENTRE, role=Role.ADMINISTRATOR),
        ):
            with pytest.raises(AuthorisationError):
                province.report(YEAR, actor)
        with pytest.raises(ValueError, match="whole months"):
            province.report(Period(start=dt.date(2026, 5, 6), end=dt.date(2026, 6, 30)), CITY_CENTRE)


def test_b_is_a_renamed_copy_of_a() -> None:
    """The markers the isolation test looks for are B's alone: none occurs anywhere in A's
    registry or commands, and every one occurs in B's."""
    a_text = text_of(REGISTRY_A) + text_of(sc.lifecycle("case-a-0"))
    b_text = text_of(REGISTRY_B) + text_of(in_b(sc.lifecycle("x"), IDS)) + str(MEDIATOR_B)
    assert not [m for m in B_MARKERS if m in a_text]
    assert [m for m in B_MARKERS if m in b_text] == list(B_MARKERS)
