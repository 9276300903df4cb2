"""Files for one reader, and the ledger's import, from plain values.

The service reads what the actor may read (in the actor's view) and hands it here with the
registry, the categories and the personal-data roles; nothing here holds the service. A file
is written by the renderer plugin named ``<subject>-<format>`` (``ledger-xlsx``,
``document-docx`` …; :func:`render`), each renderer declaring its subject and format.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mediation_core.app.authorisation import UNRESTRICTED, authorise_case_command, in_scope
from mediation_core.app.ports import Append, Store
from mediation_core.app.sealing import seal
from mediation_core.domain.errors import AuthorisationError, ConcurrencyConflictError
from mediation_core.domain.referral.state import ReferralState
from mediation_core.domain.reporting.imports import LedgerRowImported
from mediation_core.domain.reporting.ledger import LEDGER_HEADERS_ZH, LedgerRow
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.categories import Category
from mediation_core.domain.values.organisations import OrgKind, Registry
from mediation_core.domain.values.privacy import may_see_personal_data
from mediation_core.exports import forms
from mediation_core.exports.ledger import ImportProblem, LedgerImportError, LedgerTable, ledger_table, rows_from_table
from mediation_core.plugins.manager import PluginError
from mediation_core.plugins.types import LedgerReader, Renderer
from mediation_core.records import SealKey

if TYPE_CHECKING:
    from mediation_core.app.queries import CaseFile


def sees_personal_data(actor: Actor, room_ids: Sequence[str], registry: Registry, roles: Collection[Role]) -> bool:
    """True when ``actor`` may read ID and phone numbers in full for every room of ``room_ids``
    (``roles``: the county's ``Policy.personal_data_roles``)."""
    return all(
        may_see_personal_data(
            actor, in_scope=actor.role in UNRESTRICTED or in_scope(actor, room, registry), roles=frozenset(roles)
        )
        for room in room_ids
    )


def _available(record: Renderer | LedgerReader, what: str) -> None:
    missing = [m for m in record.requires if importlib.util.find_spec(m) is None]
    if missing:
        hint = f': pip install "mediation-core[{record.extra}]"' if record.extra else ""
        msg = f"{what} {record.name!r} needs {', '.join(missing)}{hint}"
        raise PluginError(msg)


def render(renderers: Mapping[str, Renderer], subject: str, fmt: str, value: Any) -> bytes:
    """Render ``value`` with the renderer of ``subject`` in format ``fmt``."""
    found = [r for r in renderers.values() if r.subject == subject and r.format == fmt]
    if not found:
        offered = ", ".join(r.name for r in renderers.values() if r.subject == subject) or "none"
        msg = f"no renderer {f'{subject}-{fmt}'!r}; for {subject} the installed ones are: {offered}"
        raise PluginError(msg)
    (renderer,) = found
    _available(renderer, "renderer")
    return renderer.render(value)


# -- the ledger ------------------------------------------------------------------------------------
def table(
    rows: Sequence[LedgerRow],
    actor: Actor,
    *,
    registry: Registry,
    categories: Mapping[str, Category],
    roles: Collection[Role],
    now: dt.datetime,
) -> LedgerTable:
    """The ledger rows ``actor`` may read (read in the actor's view), as the ledger's table."""
    masked = not sees_personal_data(actor, sorted({r.room_id for r in rows}), registry, roles)
    scope = registry.org(actor.scope_id)
    return ledger_table(
        rows, categories, masked=masked, scope=scope.name if scope else actor.scope_id, generated_at=now
    )


def import_ledger(
    store: Store,
    readers: Mapping[str, LedgerReader],
    data: bytes,
    fmt: str,
    actor: Actor,
    *,
    registry: Registry,
    categories: Mapping[str, Category],
    refused: Callable[[AuthorisationError], None],
    now: dt.datetime,
    source: str = "",
    key: SealKey | None = None,
) -> list[LedgerRow]:
    """Import a ledger file into ``store``: every row, or (with every problem listed) none.
    ``refused`` records each room the importer may not write (the access log)."""
    reader = readers.get(fmt)
    if reader is None:
        msg = f"no ledger reader {fmt!r}; installed: {', '.join(readers) or 'none'}"
        raise PluginError(msg)
    _available(reader, "ledger reader")
    raw = reader.read(data)
    parsed = rows_from_table(raw.headers, raw.rows, categories, first_row=raw.first_row)
    room_header = LEDGER_HEADERS_ZH["room_id"]
    problems = []
    for row, line in zip(parsed.rows, parsed.line_numbers, strict=True):
        room = registry.org(row.room_id)
        if room is None or room.kind is not OrgKind.MEDIATION_ROOM:
            problems.append(
                ImportProblem(
                    row=line,
                    column=room_header,
                    value=row.room_id,
                    message_zh="不是已登记的调解室",
                    message_en="not a registered mediation room",
                )
            )
            continue
        try:
            authorise_case_command(actor, row.room_id, registry)
        except AuthorisationError as refusal:
            refused(refusal)
            problems.append(
                ImportProblem(
                    row=line,
                    column=room_header,
                    value=row.room_id,
                    message_zh="无权导入该调解室的案件",
                    message_en="the importer may not write cases of this room",
                )
            )
    if problems:
        raise LedgerImportError(problems)
    origin = source or f"sha256:{hashlib.sha256(data).hexdigest()[:16]}"
    return write_rows(store, parsed.rows, parsed.line_numbers, actor, source=origin, now=now, key=key)


def write_rows(
    store: Store,
    rows: Sequence[LedgerRow],
    lines: Sequence[int],
    actor: Actor,
    *,
    source: str,
    now: dt.datetime,
    key: SealKey | None = None,
) -> list[LedgerRow]:
    """Store imported rows in one transaction, each as its own stream; a case id that exists
    already is a problem of its row, and then nothing is written."""
    problems = []
    with store.transaction() as tx:
        for row, line in zip(rows, lines, strict=True):
            if tx.read(row.case_id):
                problems.append(
                    ImportProblem(
                        row=line,
                        column=LEDGER_HEADERS_ZH["case_id"],
                        value=row.case_id,
                        message_zh="该案件已在系统中",
                        message_en="this case is already in the system",
                    )
                )
                continue
            event = LedgerRowImported(row=row, source=source, line=line)
            sealed = seal(row.case_id, [event], after=[], recorded_at=now, actor=actor, key=key)
            try:
                tx.append(
                    Append(
                        stream_id=row.case_id,
                        expected_version=0,
                        records=sealed,
                        row=row,
                        deadlines=(),
                        notices=(),
                        created_at=now,
                    )
                )
            except ConcurrencyConflictError:
                problems.append(
                    ImportProblem(
                        row=line,
                        column=LEDGER_HEADERS_ZH["case_id"],
                        value=row.case_id,
                        message_zh="该案件已在系统中",
                        message_en="this case is already in the system",
                    )
                )
        if problems:
            raise LedgerImportError(problems)
        tx.commit()
    return list(rows)


# -- documents -------------------------------------------------------------------------------------
def case_document(
    case_file: CaseFile,
    form: forms.DocumentForm,
    actor: Actor,
    *,
    registry: Registry,
    categories: Mapping[str, Category],
    roles: Collection[Role],
) -> forms.FormDocument:
    """A case's form from its case file as ``actor`` reads it."""
    masked = not sees_personal_data(actor, [case_file.state.room_id], registry, roles)
    return forms.case_document(form, case_file.state, case_file.events, registry, dict(categories), masked=masked)


def referral_document(
    referral: ReferralState,
    form: forms.DocumentForm,
    actor: Actor,
    *,
    registry: Registry,
    categories: Mapping[str, Category],
    roles: Collection[Role],
) -> forms.FormDocument:
    """A referral's letter or the room's reply, from the referral as ``actor`` reads it."""
    masked = not sees_personal_data(actor, [referral.room_id], registry, roles)
    return forms.referral_document(form, referral, registry, dict(categories), masked=masked)
