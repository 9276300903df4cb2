"""Stored events: the envelope around an event body, and the hash chain over each stream.

Every stored event carries its stream id (a case id for a case), its gap-free version, when and by whom it was
recorded, and a seal over all of that plus the previous event's seal, so any edit,
deletion or reordering of a stored file is detectable (:func:`verify_stream`).

The seal is a keyed MAC (HMAC-SM3 by default, HMAC-SHA256 as an option) under a key kept
outside the database, named by the record's ``key_id`` so keys can rotate: without the key,
nobody can recompute a chain after rewriting it. Records written before keys were configured
carry no key id and a plain SHA-256 hash; a deployment with keys reports them until
``mediation seal-keys --reseal`` seals them again (docs/adr/0013-keyed-seals.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import field, frozen

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of every stream's first event."""


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC; naive datetimes are rejected, never guessed."""
    if moment.tzinfo is None:
        msg = "recorded_at must be timezone-aware"
        raise ValueError(msg)
    return moment.astimezone(dt.UTC)


@frozen(kw_only=True)
class RecordedEvent:
    """One stored event of a stream (a case, a referral, a meeting …)."""

    stream_id: str
    version: int
    event_type: str
    schema_version: int
    body: Mapping[str, Any]
    recorded_at: dt.datetime
    actor: str
    prev_hash: str
    hash: str
    key_id: str = ""
    """The seal key's id; empty for a record sealed before keys (a plain SHA-256 hash)."""


HMAC_SM3 = "hmac-sm3"
HMAC_SHA256 = "hmac-sha256"
SEAL_ALGORITHMS = {HMAC_SM3: "sm3", HMAC_SHA256: "sha256"}
"""The seal algorithms by name, and the ``hashlib`` digest each uses."""
DEFAULT_SEAL_ALGORITHM = HMAC_SM3
"""SM3 (GB/T 32905-2016) is the national hash a commercial-cryptography review (密评) expects."""
MIN_KEY_BYTES = 32


class SealKeyError(ValueError):
    """A seal key that cannot be used: unknown algorithm, one this Python's OpenSSL lacks,
    a blank id or a short secret."""


def digest_available(algorithm: str) -> bool:
    """Whether this Python (its OpenSSL) offers the digest of the seal ``algorithm``."""
    name = SEAL_ALGORITHMS.get(algorithm)
    if name is None:
        return False
    try:
        hashlib.new(name)
    except ValueError:
        return False
    return True


def _check_key(key: SealKey) -> None:
    if not key.key_id or not key.key_id.isprintable() or ":" in key.key_id or len(key.key_id) > 64:
        msg = f"seal key id {key.key_id!r}: 1 to 64 printable characters without ':' (密钥标识无效)"
        raise SealKeyError(msg)
    if key.algorithm not in SEAL_ALGORITHMS:
        known = ", ".join(SEAL_ALGORITHMS)
        msg = f"seal key {key.key_id}: algorithm {key.algorithm!r} is not one of {known} (算法不支持)"
        raise SealKeyError(msg)
    if not digest_available(key.algorithm):
        msg = (
            f"seal key {key.key_id}: {key.algorithm} needs the {SEAL_ALGORITHMS[key.algorithm]} digest, which this "
            f"Python's OpenSSL does not offer; install an OpenSSL with SM3 or configure algorithm = "
            f'"{HMAC_SHA256}" (本机 OpenSSL 不支持 SM3)'
        )
        raise SealKeyError(msg)
    if len(key.secret) < MIN_KEY_BYTES:
        msg = f"seal key {key.key_id}: the secret must be at least {MIN_KEY_BYTES} bytes (密钥长度不足)"
        raise SealKeyError(msg)


@frozen(kw_only=True)
class SealKey:
    """A secret that seals (or signs) records, with its id and algorithm. Kept outside the
    database: in a file or an environment variable the deployment reads at start."""

    key_id: str
    secret: bytes = field(repr=False)
    algorithm: str = DEFAULT_SEAL_ALGORITHM

    def __attrs_post_init__(self) -> None:
        _check_key(self)

    def mac(self, message: bytes) -> str:
        """The hex MAC of ``message`` under this key."""
        return hmac.new(self.secret, message, SEAL_ALGORITHMS[self.algorithm]).hexdigest()


@frozen(kw_only=True)
class SealKeys:
    """A deployment's seal keys: every key it verifies with (old ones kept after a rotation)
    and the ``current`` one it seals new records with. With no keys at all, records are
    sealed with a plain SHA-256 hash (a deployment that has not configured keys yet); with
    keys, such records are reported until they are sealed again."""

    keys: tuple[SealKey, ...] = ()
    current: str = ""

    def __attrs_post_init__(self) -> None:
        ids = [k.key_id for k in self.keys]
        if len(set(ids)) != len(ids):
            msg = f"seal keys: an id is used twice in {ids} (密钥标识重复)"
            raise SealKeyError(msg)
        if self.keys and self.current not in ids:
            msg = f"seal keys: the current key {self.current!r} is not one of {ids} (当前密钥未配置)"
            raise SealKeyError(msg)
        if not self.keys and self.current:
            msg = f"seal keys: the current key {self.current!r} is not configured (当前密钥未配置)"
            raise SealKeyError(msg)

    def key(self, key_id: str) -> SealKey | None:
        return next((k for k in self.keys if k.key_id == key_id), None)

    @property
    def sealing(self) -> SealKey | None:
        """The key new records are sealed with (``None``: no keys, plain SHA-256)."""
        return self.key(self.current) if self.keys else None


