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
from mediation_core.app.ports import Append, Document, Store
from mediation_core.app.sealing import seal
from mediation_core.domain.errors import (
    AuthorisationError,
    CommandFormatError,
    ConcurrencyConflictError,
    NotFoundError,
)
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.input import bad_character
from mediation_core.domain.referral.state import ReferralState
from mediation_core.domain.reporting.imports import (
    IMPORT_BATCH_DOCUMENT,
    LedgerImportApproved,
    LedgerImportRecorded,
    LedgerRowImported,
)
from mediation_core.domain.reporting.ledger import LEDGER_HEADERS_ZH, LedgerRow
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.categories import Category
from mediation_core.domain.values.organisations import OrgKind, Registry
from mediation_core.domain.values.privacy import may_see_personal_data
from mediation_core.exports import forms
from mediation_core.exports.ledger import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportProblem,
    LedgerFileError,
    LedgerImportError,
    LedgerTable,
    input_problems,
    ledger_table,
    registry_names,
    rows_from_table,
)
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
        rows,
        categories,
        masked=masked,
        scope=scope.name if scope else actor.scope_id,
        generated_at=now,
        names=shown_names(registry),
    )


def shown_names(registry: Registry) -> dict[str, str]:
    """Rooms and mediators the ledger shows by name (and an import reads back to the id): every
    one whose name is unique in the registry (:func:`~mediation_core.exports.ledger.registry_names`)."""
    ids = {room.org_id: room.name for room in registry.rooms()}
    ids.update({m.mediator_id: m.name for m in registry.mediators.values()})
    return registry_names(ids)


