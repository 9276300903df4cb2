"""Repeat disputes (重复纠纷): the same parties back with the same kind of dispute.

"The dispute did not come back" is the real success measure of 公调对接 (docs/legal-basis.md §3.2), so an
intake is linked to the earlier case it repeats. Parties are matched by resident ID number
or unified social credit code, never by name; the match runs over keyed digests
(HMAC-SHA256 under the deployment's key) so that no new index of raw ID numbers exists.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
from collections.abc import Iterable, Sequence
from typing import Protocol

from attrs import field, frozen

from mediation_core.domain.values.identifiers import resident_id_problem, uscc_problem
from mediation_core.domain.values.parties import GroupParty, NaturalPerson, Party


@functools.lru_cache(maxsize=1 << 16)
def _keyed_digest(key: bytes, message: str) -> str:
    """HMAC-SHA256 of ``message``, remembered: every command of a case projects its ledger row,
    and with it the digests of the same parties."""
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:32]


@frozen(kw_only=True)
class PartyKeyer:
    """Turns a party's identity number into a keyed digest.

    The key belongs to the deployment (configuration, never the database): without it a
    digest cannot be tested against a guessed ID number. Changing the key means rebuilding
    the ledger, since digests made under different keys never match."""

    key: bytes = field(repr=False)

    def digest(self, kind: str, number: str) -> str:
        """The digest of one identity number of ``kind`` ("rid" or "uscc")."""
        return _keyed_digest(self.key, f"{kind}:{number.strip().upper()}")

    def party_keys(self, party: Party) -> tuple[str, ...]:
        """The digests identifying ``party``: a person by ID number, an organisation by its
        credit code, a numerous side by its representatives' ID numbers. Invalid or blank
        numbers identify nobody."""
        if isinstance(party, NaturalPerson):
            people: Sequence[NaturalPerson] = (party,)
        elif isinstance(party, GroupParty):
            people = party.representatives
        else:
            return (self.digest("uscc", party.credit_code),) if uscc_problem(party.credit_code) is None else ()
        return tuple(self.digest("rid", p.id_number) for p in people if resident_id_problem(p.id_number) is None)

    def keys(self, parties: Iterable[Party]) -> tuple[str, ...]:
        """The sorted, distinct digests of all ``parties``."""
        return tuple(sorted({k for p in parties for k in self.party_keys(p)}))


UNKEYED = PartyKeyer(key=b"")
"""A keyer for pure decisions in tests and tools; a service always uses the deployment's key."""


@frozen(kw_only=True)
class EarlierCase:
    """What repeat detection needs to know about an earlier case (read from its ledger row)."""

    case_id: str
    category: str
    party_keys: tuple[str, ...]
    received_on: dt.date
    concluded_on: dt.date | None


def last_handled_on(case: EarlierCase) -> dt.date:
    """The day the earlier case was last handled: its conclusion, or its intake while open."""
    return case.concluded_on or case.received_on


def shared_needed(keys: Sequence[str], min_shared: int) -> int:
    """How many of an intake's identities an earlier case must share: ``min_shared``, or all
    of them when the intake identifies fewer parties than that."""
    return min(min_shared, len(keys))


def is_repeat(
    earlier: EarlierCase,
    *,
    case_id: str,
    keys: Sequence[str],
    category: str,
    received_on: dt.date,
    window_days: int,
    min_shared: int,
) -> bool:
    """True when an intake of ``category`` on ``received_on`` by parties ``keys`` repeats
    ``earlier``: the same category, enough shared identities, received no earlier than the
    earlier case, and at most ``window_days`` after the earlier case was last handled."""
    needed = shared_needed(keys, min_shared)
    return (
        needed > 0
        and earlier.case_id != case_id
        and earlier.category == category
        and len(set(keys) & set(earlier.party_keys)) >= needed
        and earlier.received_on <= received_on
        and (received_on - last_handled_on(earlier)).days <= window_days
    )


def find_repeat(
    earlier_cases: Iterable[EarlierCase],
    *,
    case_id: str,
    keys: Sequence[str],
    category: str,
    received_on: dt.date,
    window_days: int,
    min_shared: int,
) -> str | None:
    """The id of the most recent earlier case this intake repeats, or ``None``."""
    matches = [
        e
        for e in earlier_cases
        if is_repeat(
            e,
            case_id=case_id,
            keys=keys,
            category=category,
            received_on=received_on,
            window_days=window_days,
            min_shared=min_shared,
        )
    ]
    if not matches:
        return None
    return max(matches, key=lambda e: (e.received_on, e.case_id)).case_id


class Linked(Protocol):
    """Anything naming the earlier case it repeats (a ledger row does)."""

    @property
    def repeat_of(self) -> str | None: ...


def came_back(rows: Iterable[Linked]) -> frozenset[str]:
    """Ids of the cases whose dispute came back: some later intake repeats them."""
    return frozenset(r.repeat_of for r in rows if r.repeat_of is not None)
