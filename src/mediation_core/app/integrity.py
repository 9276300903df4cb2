"""Checking a store as a whole: the seals, and (``deep``) everything derived from the streams.

A seal protects a stream's own records; what the streams project (ledger rows, statistics
cells, deadlines, documents), the notices they raised and the case numbers they were given
live in other tables, which a person with database access can change without touching a
seal. :func:`deep_findings` replays every stream and compares: each difference is a
:class:`Finding` naming its kind, stream and version. An anchor (:mod:`.anchors`) adds what
the store alone cannot tell: a stream deleted whole, or history rewritten by a key holder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
from attrs import frozen

from mediation_core.app import snapshots
from mediation_core.app.access import _document as denial_document
from mediation_core.app.aggregates import AggregateType
from mediation_core.app.catalogue import BY_NAME, READERS
from mediation_core.app.ports import Document, Store, recorded_streams
from mediation_core.app.runtime import event_of, masked_notice
from mediation_core.domain.case.agreements import EvidenceKind, SignatoryKind, Signature
from mediation_core.domain.case.events import AgreementSigned
from mediation_core.domain.reporting.imports import LedgerRowImported
from mediation_core.domain.reporting.ledger import LedgerRow
from mediation_core.domain.reporting.rollups import CellKey, add, contributions
from mediation_core.domain.reporting.statistics import Tally
from mediation_core.domain.values.access import (
    ACCESS_LOG_PREFIX,
    DENIAL_DOCUMENT,
    REKEY_DOCUMENT,
    RESEAL_DOCUMENT,
    RETENTION_LOG_PREFIX,
    AccessDenied,
    ChainRekeyed,
    ChainResealed,
)
from mediation_core.domain.values.calendar import local_date
from mediation_core.domain.values.digests import DigestAlgorithm, digest_of
from mediation_core.domain.values.notices import NoticeKind
from mediation_core.records import ChainBreak, RecordedEvent
from mediation_core.serialization import event_body

if TYPE_CHECKING:
    from mediation_core.app.runtime import ServiceBase


class FindingKind(enum.Enum):
    """What a finding is about; the value is the code ``verify --json`` prints."""

    CHAIN_BROKEN = "chain_broken"
    PROJECTION_DIFFERS = "projection_differs"
    LEDGER_ROW_DIFFERS = "ledger_row_differs"
    STATISTICS_CELL_DIFFERS = "statistics_cell_differs"
    CASE_NUMBER_GAP = "case_number_gap"
    ACCESS_LOG_DAY_MISSING = "access_log_day_missing"
    OUTBOX_WITHOUT_EVENT = "outbox_without_event"
    EVENT_WITHOUT_OUTBOX = "event_without_outbox"
    DOCUMENT_DIFFERS = "document_differs"
    SNAPSHOT_DIFFERS = "snapshot_differs"
    REGISTRY_DIFFERS = "registry_differs"
    STREAM_MISSING = "stream_missing"
    ANCHOR_DIFFERS = "anchor_differs"
    ANCHOR_INVALID = "anchor_invalid"
    SIGNATURE_EVIDENCE_INCOMPLETE = "signature_evidence_incomplete"


TITLES: Mapping[FindingKind, tuple[str, str]] = {
    FindingKind.CHAIN_BROKEN: ("封存链断裂", "seal chain broken"),
    FindingKind.PROJECTION_DIFFERS: ("投影与事件不符", "projection differs from its events"),
    FindingKind.LEDGER_ROW_DIFFERS: ("台账行与事件不符", "ledger row differs from its events"),
    FindingKind.STATISTICS_CELL_DIFFERS: ("统计单元与台账不符", "statistics cell differs from the ledger"),
    FindingKind.CASE_NUMBER_GAP: ("案号缺号", "case-number gap"),
    FindingKind.ACCESS_LOG_DAY_MISSING: ("访问日志缺失", "access-log day missing"),
    FindingKind.OUTBOX_WITHOUT_EVENT: ("通知无对应事件", "outbox row without its event"),
    FindingKind.EVENT_WITHOUT_OUTBOX: ("事件缺少通知", "event without its outbox row"),
    FindingKind.DOCUMENT_DIFFERS: ("文档与事件不符", "document differs from its events"),
    FindingKind.SNAPSHOT_DIFFERS: ("状态快照与事件不符", "snapshot differs from its events"),
    FindingKind.REGISTRY_DIFFERS: ("组织名录与记录不符", "registry differs from its records"),
    FindingKind.STREAM_MISSING: ("记录流缺失", "stream missing"),
    FindingKind.ANCHOR_DIFFERS: ("与锚定清单不符", "differs from the anchor"),
    FindingKind.ANCHOR_INVALID: ("锚定清单无效", "anchor invalid"),
    FindingKind.SIGNATURE_EVIDENCE_INCOMPLETE: ("签章凭证不全", "signature evidence incomplete"),
}


@frozen(kw_only=True)
class Finding:
    """One thing verification found: its kind, the stream (or table) and version it is
    about (0 when it is about no single record) and what differs."""

    kind: FindingKind
    stream_id: str
    version: int = 0
    detail: str = ""

    @property
    def title_zh(self) -> str:
        return TITLES[self.kind][0]

    @property
    def title_en(self) -> str:
        return TITLES[self.kind][1]

    def __str__(self) -> str:
        where = f"{self.stream_id}#{self.version}" if self.version else self.stream_id
        return f"{self.title_zh} ({self.kind.value}) {where}: {self.detail}"

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.kind.value,
            "stream_id": self.stream_id,
            "version": self.version,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "detail": self.detail,
        }


def chain_finding(b: ChainBreak) -> Finding:
    return Finding(kind=FindingKind.CHAIN_BROKEN, stream_id=b.stream_id, version=b.position, detail=b.reason)


SWEEP_KINDS = frozenset({NoticeKind.DEADLINE_DUE, NoticeKind.DEADLINE_OVERDUE})
"""Reminders the deadline sweep adds (from stored deadlines, not from an event)."""


def deep_findings(service: ServiceBase) -> list[Finding]:
    """Everything :meth:`Store.verify` finds, and every derived table compared with what the
    streams replay to: ledger rows, open deadlines and documents (each stream's projection),
    snapshots (each the fold of its stream up to its version),
    statistics cells (recomputed from the ledger), case numbers (gap-free per room and year),
    the access log (each refusal's document and its record) and the outbox (each notice
    against the events that raise one)."""
    store = service.store
    findings = [chain_finding(b) for b in store.verify(service.seal_keys)]
    context = service.context(service.clock())
    reading = service.reading()
    streams: set[str] = set()
    raised: dict[str, str] = {}  # notice key → stream
    expected_docs: dict[tuple[str, str], Document] = {}
    deadlines: dict[str, set[Any]] = {}
    for stream_id, deadline in store.deadlines_due(dt.date.max):
        deadlines.setdefault(stream_id, set()).add(deadline)
    for stream_id in recorded_streams(store):
        streams.add(stream_id)
        records = store.read(stream_id)
        if not records:
            findings.append(Finding(kind=FindingKind.STREAM_MISSING, stream_id=stream_id, detail="no events"))
            continue
        try:
            findings += _replayed(service, stream_id, records, context, reading, raised, expected_docs, deadlines)
        except Exception as exc:  # noqa: BLE001 - a stream that does not replay is itself the finding
            findings.append(
                Finding(kind=FindingKind.PROJECTION_DIFFERS, stream_id=stream_id, detail=f"does not replay: {exc}")
            )
    findings += _documents(store, expected_docs, {*READERS, *(kind for kind, _ in expected_docs)})
    findings += _ledger_without_stream(store.ledger(), streams)
    findings += _statistics(store)
    findings += _numbers(store.ledger(), service)
    findings += _outbox(store, raised, streams)
    findings += _registry(store)
    return findings


def _registry(store: Store) -> list[Finding]:
    """Every room a ledger row names is in the registry (the registry
    has no stream of its own: a change since an anchor is what :mod:`.anchors` reports)."""
    registry = store.registry()
    missing = sorted({row.room_id for row in store.ledger()} - set(registry.organisations))
    return [
        Finding(
            kind=FindingKind.REGISTRY_DIFFERS,
            stream_id=room_id,
            detail="a room the ledger names is not in the registry",
        )
        for room_id in missing
    ]


def _replayed(  # noqa: PLR0917 - the walk's accumulators, passed on purpose
    service: ServiceBase,
    stream_id: str,
    records: Sequence[RecordedEvent],
    context: Any,
    reading: Any,
    raised: dict[str, str],
    expected_docs: dict[tuple[str, str], Document],
    deadlines: Mapping[str, set[Any]],
) -> list[Finding]:
    store = service.store
    prefix = records[0].event_type.split(".", 1)[0]
    if stream_id.startswith((ACCESS_LOG_PREFIX, RETENTION_LOG_PREFIX)):
        for r in records:
            doc = log_document(stream_id, r)
            if doc is not None:
                expected_docs[(doc.kind, doc.key)] = doc
        return []
    aggregate = BY_NAME.get(prefix)
    if aggregate is None:
        if records[0].event_type == LedgerRowImported.EVENT_TYPE:
            imported = event_of(records[0])
            assert isinstance(imported, LedgerRowImported)
            return _row_finding(stream_id, len(records), store.ledger_row(stream_id), imported.row)
        return []
    events = [event_of(r) for r in records]
    findings: list[Finding] = []
    for step in _steps(records):
        state = aggregate.replay(stream_id, events[: step[-1].version])
        for r in step:
            for n in service.plugins.notices(event=r, state=state):
                raised[masked_notice(n).key] = stream_id
    findings += _snapshot(store, aggregate, stream_id, records, events)
    state = aggregate.replay(stream_id, events)
    projection = aggregate.project(state, context, reading)
    if projection.row is not None or store.ledger_row(stream_id) is not None:
        findings += _row_finding(stream_id, len(records), store.ledger_row(stream_id), projection.row)
    if set(projection.deadlines) != deadlines.get(stream_id, set()):
        findings.append(
            Finding(
                kind=FindingKind.PROJECTION_DIFFERS,
                stream_id=stream_id,
                version=len(records),
                detail="the open deadlines differ from the stream's",
            )
        )
    for doc in projection.documents:
        expected_docs[(doc.kind, doc.key)] = doc
    findings += evidence_findings(stream_id, records, events)
    return findings


def evidence_findings(stream_id: str, records: Sequence[RecordedEvent], events: Sequence[object]) -> list[Finding]:
    """Every recorded electronic signature or seal names its certificate or seal id and the
    signed file's well-formed digest (电子签名法（2019年修正） 第13条): the rule checks it on the
    way in; this finds a record that came in another way (an import, an older version)."""
    findings = []
    for r, e in zip(records, events, strict=True):
        if not isinstance(e, AgreementSigned) or e.signature.evidence is None:
            continue
        evidence = e.signature.evidence
        missing = []
        if evidence.kind.electronic and not evidence.certificate.strip():
            missing.append("certificate or seal id")
        if evidence.kind.electronic and evidence.signed_file is None:
            missing.append("signed file digest")
        if evidence.signed_file is not None and evidence.signed_file.problem() is not None:
            missing.append("a well-formed signed file digest")
        if missing:
            findings.append(
                Finding(
                    kind=FindingKind.SIGNATURE_EVIDENCE_INCOMPLETE,
                    stream_id=stream_id,
                    version=r.version,
                    detail=f"{evidence.kind.value} of {e.signature.signer_id or e.signature.kind.value} "
                    f"lacks: {', '.join(missing)}",
                )
            )
    return findings


def _snapshot(
    store: Store, aggregate: AggregateType, stream_id: str, records: Sequence[RecordedEvent], events: Sequence[Any]
) -> list[Finding]:
    """The stream's snapshot, if the service would use it (current schema, its record's seal),
    against the fold of the records up to its version: one changed in the database with its
    seal kept would otherwise be decided on."""
    with store.transaction() as tx:
        snapshot, _ = tx.read_with_snapshot(stream_id, snapshots.schema_of(aggregate))
    if snapshot is None or not 0 < snapshot.version <= len(records):
        return []
    if records[snapshot.version - 1].hash != snapshot.hash:
        return []
    stored = snapshots.decode(aggregate, snapshot)
    if stored is None or stored == aggregate.replay(stream_id, events[: snapshot.version]):
        return []
    detail = "the stored state is not the fold of the stream's records up to its version"
    return [Finding(kind=FindingKind.SNAPSHOT_DIFFERS, stream_id=stream_id, version=snapshot.version, detail=detail)]


def log_document(stream_id: str, r: RecordedEvent) -> Document | None:
    """The document the access or retention log keeps beside its record ``r`` (as
    :mod:`.access`, :mod:`.retention` and :mod:`.rekeying` write it)."""
    event = event_of(r)
    if isinstance(event, AccessDenied):
        return denial_document(r.version, stream_id, r.recorded_at, event)
    day = local_date(r.recorded_at)
    at = r.recorded_at.astimezone(dt.UTC).isoformat()
    dated = {"day": day.isoformat(), "month": f"{day:%Y-%m}"}
    key = f"{day.isoformat()}:{r.version:08d}"
    if isinstance(event, ChainResealed):
        body = {**event_body(event), "at": at, "stream_id": stream_id, "version": r.version}
        return Document(kind=RESEAL_DOCUMENT, key=key, body=body, tags={"case_id": event.case_id, **dated})
    if isinstance(event, ChainRekeyed):
        body = {**event_body(event), "at": at, "log_stream_id": stream_id, "version": r.version}
        return Document(kind=REKEY_DOCUMENT, key=key, body=body, tags={"stream_id": event.stream_id, **dated})
    return None


def _steps(records: Sequence[RecordedEvent]) -> list[list[RecordedEvent]]:
    """The records grouped by the command that appended them (same time and actor)."""
    steps: list[list[RecordedEvent]] = []
    for r in records:
        if steps and (steps[-1][-1].recorded_at, steps[-1][-1].actor) == (r.recorded_at, r.actor):
            steps[-1].append(r)
        else:
            steps.append([r])
    return steps


def _row_finding(stream_id: str, version: int, stored: LedgerRow | None, expected: LedgerRow | None) -> list[Finding]:
    if stored == expected:
        return []
    if stored is None or expected is None:
        detail = "ledger row missing" if stored is None else "a ledger row the stream does not project"
    else:
        changed = [a.name for a in attrs.fields(LedgerRow) if getattr(stored, a.name) != getattr(expected, a.name)]
        detail = f"columns differ: {', '.join(changed)}"
    return [Finding(kind=FindingKind.LEDGER_ROW_DIFFERS, stream_id=stream_id, version=version, detail=detail)]


def _documents(store: Store, expected: Mapping[tuple[str, str], Document], kinds: Iterable[str]) -> list[Finding]:
    findings = []
    for (kind, key), doc in sorted(expected.items()):
        stored = store.document(kind, key)
        if stored is None:
            found = Finding(kind=FindingKind.DOCUMENT_DIFFERS, stream_id=kind, detail=f"document {key} missing")
            findings.append(found)
        elif (dict(stored.body), dict(stored.tags)) != (dict(doc.body), dict(doc.tags)):
            findings.append(
                Finding(kind=FindingKind.DOCUMENT_DIFFERS, stream_id=kind, detail=f"document {key} differs")
            )
    for kind in sorted({*kinds, DENIAL_DOCUMENT, RESEAL_DOCUMENT, REKEY_DOCUMENT}):
        for doc in store.documents(kind):
            if (kind, doc.key) in expected:
                continue
            if kind == DENIAL_DOCUMENT:
                stream_id = str(doc.body.get("stream_id", ""))
                findings.append(
                    Finding(
                        kind=FindingKind.ACCESS_LOG_DAY_MISSING,
                        stream_id=stream_id,
                        version=int(doc.body.get("version", 0)),
                        detail=f"refusal {doc.key} is listed but its record is not in the store",
                    )
                )
            else:
                findings.append(
                    Finding(
                        kind=FindingKind.STREAM_MISSING,
                        stream_id=kind,
                        detail=f"document {doc.key} has no stream that projects it",
                    )
                )
    return findings


def _ledger_without_stream(rows: Iterable[LedgerRow], streams: set[str]) -> list[Finding]:
    return [
        Finding(kind=FindingKind.STREAM_MISSING, stream_id=row.case_id, detail="a ledger row without its stream")
        for row in rows
        if row.case_id not in streams
    ]


def _statistics(store: Store) -> list[Finding]:
    cells: dict[CellKey, Tally] = {}
    for row in store.ledger():
        add(cells, contributions(row))
    stored = {
        CellKey(c.room_id, c.month, c.axis, c.value, c.figure): (c.cases, c.persons, c.amount)
        for c in store.rollups()
        if c.cases or c.persons or c.amount
    }
    expected = {key: (t.cases, t.persons, t.amount) for key, t in cells.items()}
    findings = []
    for key in sorted(stored.keys() | expected.keys()):
        if stored.get(key) != expected.get(key):
            findings.append(
                Finding(
                    kind=FindingKind.STATISTICS_CELL_DIFFERS,
                    stream_id=f"statistics:{key.room_id}:{key.month}",
                    detail=(
                        f"{key.axis}={key.value} {key.figure}: stored {stored.get(key, (0, 0, 0))}, "
                        f"the ledger gives {expected.get(key, (0, 0, 0))} (cases, persons, amount)"
                    ),
                )
            )
    return findings


def number_pattern(template: str) -> re.Pattern[str]:
    """A case-number template (``（{year}）{room_code}人调字第{seq:03d}号``) as a regex with the
    groups ``year``, ``room`` and ``seq``."""
    out, pos = "", 0
    for m in re.finditer(r"\{(\w+)(?::[^}]*)?\}", template):
        out += re.escape(template[pos : m.start()])
        out += {"year": r"(?P<year>\d{4})", "seq": r"(?P<seq>\d+)", "room_code": r"(?P<room>.*?)"}.get(
            m.group(1), r".*?"
        )
        pos = m.end()
    return re.compile(out + re.escape(template[pos:]) + r"\Z")


def _numbers(rows: Iterable[LedgerRow], service: ServiceBase) -> list[Finding]:
    """Case numbers gap-free per room and year: every number below the highest is given."""
    pattern = number_pattern(service.policy.case_number_format)
    seen: dict[tuple[str, str], set[int]] = {}
    for row in rows:
        m = pattern.match(row.number or "")
        if m is None:
            continue
        year = m.groupdict().get("year") or ""
        seen.setdefault((row.room_id, year), set()).add(int(m.group("seq")))
    findings = []
    for (room_id, year), numbers in sorted(seen.items()):
        missing = sorted(set(range(1, max(numbers) + 1)) - numbers)
        if missing:
            shown = ", ".join(map(str, missing[:20])) + (" …" if len(missing) > 20 else "")
            findings.append(
                Finding(
                    kind=FindingKind.CASE_NUMBER_GAP,
                    stream_id=f"numbers:{room_id}:{year}",
                    detail=f"no case holds number(s) {shown} of {max(numbers)}",
                )
            )
    return findings


def _outbox(store: Store, raised: Mapping[str, str], streams: set[str]) -> list[Finding]:
    findings = []
    held = set()
    for entry in store.outbox():
        notice = entry.notice
        held.add(notice.key)
        if notice.key in raised:
            continue
        if notice.kind in SWEEP_KINDS and (not notice.case_id or notice.case_id in streams):
            continue
        findings.append(
            Finding(
                kind=FindingKind.OUTBOX_WITHOUT_EVENT,
                stream_id=notice.case_id or "outbox",
                detail=f"notice {notice.key} ({notice.kind.value}) was raised by no stored event",
            )
        )
    for key, stream_id in sorted(raised.items()):
        if key not in held:
            findings.append(
                Finding(
                    kind=FindingKind.EVENT_WITHOUT_OUTBOX,
                    stream_id=stream_id,
                    detail=f"notice {key} raised by the stream is not in the outbox",
                )
            )
    return findings


@frozen(kw_only=True)
class SignedFileMatch:
    """A mark whose recorded signed-file digest is the presented file's."""

    signatory: SignatoryKind
    signer_id: str
    evidence: EvidenceKind
    certificate: str
    algorithm: DigestAlgorithm