NO_KEYS = SealKeys()


def _envelope(
    *,
    prev_hash: str,
    stream_id: str,
    version: int,
    event_type: str,
    schema_version: int,
    body: Mapping[str, Any],
    recorded_at: dt.datetime,
    actor: str,
    key_id: str,
) -> bytes:
    envelope: dict[str, Any] = {
        "prev": prev_hash,
        "stream_id": stream_id,
        "version": version,
        "type": event_type,
        "schema": schema_version,
        "body": body,
        "at": utc(recorded_at).isoformat(),
        "actor": actor,
    }
    if key_id:
        envelope["key"] = key_id
    return canonical_json(envelope).encode()


def chain_hash(
    *,
    prev_hash: str,
    stream_id: str,
    version: int,
    event_type: str,
    schema_version: int,
    body: Mapping[str, Any],
    recorded_at: dt.datetime,
    actor: str,
    key: SealKey | None = None,
) -> str:
    """The seal over the canonical envelope and the previous seal: the ``key``'s MAC (the
    key id is part of the envelope), or a plain SHA-256 hash without a key."""
    message = _envelope(
        prev_hash=prev_hash,
        stream_id=stream_id,
        version=version,
        event_type=event_type,
        schema_version=schema_version,
        body=body,
        recorded_at=recorded_at,
        actor=actor,
        key_id=key.key_id if key else "",
    )
    return key.mac(message) if key else hashlib.sha256(message).hexdigest()


def record(
    *,
    stream_id: str,
    version: int,
    event_type: str,
    schema_version: int,
    body: Mapping[str, Any],
    recorded_at: dt.datetime,
    actor: str,
    prev_hash: str,
    key: SealKey | None = None,
) -> RecordedEvent:
    """Seal one event into the chain after ``prev_hash`` with ``key`` (none: plain SHA-256)."""
    at = utc(recorded_at)
    return RecordedEvent(
        stream_id=stream_id,
        version=version,
        event_type=event_type,
        schema_version=schema_version,
        body=body,
        recorded_at=at,
        actor=actor,
        prev_hash=prev_hash,
        key_id=key.key_id if key else "",
        hash=chain_hash(
            prev_hash=prev_hash,
            stream_id=stream_id,
            version=version,
            event_type=event_type,
            schema_version=schema_version,
            body=body,
            recorded_at=at,
            actor=actor,
            key=key,
        ),
    )


@frozen(kw_only=True)
class ChainBreak:
    """The first broken link of a stream's chain: where, and what is wrong."""

    stream_id: str
    position: int
    reason: str

    def __str__(self) -> str:
        return f"stream {self.stream_id} event {self.position}: {self.reason}"


UNKEYED = "not sealed with a key (a plain SHA-256 hash): seal it again with the current key"
UNKNOWN_KEY = "sealed with key {key_id!r}, which is not configured (unknown key id)"
EDITED = "content does not match its seal (edited)"


def verify_stream(
    stream_id: str, records: Iterable[RecordedEvent], keys: SealKeys | None = None, *, accept_unkeyed: bool = False
) -> ChainBreak | None:
    """The first broken link of the stream, or ``None`` when the chain is whole.

    ``position`` is the 1-based place in the stream as read; a deleted or reordered event
    shows as a version or previous-seal mismatch there, an edited one as a seal mismatch.
    With ``keys`` every seal is checked: a keyed one under its key (an unknown key id is a
    break), a plain SHA-256 one is a break whenever ``keys`` holds any key. Without ``keys``
    only the links and the plain hashes are checked (what a store can check on its own).
    ``accept_unkeyed`` checks plain SHA-256 records as such even with keys (before re-sealing).
    """
    prev = GENESIS_HASH
    for position, r in enumerate(records, start=1):
        if r.stream_id != stream_id:
            return ChainBreak(stream_id=stream_id, position=position, reason=f"belongs to stream {r.stream_id}")
        if r.version != position:
            return ChainBreak(
                stream_id=stream_id,
                position=position,
                reason=f"version {r.version} where {position} was expected (deleted or reordered)",
            )
        if r.prev_hash != prev:
            return ChainBreak(
                stream_id=stream_id,
                position=position,
                reason="previous-seal link broken (an earlier event was changed, deleted or moved)",
            )
        broken = seal_problem(r, keys, accept_unkeyed=accept_unkeyed)
        if broken:
            return ChainBreak(stream_id=stream_id, position=position, reason=broken)
        prev = r.hash
    return None


def seal_problem(r: RecordedEvent, keys: SealKeys | None, *, accept_unkeyed: bool = False) -> str:
    """What is wrong with the record's own seal ("" when nothing, or when it cannot be checked
    because it is keyed and ``keys`` is ``None``)."""
    key: SealKey | None = None
    if r.key_id:
        if keys is None:
            return ""
        key = keys.key(r.key_id)
        if key is None:
            return UNKNOWN_KEY.format(key_id=r.key_id)
    elif keys is not None and keys.keys and not accept_unkeyed:
        return UNKEYED
    expected = chain_hash(
        prev_hash=r.prev_hash,
        stream_id=r.stream_id,
        version=r.version,
        event_type=r.event_type,
        schema_version=r.schema_version,
        body=r.body,
        recorded_at=r.recorded_at,
        actor=r.actor,
        key=key,
    )
    return "" if hmac.compare_digest(expected, r.hash) else EDITED
