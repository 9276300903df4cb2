"""Reports, exports and documents for one reader, and the ledger's import.

The service builds the content for the actor (only what the actor may read, with ID and phone
numbers masked unless the actor's role may see them, ``Policy.personal_data_roles``) and hands
it to the renderer the caller names; renderers are plugins (``mediation_renderers()``), named
``<subject>-<format>``: ``ledger-xlsx``, ``document-docx`` …
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mediation_core.app.authorisation import UNRESTRICTED, authorise_case_command, in_scope
from mediation_core.app.ports import Append
from mediation_core.app.sealing import seal
from mediation_core.domain.errors import AuthorisationError, ConcurrencyConflictError
from mediation_core.domain.reporting.imports import LedgerRowImported
from mediation_core.domain.reporting.ledger import LEDGER_HEADERS_ZH, LedgerRow
from mediation_core.domain.values.actors import Actor
from mediation_core.domain.values.organisations import OrgKind
from mediation_core.domain.values.privacy import may_see_personal_data
from mediation_core.exports import forms
from mediation_core.exports.ledger import ImportProblem, LedgerImportError, LedgerTable, ledger_table, rows_from_table
from mediation_core.plugins.manager import PluginError
from mediation_core.plugins.types import LedgerReader, Renderer

if TYPE_CHECKING:
    from mediation_core.app.service import MediationService


def sees_personal_data(service: MediationService, actor: Actor, room_ids: Sequence[str]) -> bool:
    """True when ``actor`` may read ID and phone numbers in full for every room of ``room_ids``."""
    registry = service.registry()
    return all(
        may_see_personal_data(
            actor,
            in_scope=actor.role in UNRESTRICTED or in_scope(actor, room, registry),
            roles=service.policy.personal_data_roles,
        )
        for room in room_ids
    )


def _available(record: Renderer | LedgerReader, what: str) -> None:
    missing = [m for m in record.requires if importlib.util.find_spec(m) is None]
    if missing:
        hint = f': pip install "mediation-core[{record.extra}]"' if record.extra else ""
        msg = f"{what} {record.name!r} needs {', '.join(missing)}{hint}"
        raise PluginError(msg)


def render(service: MediationService, subject: str, fmt: str, value: Any) -> bytes:
    """Render ``value`` with the renderer ``<subject>-<fmt>``."""
    name = f"{subject}-{fmt}"
    renderers = service.plugins.renderers()
    renderer = renderers.get(name)
    if renderer is None or renderer.subject != subject:
        offered = ", ".join(n for n, r in renderers.items() if r.subject == subject) or "none"
        msg = f"no renderer {name!r}; for {subject} the installed ones are: {offered}"
        raise PluginError(msg)
    _available(renderer, "renderer")
    return renderer.render(value)


# -- the ledger ------------------------------------------------------------------------------------
def table(service: MediationService, actor: Actor, room_ids: Sequence[str] | None = None) -> LedgerTable:
    """The ledger rows ``actor`` may read, as the ledger's table (masked for the actor)."""
    rows = service.ledger(actor, room_ids)
    masked = not sees_personal_data(service, actor, sorted({r.room_id for r in rows}))
    scope = service.registry().org(actor.scope_id)
    return ledger_table(
        rows,
        service.categories,
        masked=masked,
        scope=scope.name if scope else actor.scope_id,
        generated_at=service.clock(),
    )


def import_ledger(service: MediationService, data: bytes, fmt: str, actor: Actor, source: str = "") -> list[LedgerRow]:
    """Import a ledger file: every row, or (with every problem listed) none."""
    readers = service.plugins.ledger_readers()
    reader = readers.get(fmt)
    if reader is None:
        msg = f"no ledger reader {fmt!r}; installed: {', '.join(readers) or 'none'}"
        raise PluginError(msg)
    _available(reader, "ledger reader")
    raw = reader.read(data)
    parsed = rows_from_table(raw.headers, raw.rows, service.categories, first_row=raw.first_row)
    registry = service.registry()
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
        except AuthorisationError as refused:
            service.access_log.record(refused, "import_ledger")
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
    return write_rows(service, parsed.rows, parsed.line_numbers, actor, origin)


def write_rows(
    service: MediationService, rows: Sequence[LedgerRow], lines: Sequence[int], actor: Actor, source: str
) -> list[LedgerRow]:
    """Store imported rows in one transaction, each as its own stream; a case id that exists
    already is a problem of its row, and then nothing is written."""
    now = service.clock()
    problems = []
    with service.store.transaction() as tx:
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
            sealed = seal(row.case_id, [event], after=[], recorded_at=now, actor=actor)
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
    service: MediationService, case_id: str, form: forms.DocumentForm, actor: Actor
) -> forms.FormDocument:
    """A case's form, filled for ``actor`` (who must be able to read the case file)."""
    case_file = service.case_file(case_id, actor)
    masked = not sees_personal_data(service, actor, [case_file.state.room_id])
    return forms.case_document(
        form, case_file.state, case_file.events, service.registry(), dict(service.categories), masked=masked
    )


def referral_document(
    service: MediationService, referral_id: str, form: forms.DocumentForm, actor: Actor
) -> forms.FormDocument:
    """A referral's letter or the room's reply, filled for ``actor``."""
    referral = service.referral(referral_id, actor)
    masked = not sees_personal_data(service, actor, [referral.room_id])
    return forms.referral_document(form, referral, service.registry(), dict(service.categories), masked=masked)
