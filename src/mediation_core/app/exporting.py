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
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from attrs import frozen

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
    LedgerImportCompleted,
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
    MAX_PROBLEMS,
    MAX_ROWS,
    ImportProblem,
    LedgerFileError,
    LedgerImportError,
    LedgerTable,
    ParsedRow,
    RawTable,
    ledger_table,
    parse_rows,
    registry_names,
    row_input_problems,
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


IMPORT_CHUNK = 1_000
"""Imported rows written per transaction: a file of any length is written in bounded memory,
and no transaction holds SQLite's write lock for long."""


@frozen(kw_only=True)
class ImportedBatch:
    """What an import wrote: the batch, where its rows came from and the cases, in file order.
    The rows themselves are in the store (``store.ledger_rows(case_ids)``)."""

    batch: str
    source: str
    case_ids: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.case_ids)


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
    resume: str = "",
) -> ImportedBatch:
    """Import a ledger file into ``store`` as one batch. Only an administrator imports; every
    row passes the input rules commands pass (``context``: the county's policy and today); the
    rows count in evaluations and subsidies once another administrator approves the batch
    (:func:`approve_import`). ``refused`` records each refusal (the access log).

    Two passes over the file, each reading it as it goes: the first checks every row and
    writes nothing (every problem, up to :data:`~mediation_core.exports.ledger.MAX_PROBLEMS`,
    is reported at once); the second writes the batch's record first (naming every case, so
    none of them counts anywhere a batch must be approved), then the rows,
    :data:`IMPORT_CHUNK` to a transaction, then marks the batch complete. A batch interrupted
    mid-way stays incomplete: it cannot be approved, and importing the same file with
    ``resume=<batch>`` writes the rows still missing and completes it."""
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
    resumed = _resumed_batch(store, resume, actor) if resume else None
    names = shown_names(registry)

    def rows() -> Iterator[ParsedRow]:
        raw = _read(reader, data, fmt)
        parsed = parse_rows(raw.headers, raw.rows, categories, first_row=raw.first_row, names=names)
        return _reading(parsed, fmt)

    origin = (
        resumed.body["source"] if resumed is not None else source or f"sha256:{hashlib.sha256(data).hexdigest()[:16]}"
    )
    case_ids = _check(
        store,
        rows(),
        actor,
        registry=registry,
        context=context,
        refused=refused,
        resumed=frozenset(resumed.body["case_ids"]) if resumed is not None else frozenset(),
    )
    if not case_ids:  # a file of headers only: nothing to write, no batch
        return ImportedBatch(batch="", source=origin, case_ids=())
    if resumed is not None:
        if tuple(resumed.body["case_ids"]) != case_ids:
            msg = f"the file does not hold the cases of batch {resume}: import the file that batch was started from"
            raise CommandFormatError([f"{msg} @ resume"])
        batch = resume
    else:
        batch = batch_id_of(origin, case_ids, actor, now)
        _start_batch(store, batch, origin, case_ids, actor, now=now, key=key)
    written = (found for found in rows() if found.row is not None)
    _write_chunks(store, written, batch, actor, source=origin, now=now, key=key)
    _complete_batch(store, batch, actor, now=now, key=key)
    return ImportedBatch(batch=batch, source=origin, case_ids=case_ids)


def _read(reader: LedgerReader, data: bytes, fmt: str) -> RawTable:
    try:
        return reader.read(data)
    except (LedgerFileError, LedgerImportError):
        raise
    except (ValueError, KeyError, TypeError, IndexError, RecursionError, OSError) as exc:
        raise LedgerFileError(
            f"无法作为 {fmt} 文件读取", f"it cannot be read as a {fmt} file ({type(exc).__name__})"
        ) from exc


def _reading(parsed: Iterator[ParsedRow], fmt: str) -> Iterator[ParsedRow]:
    """The rows as a reader yields them, its failures while reading said as a file's; at most
    :data:`MAX_ROWS` of them."""
    count = 0
    try:
        for found in parsed:
            count += 1
            if count > MAX_ROWS:
                raise LedgerFileError(f"超过 {MAX_ROWS} 行", f"more than {MAX_ROWS} rows")
            yield found
    except (LedgerFileError, LedgerImportError):
        raise
    except (ValueError, KeyError, TypeError, IndexError, RecursionError, OSError) as exc:
        raise LedgerFileError(
            f"无法作为 {fmt} 文件读取", f"it cannot be read as a {fmt} file ({type(exc).__name__})"
        ) from exc


