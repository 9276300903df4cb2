"""The per-case subsidy (以案定补): paid for a successful, filed and performed case, once per
dispute, to the mediator who presided (docs/legal-basis.md §6.4; §9 rule 35).

Local rules (S20) agree on the conditions: the case was mediated successfully, it has its
own file (一案一卷), and the agreement was performed; the same dispute mediated several times
is paid once ("一案一补, 谁调解补助谁"). Administrative and judicial mediation are never paid; the
ledger holds only people's-mediation cases, so nothing else reaches this function. Amounts
come from the policy's table by difficulty, with a lower amount for an ordinary case settled
by oral agreement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from attrs import frozen

from mediation_core.domain.reporting.ledger import LedgerRow, Outcome
from mediation_core.domain.values.policy import Policy

PERFORMED = "performed"


@frozen(kw_only=True)
class SubsidyLine:
    """One subsidy: the case, its dispute, who presided, and the amount."""

    case_id: str
    number: str | None
    room_id: str
    mediator_id: str
    dispute_id: str
    difficulty: str
    agreement_form: str | None
    concluded_on: dt.date
    amount: Decimal


def eligible(row: LedgerRow) -> bool:
    """Settled (调解成功), filed (the file passed the completeness check and was archived) and
    performed (the last follow-up found the agreement performed)."""
    return row.outcome is Outcome.SETTLED and row.archived_on is not None and row.performance == PERFORMED


def dispute_of(case_id: str, by_id: Mapping[str, LedgerRow]) -> str:
    """The first case of the dispute ``case_id`` belongs to, following ``repeat_of`` back."""
    seen = {case_id}
    current = by_id.get(case_id)
    while current is not None and current.repeat_of is not None and current.repeat_of not in seen:
        seen.add(current.repeat_of)
        case_id = current.repeat_of
        current = by_id.get(case_id)
    return case_id


def amount_for(row: LedgerRow, policy: Policy) -> Decimal:
    """The policy's amount for the case's difficulty; the oral-agreement amount for an
    ordinary case settled orally."""
    if row.difficulty == "ordinary" and row.agreement_form == "oral":
        return policy.subsidy_oral_ordinary
    return policy.subsidy_by_difficulty.get(row.difficulty, Decimal(0))


def payee(row: LedgerRow) -> str | None:
    """谁调解补助谁: the presiding mediator, or else the first mediator on the case."""
    return row.presiding_mediator or (row.mediators[0] if row.mediators else None)


def subsidies(
    rows: Iterable[LedgerRow],
    *,
    until: dt.date,
    policy: Policy,
    paid_disputes: frozenset[str] = frozenset(),
    held_back: frozenset[str] = frozenset(),
) -> tuple[SubsidyLine, ...]:
    """The subsidies payable for cases concluded on or before ``until``: one per dispute not
    in ``paid_disputes`` (paid in an earlier round), for its first eligible case. Cases in
    ``held_back`` (imported, their batch not yet approved by a second administrator) are
    never paid, though they still trace repeats back to their first case.

    ``rows`` should be the whole ledger of the scope, so that repeats are traced back to
    their first case even across years."""
    all_rows = list(rows)
    by_id = {r.case_id: r for r in all_rows}
    first: dict[str, SubsidyLine] = {}
    for row in all_rows:
        mediator = payee(row)
        if row.case_id in held_back:
            continue
        if not eligible(row) or row.concluded_on is None or row.concluded_on > until or mediator is None:
            continue
        dispute = dispute_of(row.case_id, by_id)
        known = first.get(dispute)
        if dispute in paid_disputes or (
            known and (known.concluded_on, known.case_id) < (row.concluded_on, row.case_id)
        ):
            continue
        first[dispute] = SubsidyLine(
            case_id=row.case_id,
            number=row.number,
            room_id=row.room_id,
            mediator_id=mediator,
            dispute_id=dispute,
            difficulty=row.difficulty,
            agreement_form=row.agreement_form,
            concluded_on=row.concluded_on,
            amount=amount_for(row, policy),
        )
    lines = list(first.values())
    return tuple(sorted(lines, key=lambda line: (line.concluded_on, line.case_id)))
