"""Hypothesis strategies for every domain type.

:func:`of` builds a strategy for any attrs class of the core from its field types, so new
events and commands are covered without writing a strategy by hand; identity numbers are
always valid (GB 11643 / GB 32100) unless asked otherwise.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from mediation_core.domain.case.events import EVENT_TYPES, CaseEvent
from mediation_core.domain.case.followups import Performance, Satisfaction
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.reporting.ledger import LedgerRow, Outcome
from mediation_core.domain.values.calendar import WorkingDayCalendar
from mediation_core.domain.values.categories import MINISTRY_CATEGORIES
from mediation_core.domain.values.identifiers import USCC_ALPHABET, resident_id_check_char, uscc_check_char
from mediation_core.domain.values.organisations import Employment, Mediator, Organisation, OrgKind, Registry
from mediation_core.domain.values.parties import GroupParty, NaturalPerson, OrganisationParty, Party, Side
from mediation_core.domain.values.periods import Period
from mediation_core.domain.values.risks import Difficulty
from mediation_core.domain.values.sources import CaseSource

T = typing.TypeVar("T")

ADDRESS_CODES = ("110105", "360426", "511102", "440306", "330102")

dates = st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2030, 12, 31))
aware_datetimes = st.datetimes(
    min_value=dt.datetime(2010, 1, 1), max_value=dt.datetime(2030, 12, 31), timezones=st.just(dt.UTC)
)
amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False)
short_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
names = st.text(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕明华建国芳", min_size=2, max_size=4
)
ids = st.text("abcdefghjkmnpqrstuvwxyz0123456789", min_size=1, max_size=12)


@st.composite
def resident_ids(draw: st.DrawFn, born: st.SearchStrategy[dt.date] | None = None) -> str:
    """Valid 18-character resident ID numbers (GB 11643)."""
    if born is None:
        born = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2015, 12, 31))
    birth = draw(born)
    first17 = f"{draw(st.sampled_from(ADDRESS_CODES))}{birth:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + resident_id_check_char(first17)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    """Valid unified social credit codes (GB 32100)."""
    head = draw(st.sampled_from(["91", "92", "93", "51", "52", "12", "31"]))
    division = draw(st.sampled_from(ADDRESS_CODES))
    body = draw(st.text(USCC_ALPHABET, min_size=9, max_size=9))
    first17 = head + division + body
    return first17 + uscc_check_char(first17)


phones = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


def natural_persons(party_id: str = "p1", side: Side = Side.APPLICANT) -> st.SearchStrategy[NaturalPerson]:
    """Adults with valid IDs and contact details (so they may sign written agreements)."""
    return st.builds(
        NaturalPerson,
        party_id=st.just(party_id),
        side=st.just(side),
        name=names,
        id_number=resident_ids(st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2000, 12, 31))),
        phone=phones,
        address=st.just("幸福路1号"),
    )


def organisation_parties(party_id: str = "o1", side: Side = Side.RESPONDENT) -> st.SearchStrategy[OrganisationParty]:
    return st.builds(
        OrganisationParty,
        party_id=st.just(party_id),
        side=st.just(side),
        name=names.map(lambda n: f"{n}有限公司"),
        credit_code=credit_codes(),
        legal_representative=names,
        phone=phones,
        address=st.just("工业园区2号"),
    )


def group_parties(party_id: str = "g1", side: Side = Side.APPLICANT) -> st.SearchStrategy[GroupParty]:
    return st.integers(1, 5).flatmap(
        lambda n: st.builds(
            GroupParty,
            party_id=st.just(party_id),
            side=st.just(side),
            name=names.map(lambda x: f"{x}等村民"),
            headcount=st.integers(max(n, 2), 200),
            representatives=st.tuples(*[natural_persons(f"{party_id}r{i}", side) for i in range(n)]),
        )
    )


def any_party(party_id: str, side: Side) -> st.SearchStrategy[Party]:
    return st.one_of(
        natural_persons(party_id, side), organisation_parties(party_id, side), group_parties(party_id, side)
    )


@st.composite
def party_lists(draw: st.DrawFn, max_size: int = 4) -> tuple[Party, ...]:
    """An applicant and a respondent at least, with distinct ids."""
    n = draw(st.integers(2, max_size))
    sides = [Side.APPLICANT, Side.RESPONDENT] + [draw(st.sampled_from(Side)) for _ in range(n - 2)]
    return tuple(draw(any_party(f"p{i + 1}", side)) for i, side in enumerate(sides))


periods = st.tuples(dates, st.integers(0, 400)).map(
    lambda pair: Period(start=pair[0], end=pair[0] + dt.timedelta(days=pair[1]))
)
"""Reporting periods (start ≤ end)."""

_OVERRIDES: dict[Any, st.SearchStrategy[Any]] = {
    Period: periods,
    str: short_text,
    int: st.integers(0, 10_000),
    bool: st.booleans(),
    Decimal: amounts,
    dt.date: dates,
    dt.datetime: aware_datetimes,
    Party: st.deferred(lambda: st.sampled_from(Side).flatmap(lambda s: any_party("p1", s))),
}


def of(cls: type[T], **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[T]:
    """A strategy for any attrs class of the core, built from its field types."""
    hints = typing.get_type_hints(cls)
    kwargs = {
        a.name: fields[a.name] if a.name in fields else _for_type(hints[a.name])
        for a in attrs.fields(cls)  # type: ignore[arg-type]
    }
    return st.builds(cls, **kwargs)


@functools.cache
def _cached(tp: Any) -> st.SearchStrategy[Any]:
    return _for_type(tp)


def _for_type(tp: Any) -> st.SearchStrategy[Any]:  # noqa: PLR0911 - one branch per kind of type
    if tp in _OVERRIDES:
        return _OVERRIDES[tp]
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*[st.none() if a is type(None) else _cached(a) for a in args])
    if origin is tuple:
        inner = _cached(args[0]) if args and args[-1] is Ellipsis else None
        if inner is not None:
            return st.lists(inner, max_size=3).map(tuple)
        return st.tuples(*[_cached(a) for a in args])
    if origin is frozenset:
        return st.frozensets(_cached(args[0]), max_size=3)
    if origin in (dict, Mapping):
        return st.dictionaries(_cached(args[0]), _cached(args[1]), max_size=3)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(tp)
    if attrs.has(tp):
        return of(tp)
    msg = f"no strategy for {tp!r}"
    raise TypeError(msg)


def events() -> st.SearchStrategy[CaseEvent]:
    """Any case event of any type (field values need not tell a coherent story)."""
    return st.one_of(*[of(cls) for cls in EVENT_TYPES])


# -- districts and ledgers (statistics, evaluation, SQL push-down) -----------------------------
@st.composite
def districts(draw: st.DrawFn, max_townships: int = 3, max_rooms: int = 3) -> Registry:
    """A district with townships, each with a justice office, a governance office, stations
    and rooms stationed in them, mediators per room, and sometimes a room directly under the
    district (which belongs to no township)."""
    orgs = [
        Organisation(org_id="d", kind=OrgKind.DISTRICT, name="区"),
        Organisation(org_id="d-centre", kind=OrgKind.COORDINATION_CENTRE, name="协调中心", parent_id="d"),
    ]
    mediators = []
    rooms: list[str] = []
    for t in range(draw(st.integers(1, max_townships))):
        town = f"t{t}"
        orgs += [
            Organisation(org_id=town, kind=OrgKind.TOWNSHIP, name=f"街道{t}", parent_id="d"),
            Organisation(org_id=f"{town}-justice", kind=OrgKind.JUSTICE_OFFICE, name=f"司法所{t}", parent_id=town),
            Organisation(org_id=f"{town}-gov", kind=OrgKind.GOVERNANCE_OFFICE, name=f"综治办{t}", parent_id=town),
        ]
        for r in range(draw(st.integers(1, max_rooms))):
            station, room = f"{town}-s{r}", f"{town}-r{r}"
            orgs += [
                Organisation(org_id=station, kind=OrgKind.POLICE_STATION, name=f"派出所{t}{r}", parent_id=town),
                Organisation(
                    org_id=room,
                    kind=OrgKind.MEDIATION_ROOM,
                    name=f"调解室{t}{r}",
                    parent_id=town,
                    code=f"T{t}R{r}",
                    station_id=station,
                ),
            ]
            rooms.append(room)
    if draw(st.booleans()):
        orgs.append(
            Organisation(org_id="d-r", kind=OrgKind.MEDIATION_ROOM, name="区直调解室", parent_id="d", code="DR")
        )
        rooms.append("d-r")
    for room in rooms:
        for m in range(draw(st.integers(1, 3))):
            mediators.append(
                Mediator(
                    mediator_id=f"{room}-m{m}",
                    name=f"调解员{m}",
                    room_id=room,
                    employment=Employment.FULL_TIME if m == 0 else Employment.PART_TIME,
                    director=m == 0,
                )
            )
    return Registry.of(orgs, mediators)


_SETTLED_STATUSES = (CaseStatus.AGREED, CaseStatus.FOLLOWING_UP, CaseStatus.ARCHIVED)
_FAILED_STATUSES = (CaseStatus.TERMINATED, CaseStatus.FOLLOWING_UP, CaseStatus.ARCHIVED)
_OPEN_STATUSES = (CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.MEDIATING)


class _Facets:
    """Minor columns of a generated row, read off one drawn integer: a single draw per row
    keeps generation cheap, and shrinking the integer to 0 gives the plainest row."""

    def __init__(self, value: int) -> None:
        self.value = value

    def take(self, n: int) -> int:
        """A number in ``range(n)``."""
        self.value, out = divmod(self.value, n)
        return out

    def pick(self, options: typing.Sequence[T]) -> T:
        return options[self.take(len(options))]


_SOURCES = tuple(CaseSource)
_CATEGORIES = tuple(c.code for c in MINISTRY_CATEGORIES)


@st.composite
def ledger_row_of(
    draw: st.DrawFn,
    case_id: str,
    *,
    room_ids: typing.Sequence[str],
    mediator_ids: typing.Mapping[str, typing.Sequence[str]] | None = None,
    earlier: typing.Sequence[str] = (),
    first_day: dt.date = dt.date(2025, 10, 1),
    last_day: dt.date = dt.date(2026, 6, 30),
) -> LedgerRow:
    """A ledger row as a real case would project it: dates in lifecycle order, outcome and
    status agreeing, persons ≥ parties ≥ 2, risk persons 0 or ≥ 1, due dates set where the
    lifecycle sets them. ``earlier`` are case ids a repeat may point back to."""
    room = draw(st.sampled_from(list(room_ids)))
    outcome = draw(st.sampled_from(Outcome))
    received = draw(st.dates(min_value=first_day, max_value=last_day))
    f = _Facets(draw(st.integers(0, 2**160)))
    accepted = None if outcome is Outcome.DECLINED else received + dt.timedelta(days=f.take(4))
    if outcome is Outcome.OPEN and f.take(5) == 4:
        accepted = None
    term_due = None if accepted is None else accepted + dt.timedelta(days=f.pick((30, 60)))
    concluded = None
    if outcome is Outcome.DECLINED:
        concluded = received + dt.timedelta(days=f.take(6))
    elif outcome in (Outcome.SETTLED, Outcome.FAILED) and accepted is not None:
        concluded = accepted + dt.timedelta(days=f.take(76))
    if outcome is Outcome.SETTLED:
        status = f.pick(_SETTLED_STATUSES)
    elif outcome is Outcome.FAILED:
        status = f.pick(_FAILED_STATUSES)
    elif outcome is Outcome.DECLINED:
        status = CaseStatus.DECLINED
    else:
        status = CaseStatus.RECEIVED if accepted is None else f.pick(_OPEN_STATUSES[1:])
    follow_up_due = concluded + dt.timedelta(days=21) if outcome is Outcome.SETTLED and concluded else None
    followed = status in (CaseStatus.FOLLOWING_UP, CaseStatus.ARCHIVED) and concluded is not None
    first_visit = concluded + dt.timedelta(days=f.take(41)) if followed and concluded else None
    parties = 2 + f.take(3)
    risks = [0 if f.take(3) else 1 + f.take(40) for _ in range(4)]
    room_mediators = list((mediator_ids or {}).get(room, ())) or [f"{room}-m0"]
    presiding = None if accepted is None else f.pick(room_mediators)
    agreement = f.pick(("oral", "written")) if outcome is Outcome.SETTLED else None
    settled_and_visited = first_visit is not None and outcome is Outcome.SETTLED
    referral = f"ref-{case_id}" if f.take(2) else None
    return LedgerRow(
        case_id=case_id,
        version=1 + f.take(30),
        room_id=room,
        number=None if accepted is None else f"（{accepted.year}）{room}人调字第{case_id}号",
        status=status,
        outcome=outcome,
        source=f.pick(_SOURCES).value,
        category=f.pick(_CATEGORIES),
        summary="纠纷",
        party_names=tuple(f"当事人{i}" for i in range(parties)),
        parties=parties,
        persons=parties + f.take(31),
        amount_involved=Decimal(f.take(20_000_001)) / 100,
        received_on=received,
        accepted_on=accepted,
        term_due=term_due,
        concluded_on=concluded,
        archived_on=concluded + dt.timedelta(days=50) if status is CaseStatus.ARCHIVED and concluded else None,
        agreement_form=agreement,
        termination_reason="failed" if outcome is Outcome.FAILED else None,
        decline_reason="outside_scope" if outcome is Outcome.DECLINED else None,
        difficulty=f.pick(tuple(Difficulty)).value,
        civil_to_criminal_persons=risks[0],
        public_order_persons=risks[1],
        mass_incident_persons=risks[2],
        suicide_persons=risks[3],
        presiding_mediator=presiding,
        mediators=() if presiding is None else (presiding,),
        sessions=0 if accepted is None else f.take(4),
        follow_up_due=follow_up_due,
        follow_ups=1 if first_visit else 0,
        first_follow_up_on=first_visit,
        performance=f.pick(tuple(Performance)).value if settled_and_visited else None,
        satisfaction=f.pick(tuple(Satisfaction)).value if first_visit else None,
        referral_id=referral,
        referral_mode=f.pick(("transfer", "entrustment")) if referral else None,
        dispatch_id=f"dispatch-{case_id}" if f.take(8) == 7 else None,
        repeat_of=f.pick(earlier) if earlier and f.take(4) == 3 else None,
        party_keys=tuple(f"key-{case_id}-{i}" for i in range(parties)),
        civil_to_criminal_prevented_on=received + dt.timedelta(days=f.take(60)) if risks[0] and f.take(2) else None,
        mass_incident_handled_on=received + dt.timedelta(days=f.take(60)) if risks[2] and f.take(2) else None,
    )


@st.composite
def ledgers(
    draw: st.DrawFn,
    registry: Registry,
    max_size: int = 40,
    first_day: dt.date = dt.date(2025, 10, 1),
    last_day: dt.date = dt.date(2026, 6, 30),
) -> list[LedgerRow]:
    """Ledger rows of the registry's rooms, with unique case ids; repeats point backwards."""
    room_ids = sorted(o.org_id for o in registry.rooms())
    by_room: dict[str, list[str]] = {}
    for m in registry.mediators.values():
        by_room.setdefault(m.room_id, []).append(m.mediator_id)
    rows: list[LedgerRow] = []
    for n in range(draw(st.integers(0, max_size))):
        rows.append(
            draw(
                ledger_row_of(
                    f"c{n:04d}",
                    room_ids=room_ids,
                    mediator_ids=by_room,
                    earlier=[r.case_id for r in rows[-5:]],
                    first_day=first_day,
                    last_day=last_day,
                )
            )
        )
    return rows


