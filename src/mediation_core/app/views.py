"""Read models as one reader may see them: the personal-data view applied to every read path.

The service builds each answer for its actor, then passes it through a :class:`Viewer`: case
files, ledger rows, referral and other linked states, Documents, agendas and meetings. What
the view is (full, masked, withheld) depends on the reader's role, the county's policy and
whether the record lies in the reader's scope (:func:`mediation_core.domain.values.privacy.view_for`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

import attrs

from mediation_core.app.authorisation import in_scope
from mediation_core.app.ports import Document
from mediation_core.domain.meeting.agenda import AgendaItem
from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.screening.report import ScreeningLine
from mediation_core.domain.values.actors import Actor
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.policy import Policy
from mediation_core.domain.values.privacy import (
    PersonalDataView,
    mask_name,
    person_names,
    view_for,
    view_json,
    view_text,
)
from mediation_core.records import RecordedEvent
from mediation_core.serialization import structure, unstructure

T = TypeVar("T")


def _party_names(body: object) -> Iterator[str]:
    """Every name in a ``party_names`` list anywhere in a Document body (a screening round
    holds one per dispute found), to strike from its free text."""
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "party_names" and isinstance(value, list | tuple):
                yield from (str(n) for n in value)
            else:
                yield from _party_names(value)
    elif isinstance(body, list | tuple):
        for item in body:
            yield from _party_names(item)


class Viewer:
    """Applies one actor's personal-data view to what the service returns."""

    def __init__(self, actor: Actor, registry: Registry, policy: Policy) -> None:
        self.actor = actor
        self.registry = registry
        self.policy = policy

    def view(self, *org_ids: str, sensitive: bool = False) -> PersonalDataView:
        """The view of a record belonging to ``org_ids`` (its room, its station …): full for
        a role that handles parties' data, when one of them is in the actor's scope; withheld
        rather than masked for a ``sensitive`` record (a party under 14)."""
        scoped = any(in_scope(self.actor, o, self.registry) for o in org_ids if o)
        return view_for(
            self.actor,
            in_scope=scoped,
            full_roles=self.policy.personal_data_roles,
            withheld_roles=self.policy.party_data_withheld_roles,
            sensitive=sensitive,
        )

    def row(self, row: LedgerRow) -> LedgerRow:
        """A ledger row in the reader's view. Only a full view keeps ``party_keys``: a keyed
        digest of an ID number, with the key, tests a guess of the eight birth-date digits a
        masked ID hides, so a masked or withheld reader gets none."""
        view = self.view(row.room_id, sensitive=row.sensitive)
        if view is PersonalDataView.FULL:
            return row
        withheld = view is PersonalDataView.WITHHELD
        return attrs.evolve(
            row,
            summary=view_text(row.summary, view, row.party_names),
            party_names=tuple(mask_name(n) for n in row.party_names) if withheld else row.party_names,
            party_keys=(),
        )

    def screening_line(self, line: ScreeningLine) -> ScreeningLine:
        """A screening-ledger line as the view shows it: free text masked (or the parties'
        names struck when withheld), as for a ledger row."""
        view = self.view(line.room_id)
        if view is PersonalDataView.FULL:
            return line
        withheld = view is PersonalDataView.WITHHELD
        return attrs.evolve(
            line,
            summary=view_text(line.summary, view, line.party_names),
            note=view_text(line.note, view, line.party_names),
            party_names=tuple(mask_name(n) for n in line.party_names) if withheld else line.party_names,
        )

    def rows(self, rows: Iterable[LedgerRow]) -> list[LedgerRow]:
        return [self.row(r) for r in rows]

    def value(self, value: T, *org_ids: str, names: Iterable[str] = (), sensitive: bool = False) -> T:
        """Any attrs value of the core (a case or referral state, an event …) as the view shows
        it. The names of the value's own parties are struck from its free text when withheld."""
        view = self.view(*org_ids, sensitive=sensitive or bool(getattr(value, "sensitive", False)))
        if view is PersonalDataView.FULL:
            return value
        names = (*names, *person_names(getattr(value, "parties", ())))
        viewed: T = structure(view_json(unstructure(value), view, names), type(value))
        return viewed

    def records(
        self, records: Sequence[RecordedEvent], *org_ids: str, names: Iterable[str] = (), sensitive: bool = False
    ) -> tuple[RecordedEvent, ...]:
        """Stored records with their bodies viewed. Their hashes are those of the stored bodies:
        a viewed copy is for reading; ``verify`` checks the store itself."""
        view = self.view(*org_ids, sensitive=sensitive)
        if view is PersonalDataView.FULL:
            return tuple(records)
        names = tuple(names)
        return tuple(attrs.evolve(r, body=view_json(dict(r.body), view, names)) for r in records)

    def document(self, doc: Document, *org_ids: str) -> Document:
        view = self.view(*org_ids, sensitive=bool(doc.body.get("sensitive")))
        if view is PersonalDataView.FULL:
            return doc
        return attrs.evolve(doc, body=view_json(dict(doc.body), view, tuple(_party_names(doc.body))))

    def agenda(self, items: Iterable[AgendaItem], names_of: dict[str, tuple[str, ...]]) -> tuple[AgendaItem, ...]:
        """Agenda items, their titles (a case's summary) viewed with that case's party names."""
        out = []
        for item in items:
            view = self.view(item.room_id) if item.room_id else self.view(self.actor.scope_id)
            names = names_of.get(item.case_id, ())
            out.append(
                attrs.evolve(item, title=view_text(item.title, view, names), detail=view_text(item.detail, view, names))
            )
        return tuple(out)
