"""Repeat detection as properties: the window's exact last day, shared identities, category."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from mediation_core.domain.reporting.repeats import UNKEYED, EarlierCase, PartyKeyer, find_repeat, is_repeat
from mediation_core.domain.values.parties import Side
from mediation_core.testing import strategies as mst

keys = st.lists(st.sampled_from([f"k{n}" for n in range(6)]), min_size=1, max_size=4, unique=True).map(tuple)
windows = st.integers(0, 400)
concluded_after = st.none() | st.integers(0, 90)


def earlier(received: dt.date, after: int | None, party_keys: tuple[str, ...], category: str = "neighbourhood"):
    return EarlierCase(
        case_id="earlier",
        category=category,
        party_keys=party_keys,
        received_on=received,
        concluded_on=None if after is None else received + dt.timedelta(days=after),
    )


@given(received=mst.dates, after=concluded_after, window=windows, party_keys=keys)
def test_the_window_ends_on_its_exact_last_day(received, after, window, party_keys) -> None:
    case = earlier(received, after, party_keys)
    last_handled = case.concluded_on or case.received_on
    common = {"case_id": "new", "keys": party_keys, "category": "neighbourhood", "window_days": window}
    on_last_day = last_handled + dt.timedelta(days=window)
    assert is_repeat(case, received_on=on_last_day, min_shared=2, **common)
    assert not is_repeat(case, received_on=on_last_day + dt.timedelta(days=1), min_shared=2, **common)
    assert not is_repeat(case, received_on=received - dt.timedelta(days=1), min_shared=2, **common)


@given(received=mst.dates, window=windows, party_keys=keys, other=keys, min_shared=st.integers(1, 4))
def test_enough_shared_identities_and_the_same_category(received, window, party_keys, other, min_shared) -> None:
    case = earlier(received, None, other)
    shared = len(set(party_keys) & set(other))
    common = {"case_id": "new", "keys": party_keys, "received_on": received, "window_days": window}
    expected = shared >= min(min_shared, len(party_keys))
    assert is_repeat(case, category="neighbourhood", min_shared=min_shared, **common) is expected
    assert not is_repeat(case, category="contract", min_shared=min_shared, **common)


@given(received=mst.dates, window=windows, party_keys=keys, extra=keys)
def test_sharing_more_identities_never_unlinks(received, window, party_keys, extra) -> None:
    case = earlier(received, None, party_keys)
    wider = earlier(received, None, tuple(sorted(set(party_keys) | set(extra))))
    common = {"case_id": "new", "keys": party_keys, "category": "neighbourhood", "received_on": received}
    if is_repeat(case, window_days=window, min_shared=2, **common):
        assert is_repeat(wider, window_days=window, min_shared=2, **common)


@given(dates=st.lists(mst.dates, min_size=1, max_size=5, unique=True), party_keys=keys)
def test_the_most_recent_match_is_linked(dates, party_keys) -> None:
    cases = [
        EarlierCase(case_id=f"c{i}", category="x", party_keys=party_keys, received_on=d, concluded_on=None)
        for i, d in enumerate(dates)
    ]
    today = max(dates)
    found = find_repeat(
        cases, case_id="new", keys=party_keys, category="x", received_on=today, window_days=10**5, min_shared=2
    )
    assert found == cases[dates.index(today)].case_id
    assert (
        find_repeat([], case_id="new", keys=party_keys, category="x", received_on=today, window_days=9, min_shared=1)
        is None
    )


# HMAC pads keys with zero bytes, so an all-zero key is the empty key
secret_keys = st.binary(min_size=1, max_size=16).filter(lambda k: k.strip(b"\0"))


@given(party=mst.any_party("p1", Side.APPLICANT), key=secret_keys)
def test_digests_depend_on_the_key_and_never_echo_the_number(party, key) -> None:
    digests = PartyKeyer(key=key).party_keys(party)
    assert digests
    assert set(digests).isdisjoint(UNKEYED.party_keys(party))
    numbers = [getattr(party, "id_number", ""), getattr(party, "credit_code", "")]
    assert all(n not in d for d in digests for n in numbers if n)