def _check(
    store: Store,
    rows: Iterator[ParsedRow],
    actor: Actor,
    *,
    registry: Registry,
    context: DecisionContext,
    refused: Callable[[AuthorisationError], None],
    resumed: frozenset[str],
) -> tuple[str, ...]:
    """The first pass: every row checked, nothing written; the case ids in file order, or
    :class:`LedgerImportError` with every problem (up to ``MAX_PROBLEMS``; the file is still
    read to its end, so a file over ``MAX_ROWS`` rows is said to be one)."""
    numbers = {r.number: r.case_id for r in store.ledger() if r.number}
    numbers_seen: dict[str, int] = {}
    problems: list[ImportProblem] = []
    case_ids: list[str] = []
    waiting: list[tuple[LedgerRow, int]] = []
    room_header = LEDGER_HEADERS_ZH["room_id"]
    refused_rooms: set[str] = set()

    def in_system(batch: Sequence[tuple[LedgerRow, int]]) -> None:
        """Case ids already in the store (those of the batch being resumed aside)."""
        taken = {r.case_id for r in store.ledger_rows([row.case_id for row, _ in batch])} - resumed
        problems.extend(_already_there(row.case_id, line) for row, line in batch if row.case_id in taken)

    for found in rows:
        if len(problems) >= MAX_PROBLEMS:
            continue  # read on to the end (a file over the row limit says so), checking no more
        problems.extend(found.problems)
        row = found.row
        if row is None:
            continue
        case_ids.append(row.case_id)
        problems.extend(
            row_input_problems(row, found.line, context, numbers_in_store=numbers, numbers_seen=numbers_seen)
        )
        room = registry.org(row.room_id)
        if room is None or room.kind is not OrgKind.MEDIATION_ROOM:
            problems.append(
                ImportProblem(
                    row=found.line,
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
            if row.room_id not in refused_rooms:  # one refusal per room in the access log
                refused_rooms.add(row.room_id)
                refused(refusal)
            problems.append(
                ImportProblem(
                    row=found.line,
                    column=room_header,
                    value=row.room_id,
                    message_zh="无权导入该调解室的案件",
                    message_en="the importer may not write cases of this room",
                )
            )
            continue
        waiting.append((row, found.line))
        if len(waiting) >= IMPORT_CHUNK:
            in_system(waiting)
            waiting.clear()
    if waiting:
        in_system(waiting)
    if problems:
        raise LedgerImportError(
            sorted(problems[:MAX_PROBLEMS], key=lambda p: p.row), more=len(problems) >= MAX_PROBLEMS
        )
    return tuple(case_ids)


def _already_there(case_id: str, line: int) -> ImportProblem:
    return ImportProblem(
        row=line,
        column=LEDGER_HEADERS_ZH["case_id"],
        value=case_id,
        message_zh="该案件已在系统中",
        message_en="this case is already in the system",
    )


MAX_SOURCE = 200
"""A batch's source (a file name, or what the importer says the rows came from) is one line."""


def batch_id_of(source: str, case_ids: Sequence[str], actor: Actor, now: dt.datetime) -> str:
    """The id of an import batch: a digest of what, by whom and when (never a case's id)."""
    seed = "\n".join([source, str(actor), now.isoformat(), *case_ids])
    return f"ledger-import-{hashlib.sha256(seed.encode()).hexdigest()[:16]}"


def _batch_document(
    batch: str, source: str, case_ids: Sequence[str], imported: Actor, at: dt.datetime, *, complete: bool
) -> Document:
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
            "complete": complete,
        },
        tags={"approved": "no", "imported_by": imported.actor_id, "complete": "yes" if complete else "no"},
    )


