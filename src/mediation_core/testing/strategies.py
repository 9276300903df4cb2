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

from mediation_core.domain.events import EVENT_TYPES, CaseEvent
from mediation_core.domain.identifiers import USCC_ALPHABET, resident_id_check_char, uscc_check_char
from mediation_core.domain.parties import GroupParty, NaturalPerson, OrganisationParty, Party, Side

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


_OVERRIDES: dict[Any, st.SearchStrategy[Any]] = {
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