def import_ledger(
    store: Store,
    readers: Mapping[str, LedgerReader],
    data: bytes,
    fmt: str,
    actor: Actor,
    *,
    registry: Registry,
    categories: Mapping[str, Category],
    context: DecisionContext,
    refused: Callable[[AuthorisationError], None],
    now: dt.datetime,
    source: str = "",
    key: SealKey | None = None,
) -> list[LedgerRow]:
    """Import a ledger file into ``store`` as one batch: every row, or (with every problem
    listed) none. Only an administrator imports; every row passes the input rules commands
    pass (``context``: the county's policy and today); the rows count in evaluations and
    subsidies once another administrator approves the batch (:func:`approve_import`).
    ``refused`` records each refusal (the access log)."""
    if actor.role is not Role.ADMINISTRATOR:
        msg = f"importing a ledger file is an administrator's act, not a {actor.role.value}'s"
        raise AuthorisationError(msg, actor=actor, action="import_ledger")
    bad = bad_character(source, narrative=False)
    if bad or len(source) > MAX_SOURCE:
        problem = f"holds the character {bad}" if bad else f"is longer than {MAX_SOURCE} characters"
        raise CommandFormatError([f"the source {problem} @ source"])
    reader = readers.get(fmt)
    if reader is None:
        msg = f"no ledger reader {fmt!r}; installed: {', '.join(readers) or 'none'}"
        raise PluginError(msg)
    _available(reader, "ledger reader")
    if len(data) > MAX_FILE_BYTES:
        raise LedgerFileError(
            f"文件超过 {MAX_FILE_BYTES // 2**20} MiB", f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB"
        )
    try:
        raw = reader.read(data)
    except (LedgerFileError, LedgerImportError):
        raise
    except (ValueError, KeyError, TypeError, IndexError, RecursionError, OSError) as exc:
        raise LedgerFileError(
            f"无法作为 {fmt} 文件读取", f"it cannot be read as a {fmt} file ({type(exc).__name__})"
        ) from exc
    if len(raw.rows) > MAX_ROWS:
        raise LedgerFileError(f"超过 {MAX_ROWS} 行", f"more than {MAX_ROWS} rows")
    parsed = rows_from_table(raw.headers, raw.rows, categories, first_row=raw.first_row, names=shown_names(registry))
    numbers = {r.number: r.case_id for r in store.ledger() if r.number}
    problems = input_problems(parsed, context, numbers_in_store=numbers)
    room_header = LEDGER_HEADERS_ZH["room_id"]
    for row, line in zip(parsed.rows, parsed.line_numbers, strict=True):
        room = registry.org(row.room_id)
        if room is None or room.kind is not OrgKind.MEDIATION_ROOM:
            problems.append(
                ImportProblem(
                    row=line,
                    column=room_header,
                    value=row.room_id[:40],
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
        raise LedgerImportError(sorted(problems, key=lambda p: p.row))
    origin = source or f"sha256:{hashlib.sha256(data).hexdigest()[:16]}"
    return write_rows(store, parsed.rows, parsed.line_numbers, actor, source=origin, now=now, key=key)


MAX_SOURCE = 200
"""A batch's source (a file name, or what the importer says the rows came from) is one line."""


def batch_id_of(source: str, rows: Sequence[LedgerRow], actor: Actor, now: dt.datetime) -> str:
    """The id of an import batch: a digest of what, by whom and when (never a case's id)."""
    seed = "\n".join([source, str(actor), now.isoformat(), *(r.case_id for r in rows)])
    return f"ledger-import-{hashlib.sha256(seed.encode()).hexdigest()[:16]}"


def _batch_document(batch: str, source: str, case_ids: Sequence[str], imported: Actor, at: dt.datetime) -> Document:
    return Document(
        kind=IMPORT_BATCH_DOCUMENT,
        key=batch,
        body={
            "batch": batch,
            "source": source,
            "case_ids": list(case_ids),
            "imported_by": str(imported),
            "imported_at": at.isoformat(),
            "approved_by": None,
            "approved_at": None,
        },
        tags={"approved": "no", "imported_by": imported.actor_id},
    )


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
    """Store imported rows in one transaction, each as its own stream, and the batch they
    form as a stream of its own; a case id that exists already is a problem of its row, and
    then nothing is written."""
    problems = []
    batch = batch_id_of(source, rows, actor, now)
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
            event = LedgerRowImported(row=row, source=source, line=line, batch=batch)
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
        if rows:
            case_ids = [r.case_id for r in rows]
            recorded = LedgerImportRecorded(batch=batch, source=source, case_ids=tuple(case_ids))
            tx.append(
                Append(
                    stream_id=batch,
                    expected_version=0,
                    records=seal(batch, [recorded], after=[], recorded_at=now, actor=actor, key=key),
                    row=None,
                    deadlines=(),
                    notices=(),
                    created_at=now,
                    documents=(_batch_document(batch, source, case_ids, actor, now),),
                )
            )
        tx.commit()
    return list(rows)


def approve_import(store: Store, batch: str, actor: Actor, *, now: dt.datetime, key: SealKey | None = None) -> Document:
    """A second administrator approves import batch ``batch``: its rows count in evaluations
    and subsidies from now on. The importer cannot approve their own batch; approving twice
    changes nothing. Returns the batch's document as it now stands."""
    found = store.document(IMPORT_BATCH_DOCUMENT, batch)
    if found is None:
        msg = f"no ledger import batch {batch!r}"
        raise NotFoundError(msg)
    if actor.role is not Role.ADMINISTRATOR:
        msg = f"approving an imported batch is an administrator's act, not a {actor.role.value}'s"
        raise AuthorisationError(msg, actor=actor, action="approve_import", target=batch)
    if found.tags.get("imported_by") == actor.actor_id:
        msg = f"{actor.actor_id} imported batch {batch}: a second administrator must approve it"
        raise AuthorisationError(msg, actor=actor, action="approve_import", target=batch)
    if found.body.get("approved_by"):
        return found
    with store.transaction() as tx:
        history = tx.read(batch)
        approved = Document(
            kind=found.kind,
            key=found.key,
            body={**found.body, "approved_by": str(actor), "approved_at": now.isoformat()},
            tags={**found.tags, "approved": "yes"},
        )
        tx.append(
            Append(
                stream_id=batch,
                expected_version=len(history),
                records=seal(
                    batch, [LedgerImportApproved(batch=batch)], after=history, recorded_at=now, actor=actor, key=key
                ),
                row=None,
                deadlines=(),
                notices=(),
                created_at=now,
                documents=(approved,),
            )
        )
        tx.commit()
    return approved


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
