"""Read-side reports over committed storage: statistics, filing status of returns, and the
other coordination reports. Pure domain functions do the counting; this module only reads
rows and Documents and turns Document bodies back into domain values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from mediation_core.app.coordination import agenda_from, evaluation_inputs, live_report, meetings_of, rooms_in
from mediation_core.app.ports import Store
from mediation_core.domain.inspection.report import InspectionLine, inspection_report
from mediation_core.domain.inspection.state import Inspection
from mediation_core.domain.meeting.agenda import AgendaItem
from mediation_core.domain.meeting.compliance import MeetingSlot, compliance
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.reporting.crosscheck import CrossCheck, DispatchRecord, ReferralRecord, cross_check
from mediation_core.domain.reporting.evaluation import EvaluationItem, MediatorResult, evaluate
from mediation_core.domain.reporting.statistics import StatisticsReport, screening_figures
from mediation_core.domain.screening.report import ScreeningLine, screening_ledger
from mediation_core.domain.screening.state import Screening
from mediation_core.domain.statistical_return.commands import return_id
from mediation_core.domain.statistical_return.figures import ReturnFigures
from mediation_core.domain.statistical_return.filing import FilingStatus, filing_status, return_due
from mediation_core.domain.statistical_return.state import StatisticalReturn
from mediation_core.domain.training.report import TrainingLine, training_report
from mediation_core.domain.training.state import TrainingSession
from mediation_core.domain.values.calendar import WorkingDayCalendar
from mediation_core.domain.values.categories import Category
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.policy import Policy
from mediation_core.serialization import structure


def statistics(
    store: Store, registry: Registry, categories: Mapping[str, Category], period: Period, scope_id: str
) -> StatisticsReport:
    """The live report of ``scope_id`` for ``period`` from the committed ledger (its
    statistics cells for whole months, see :mod:`mediation_core.domain.reporting.rollups`),
    with the screening figures of the rooms' screening rounds beside it."""
    report = live_report(store, registry, categories, period, scope_id)
    return attrs.evolve(report, screening=screening_figures(screening_rounds(store), period, scope_id, registry))


def screening_rounds(store: Store) -> list[Screening]:
    """Every recorded screening round (纠纷排查)."""
    return [structure(d.body, Screening) for d in store.documents("screening")]


def screening_lines(store: Store, registry: Registry, *, period: Period, scope_id: str) -> list[ScreeningLine]:
    """The screening ledger (纠纷排查台账) of ``scope_id`` for ``period``."""
    return screening_ledger(screening_rounds(store), registry, scope_id, period)


def locked_return(store: Store, org_id: str, period: Period) -> StatisticalReturn | None:
    """The return ``org_id`` submitted for ``period``, as locked (``None`` when missing)."""
    doc = store.document("return", return_id(org_id, period))
    if doc is None:
        return None
    locked: StatisticalReturn = structure(doc.body, StatisticalReturn)
    return locked


def filings(
    store: Store,
    registry: Registry,
    categories: Mapping[str, Category],
    policy: Policy,
    calendar: WorkingDayCalendar,
    *,
    period: Period,
    scope_id: str,
    today: dt.date,
) -> list[FilingStatus]:
    """Every room's return for every reporting period of ``period`` that has ended: filed,
    nil or missing, on time or late, and drifted when the ledger moved after locking."""
    out = []
    for room in rooms_in(registry, scope_id):
        for slot in period.slots(policy.return_cadence_months):
            if slot.end >= today:
                continue
            locked = locked_return(store, room, slot)
            live = ReturnFigures.of(live_report(store, registry, categories, slot, room)) if locked else None
            due = return_due(slot, policy, calendar)
            out.append(filing_status(room, slot, locked, live, registry=registry, today=today, due=due))
    return out


def meeting_compliance(
    store: Store, registry: Registry, policy: Policy, *, period: Period, scope_id: str, today: dt.date
) -> list[MeetingSlot]:
    """Every township's joint meetings and every room's case-analysis meetings per cadence
    block of ``period``: held, held without quorum, missed or pending."""
    return compliance(
        meetings_of(store), registry=registry, scope_id=scope_id, period=period, policy=policy, today=today
    )


def proposed_agenda(
    store: Store, registry: Registry, *, kind: MeetingKind, org_id: str, today: dt.date
) -> tuple[AgendaItem, ...]:
    """The agenda a meeting of ``org_id`` scheduled today would take from the ledger."""
    return agenda_from(store, rooms_in(registry, org_id), kind=kind, org_id=org_id, today=today)


def evaluation_preview(
    store: Store,
    registry: Registry,
    policy: Policy,
    items: Mapping[str, EvaluationItem],
    *,
    scope_id: str,
    year: int,
    today: dt.date,
) -> tuple[MediatorResult, ...]:
    """What concluding the round now would give: the same inputs, the same pure evaluation."""
    inputs = evaluation_inputs(store, registry, policy, scope_id=scope_id, year=year, today=today)
    return evaluate(inputs.facts, items, policy, previous=inputs.previous, subsidies=inputs.subsidies)


def training(store: Store, registry: Registry, *, period: Period, scope_id: str) -> list[TrainingLine]:
    sessions = [structure(d.body, TrainingSession) for d in store.documents("training")]
    return training_report(sessions, registry, scope_id, period)


def inspections(
    store: Store, registry: Registry, *, period: Period, scope_id: str, today: dt.date
) -> list[InspectionLine]:
    found = [structure(d.body, Inspection) for d in store.documents("inspection")]
    return inspection_report(found, registry, scope_id, period, today)


def referral_records(store: Store) -> list[ReferralRecord]:
    """The stations' letters as the referral Documents list them (court and agency letters,
    which no station issued, are left out)."""
    out = []
    for doc in store.documents("referral"):
        station_id = doc.tags.get("station_id", "")
        if not station_id:
            continue
        body = doc.body
        due = body.get("acknowledgement_due")
        out.append(
            ReferralRecord(
                referral_id=doc.key,
                station_id=station_id,
                room_id=str(body["room_id"]),
                issued_on=dt.date.fromisoformat(str(body["issued_on"])),
                status=str(body["status"]),
                case_id=body.get("case_id"),
                acknowledgement_due=dt.date.fromisoformat(str(due)) if due else None,
            )
        )
    return out


def dispatch_records(store: Store) -> list[DispatchRecord]:
    """The 110 dispatches a mediator went out on, as the dispatch Documents list them."""
    return [
        DispatchRecord(
            dispatch_id=doc.key,
            station_id=str(doc.body["station_id"]),
            room_id=str(doc.body["room_id"]),
            call_date=dt.date.fromisoformat(doc.tags["call_date"]),
            status=str(doc.body["status"]),
            case_id=doc.body.get("case_id"),
        )
        for doc in store.documents("dispatch", {"with_mediator": "yes"})
    ]


def police_cross_check(
    store: Store, registry: Registry, *, period: Period, scope_id: str, today: dt.date
) -> CrossCheck:
    """The stations' letters and dispatches against the rooms' ledger (see ``domain.crosscheck``)."""
    return cross_check(
        referral_records(store),
        dispatch_records(store),
        store.ledger(),
        registry=registry,
        scope_id=scope_id,
        period=period,
        today=today,
        other_letters=[d.key for d in store.documents("referral", {"station_id": ""})],
    )