CALENDAR_FIRST = dt.date(2025, 1, 1)
CALENDAR_LAST = dt.date(2027, 12, 31)


@st.composite
def working_day_calendars(
    draw: st.DrawFn, first_day: dt.date = CALENDAR_FIRST, last_day: dt.date = CALENDAR_LAST
) -> WorkingDayCalendar:
    """Working-day calendars with holiday periods and 调休: each period is a run of rest days
    (weekdays among them become holidays), often paid for by working a nearby weekend day, as
    the State Council's arrangements do. Windows counted on these must land on exact days."""
    holidays: set[dt.date] = set()
    working: set[dt.date] = set()
    for _ in range(draw(st.integers(0, 12))):
        start = draw(st.dates(min_value=first_day, max_value=last_day - dt.timedelta(days=10)))
        length = draw(st.integers(1, 8))
        period = {start + dt.timedelta(days=n) for n in range(length)}
        holidays |= period
        if draw(st.booleans()):
            shift = draw(st.integers(-10, 10))
            swapped = start + dt.timedelta(days=shift)
            while swapped.weekday() < 5:
                swapped += dt.timedelta(days=1)
            if first_day <= swapped <= last_day and swapped not in holidays:
                working.add(swapped)
    return WorkingDayCalendar(
        version=f"test-{len(holidays)}-{len(working)}",
        region="TEST",
        first_day=first_day,
        last_day=last_day,
        holidays=frozenset(holidays),
        working_weekends=frozenset(working - holidays),
    )