def _start_batch(
    store: Store,
    batch: str,
    source: str,
    case_ids: Sequence[str],
    actor: Actor,
    *,
    now: dt.datetime,
    key: SealKey | None,
) -> None:
    """The batch's record, before any of its rows: every case it will hold is named, so each
    row is held back from evaluations and subsidies from the moment it lands."""
    recorded = LedgerImportRecorded(batch=batch, source=source, case_ids=tuple(case_ids))
    with store.transaction() as tx:
        tx.append(
            Append(
                stream_id=batch,
                expected_version=0,
                records=seal(batch, [recorded], after=[], recorded_at=now, actor=actor, key=key),
                row=None,
                deadlines=(),
                notices=(),
                created_at=now,
                documents=(_batch_document(batch, source, case_ids, actor, now, complete=False),),
            )
        )
        tx.commit()


def _write_chunks(
    store: Store,
    found: Iterator[ParsedRow],
    batch: str,
    actor: Actor,
    *,
    source: str,
    now: dt.datetime,
    key: SealKey | None,
) -> None:
    """The rows, :data:`IMPORT_CHUNK` to a transaction, each as its own stream; a row whose
    stream is this batch's already (a resumed import) is skipped, one whose id another record
    took meanwhile stops the import there (:class:`LedgerImportError`, the batch incomplete)."""
    chunk: list[ParsedRow] = []
    for item in found:
        chunk.append(item)
        if len(chunk) >= IMPORT_CHUNK:
            write_rows(store, chunk, actor, batch=batch, source=source, now=now, key=key)
            chunk = []
    if chunk:
        write_rows(store, chunk, actor, batch=batch, source=source, now=now, key=key)


def write_rows(
    store: Store,
    rows: Sequence[ParsedRow],
    actor: Actor,
    *,
    batch: str,
    source: str,
    now: dt.datetime,
    key: SealKey | None = None,
) -> None:
    """Store imported rows of ``batch`` in one transaction, each as its own stream."""
    problems = []
    with store.transaction() as tx:
        for found in rows:
            row, line = found.row, found.line
            assert row is not None
            existing = tx.read(row.case_id)
            if existing:
                first = existing[0]
                if first.event_type == LedgerRowImported.EVENT_TYPE and first.body.get("batch") == batch:
                    continue  # written before the batch was interrupted
                problems.append(_already_there(row.case_id, line))
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
                problems.append(_already_there(row.case_id, line))
        if problems:
            raise LedgerImportError(problems, incomplete=batch)
        tx.commit()


def _complete_batch(store: Store, batch: str, actor: Actor, *, now: dt.datetime, key: SealKey | None) -> None:
    """Mark the batch complete: the last of its rows is in; a second administrator may approve it."""
    found = store.document(IMPORT_BATCH_DOCUMENT, batch)
    assert found is not None
    with store.transaction() as tx:
        history = tx.read(batch)
        completed = Document(
            kind=found.kind,
            key=found.key,
            body={**found.body, "complete": True},
            tags={**found.tags, "complete": "yes"},
        )
        records = seal(
            batch,
            [LedgerImportCompleted(batch=batch, rows=len(found.body["case_ids"]))],
            after=history,
            recorded_at=now,
            actor=actor,
            key=key,
        )
        tx.append(
            Append(
                stream_id=batch,
                expected_version=len(history),
                records=records,
                row=None,
                deadlines=(),
                notices=(),
                created_at=now,
                documents=(completed,),
            )
        )
        tx.commit()


def _resumed_batch(store: Store, batch: str, actor: Actor) -> Document:
    """The incomplete batch ``batch`` an import resumes (only its own importer resumes it)."""
    found = store.document(IMPORT_BATCH_DOCUMENT, batch)
    if found is None:
        msg = f"no ledger import batch {batch!r}"
        raise NotFoundError(msg)
    if is_complete(found):
        msg = f"batch {batch} is complete: there is nothing to resume"
        raise CommandFormatError([f"{msg} @ resume"])
    if found.tags.get("imported_by") != actor.actor_id:
        msg = f"batch {batch} was imported by another administrator, who resumes it"
        raise AuthorisationError(msg, actor=actor, action="import_ledger", target=batch)
    return found


def is_complete(batch: Document) -> bool:
    """True once every row of the batch is written (a batch from before rows were written in
    chunks was written whole, in one transaction, and has no flag: complete)."""
    return bool(batch.body.get("complete", True))


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
    if not is_complete(found):
        msg = (
            f"batch {batch} is incomplete (its import was interrupted): its importer resumes it "
            f"(mediation import FILE --resume {batch}) before it can be approved"
        )
        raise CommandFormatError([f"{msg} @ batch"])
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
