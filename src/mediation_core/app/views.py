"""Read models as one reader may see them: the personal-data view applied to every read path.

The service builds each answer for its actor, then passes it through a :class:`Viewer`: case
files, ledger rows, referral and other linked states, Documents, agendas and meetings. What
the view is (full, masked, withheld) depends on the reader's role, the county's policy and
whether the record lies in the reader's scope (:func:`mediation_core.domain.values.privacy.view_for`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import attrs

from mediation_core.app.aggregates import CASES
from mediation_core.app.authorisation import in_scope
from mediation_core.app.ports import Document, Store
from mediation_core.domain.case.retention import names_to_strike
from mediation_core.domain.meeting.agenda import AgendaItem
from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.screening.report import ScreeningLine
from mediation_core.domain.values.actors import Actor
from mediation_core.domain.values.notices import Notice
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.parties import holds_sensitive_data
from mediation_core.domain.values.policy import Policy
from mediation_core.domain.values.privacy import (
    PersonalDataView,
    json_person_names,
    mask_name,
    names_a_child,
    person_names,
    personal_strings,
    view_for,
    view_json,
    view_text,
)
from mediation_core.domain.values.recipients import notice_for_recipients
from mediation_core.records import RecordedEvent
from mediation_core.serialization import event_from_body, structure, unstructure

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

    def __init__(
        self,
        actor: Actor,
        registry: Registry,
        policy: Policy,
        people: Callable[[str], tuple[str, ...]] | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.actor = actor
        self.registry = registry
        self.policy = policy
        self.today = today
        """The day a record without a ``sensitive`` flag of its own (a referral, a 治安 case, a
        Document) is checked for a child among its people (``None``: not checked)."""
        self.people = people
        """Every person a case names (guardians, representatives …), by case id: struck from a
        sensitive case's ledger row, whose ``party_names`` hold only the parties."""

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
        names = row.party_names
        if withheld and row.sensitive and self.people is not None:
            names = (*names, *self.people(row.case_id))
        return attrs.evolve(
            row,
            summary=view_text(row.summary, view, names),
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
        sensitive = sensitive or bool(getattr(value, "sensitive", False)) or self._child(value)
        view = self.view(*org_ids, sensitive=sensitive)
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

    def _child(self, value: Any) -> bool:
        return self.today is not None and names_a_child(value, self.today)

    def document(self, doc: Document, *org_ids: str) -> Document:
        view = self.view(*org_ids, sensitive=bool(doc.body.get("sensitive")) or self._child(doc.body))
        if view is PersonalDataView.FULL:
            return doc
        names = (*_party_names(doc.body), *json_person_names(doc.body))
        return attrs.evolve(doc, body=view_json(dict(doc.body), view, names))

    def agenda(
        self,
        items: Iterable[AgendaItem],
        names_of: dict[str, tuple[str, ...]],
        sensitive: Iterable[str] = (),
    ) -> tuple[AgendaItem, ...]:
        """Agenda items, their titles (a case's summary) viewed with the names of everyone that
        case names; an item of a ``sensitive`` case (a child) is withheld from every reader who
        would see it masked."""
        children = frozenset(sensitive)
        out = []
        for item in items:
            child = item.case_id in children
            view = self.view(item.room_id or self.actor.scope_id, sensitive=child)
            names = names_of.get(item.case_id, ())
            out.append(
                attrs.evolve(item, title=view_text(item.title, view, names), detail=view_text(item.detail, view, names))
            )
        return tuple(out)


def people_of_case(store: Store, case_id: str) -> tuple[tuple[str, ...], bool]:
    """(every person's name the case's records hold: parties, guardians, representatives,
    legal representatives, invitees; whether the case is sensitive). Empty for no case."""
    records = store.read(case_id)
    if not records or not records[0].event_type.startswith(f"{CASES.name}."):
        return (), False
    events = [event_from_body(r.event_type, r.schema_version, r.body) for r in records]
    state = CASES.replay(case_id, events)
    found, _ = personal_strings(events)
    if state is None:  # pragma: no cover - a case stream always folds
        return found, False
    return tuple(dict.fromkeys((*names_to_strike(state), *found))), bool(state.sensitive)


def people_in(store: Store, state: Any, today: dt.date) -> tuple[tuple[str, ...], bool]:
    """(every person's name ``state`` names, whether it is sensitive) for a notice about it: its
    parties with their guardians and representatives, a case's invitees, and for a meeting the
    people of every case on its agenda; sensitive when it is a child's case, a record whose
    parties include a child under 14, or a meeting with such a case on its agenda."""
    names, _ = personal_strings(state)
    names = (*names, *(getattr(state, "invitees", ()) or ()))
    if hasattr(state, "sensitive"):
        sensitive = bool(state.sensitive)
    else:
        parties = getattr(state, "parties", ())
        sensitive = isinstance(parties, tuple) and holds_sensitive_data(parties, today)
    for item in getattr(state, "agenda", ()) or ():
        if isinstance(item, AgendaItem) and item.case_id:
            more, child = people_of_case(store, item.case_id)
            names, sensitive = (*names, *more), sensitive or child
    return tuple(dict.fromkeys(names)), sensitive


def notice_for(
    notice: Notice, state: Any, *, store: Store, today: dt.date, policy: Policy, registry: Registry
) -> Notice:
    """``notice`` written in the narrowest view of its recipients
    (:func:`~mediation_core.domain.values.recipients.notice_for_recipients`), about ``state``."""
    names, sensitive = people_in(store, state, today)
    return notice_for_recipients(
        notice,
        names,
        sensitive=sensitive,
        full_roles=policy.personal_data_roles,
        withheld_roles=policy.party_data_withheld_roles,
        registry=registry,
    )
