"""Anchors: a signed manifest of every stream's head, exported and later checked.

A seal key stops a database user from rewriting a chain, but not whoever holds the key. An
anchor taken out of the system (printed, mailed to the supervising office, kept on write-once
media) pins every stream's version and seal at that moment: a later check finds a stream
deleted, cut short or rewritten before that version, whoever did it. It is signed with the
deployment's anchor key (stdlib HMAC, never the seal key: see docs/security.md), so the
manifest itself cannot be altered to match a rewritten store without that second key.
Re-sealings the retention log records (an anonymisation, a new seal key) legitimately
change old seals; the check accepts them when the log holds them and reports them as notes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from attrs import frozen

from mediation_core.app.integrity import Finding, FindingKind
from mediation_core.app.ports import Store
from mediation_core.app.runtime import event_of
from mediation_core.domain.values.access import RETENTION_LOG_PREFIX, ChainRekeyed, ChainResealed
from mediation_core.records import SealKey, canonical_json
from mediation_core.serialization import unstructure

FORMAT = "mediation-anchor/1"


class AnchorError(ValueError):
    """The file is not an anchor manifest this version can read."""


@frozen(kw_only=True)
class Head:
    stream_id: str
    version: int
    seal: str


def manifest(store: Store, key: SealKey, now: dt.datetime) -> dict[str, Any]:
    """Every stream's head (id, version, seal), signed with ``key``."""
    heads = []
    for stream_id in store.stream_ids():
        records = store.read(stream_id)
        if records:
            heads.append({"stream_id": stream_id, "version": records[-1].version, "seal": records[-1].hash})
    unsigned = {
        "format": FORMAT,
        "created_at": now.astimezone(dt.UTC).isoformat(),
        "key_id": key.key_id,
        "algorithm": key.algorithm,
        "streams": heads,
        "registry": registry_digests(store),
    }
    return {**unsigned, "signature": key.mac(canonical_json(unsigned).encode())}


def check(store: Store, data: Mapping[str, Any], keys: Mapping[str, SealKey]) -> tuple[list[Finding], list[str]]:
    """What differs between ``store`` and the anchor ``data`` (findings), and the recorded
    re-sealings that explain a changed seal (notes). An anchor whose signature does not hold
    under the anchor key it names is one finding and nothing else is checked."""
    if data.get("format") != FORMAT or not isinstance(data.get("streams"), list):
        msg = f"not an anchor manifest ({FORMAT})"
        raise AnchorError(msg)
    unsigned = {k: v for k, v in data.items() if k != "signature"}
    key = keys.get(str(data.get("key_id", "")))
    if key is None:
        detail = f"signed with anchor key {data.get('key_id')!r}, which is not configured"
        return [Finding(kind=FindingKind.ANCHOR_INVALID, stream_id="anchor", detail=detail)], []
    expected = key.mac(canonical_json(unsigned).encode())
    if key.algorithm != data.get("algorithm") or not hmac.compare_digest(expected, str(data.get("signature", ""))):
        detail = "the signature does not match the manifest (altered, or signed with another key)"
        return [Finding(kind=FindingKind.ANCHOR_INVALID, stream_id="anchor", detail=detail)], []
    since = dt.datetime.fromisoformat(str(data["created_at"]))
    resealed = _resealed_since(store, since)
    findings: list[Finding] = []
    notes: list[str] = []
    for item in data["streams"]:
        head = Head(stream_id=str(item["stream_id"]), version=int(item["version"]), seal=str(item["seal"]))
        records = store.read(head.stream_id)
        if len(records) < head.version:
            detail = "the stream is gone" if not records else f"the stream ends at version {len(records)}, anchored at"
            if records:
                detail += f" {head.version}"
            findings.append(
                Finding(kind=FindingKind.STREAM_MISSING, stream_id=head.stream_id, version=head.version, detail=detail)
            )
            continue
        if records[head.version - 1].hash == head.seal:
            continue
        if head.stream_id in resealed:
            notes.append(f"{head.stream_id}: re-sealed since the anchor ({resealed[head.stream_id]})")
            continue
        findings.append(
            Finding(
                kind=FindingKind.ANCHOR_DIFFERS,
                stream_id=head.stream_id,
                version=head.version,
                detail="its seal at the anchored version is not the anchored one (rewritten)",
            )
        )
    anchored = data.get("registry", {})
    current = registry_digests(store)
    for record_id in sorted(anchored.keys() | current.keys()):
        if anchored.get(record_id) != current.get(record_id):
            change = "added" if record_id not in anchored else "removed" if record_id not in current else "changed"
            findings.append(
                Finding(
                    kind=FindingKind.REGISTRY_DIFFERS,
                    stream_id=record_id,
                    detail=f"{change} since the anchor (register again and export a new anchor if it was meant)",
                )
            )
    return findings, notes


def registry_digests(store: Store) -> dict[str, str]:
    """A SHA-256 digest of every organisation, mediator and liaison, by section and id (the
    manifest is signed, so a plain digest suffices)."""
    registry = store.registry()
    out = {}
    for section in ("organisations", "mediators", "liaisons"):
        for record_id, item in getattr(registry, section).items():
            text = canonical_json(unstructure(item))
            out[f"{section}:{record_id}"] = hashlib.sha256(text.encode()).hexdigest()
    return out


def _resealed_since(store: Store, since: dt.datetime) -> dict[str, str]:
    """Streams the retention log's (sealed) records say were re-sealed after ``since``, and why;
    its documents, which are not sealed, are not trusted for this."""
    out = {}
    for stream_id in store.stream_ids():
        if not stream_id.startswith(RETENTION_LOG_PREFIX):
            continue
        for r in store.read(stream_id):
            if r.recorded_at < since:
                continue
            event = event_of(r)
            if isinstance(event, ChainResealed):
                out[event.case_id] = "parties anonymised"
            elif isinstance(event, ChainRekeyed):
                out[event.stream_id] = f"sealed again with key {event.key_id}"
    return out