@frozen(kw_only=True)
class SignedFileCheck:
    """A presented file against a case's signature evidence: its SHA-256 (and SM3 where this
    Python's OpenSSL offers it), how many marks record a signed-file digest, and which match."""

    case_id: str
    sha256: str
    sm3: str | None
    recorded: int
    matches: tuple[SignedFileMatch, ...]

    @property
    def ok(self) -> bool:
        """The file is one the case file says was signed."""
        return bool(self.matches)


def signed_file_check(case_id: str, signatures: Iterable[Signature], data: bytes) -> SignedFileCheck:
    """Which of ``signatures`` recorded ``data`` as the file they signed."""
    digests = {DigestAlgorithm.SHA256: digest_of(data, DigestAlgorithm.SHA256).hex}
    with contextlib.suppress(ValueError):  # an OpenSSL without SM3 checks SHA-256 digests only
        digests[DigestAlgorithm.SM3] = digest_of(data, DigestAlgorithm.SM3).hex
    recorded = [s for s in signatures if s.evidence is not None and s.evidence.signed_file is not None]
    matches = tuple(
        SignedFileMatch(
            signatory=s.kind,
            signer_id=s.signer_id,
            evidence=s.evidence.kind,
            certificate=s.evidence.certificate,
            algorithm=s.evidence.signed_file.algorithm,
        )
        for s in recorded
        if s.evidence is not None
        and s.evidence.signed_file is not None
        and digests.get(s.evidence.signed_file.algorithm) == s.evidence.signed_file.hex
    )
    return SignedFileCheck(
        case_id=case_id,
        sha256=digests[DigestAlgorithm.SHA256],
        sm3=digests.get(DigestAlgorithm.SM3),
        recorded=len(recorded),
        matches=matches,
    )
