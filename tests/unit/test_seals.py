"""Keyed seals: HMAC-SM3 and HMAC-SHA256 over the canonical envelope, key ids, the key file,
and a clear error (never a silent substitute) where this Python's OpenSSL has no SM3."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import attrs
import pytest

from mediation_core.app.bootstrap import ConfigurationError, seal_key_config
from mediation_core.records import (
    GENESIS_HASH,
    HMAC_SHA256,
    HMAC_SM3,
    RecordedEvent,
    SealKey,
    SealKeyError,
    SealKeys,
    canonical_json,
    digest_available,
    record,
    verify_stream,
)

T0 = dt.datetime(2026, 5, 6, 2, tzinfo=dt.UTC)
SECRET = b"0123456789abcdef0123456789abcdef"
ALGORITHMS = [
    pytest.param(
        HMAC_SM3,
        marks=pytest.mark.skipif(not digest_available(HMAC_SM3), reason="this Python's OpenSSL offers no SM3"),
    ),
    HMAC_SHA256,
]


def sealed(
    key: SealKey | None, version: int = 1, prev: str = GENESIS_HASH, body: dict[str, str] | None = None
) -> RecordedEvent:
    return record(
        stream_id="case-1",
        version=version,
        event_type="case.received",
        schema_version=1,
        body=body or {"name": "王建国"},
        recorded_at=T0,
        actor="mediator:m@room",
        prev_hash=prev,
        key=key,
    )


def test_sm3_is_offered_here() -> None:
    """The machines this library is tested on have an OpenSSL with SM3 (GB/T 32905-2016 vector)."""
    assert hashlib.new("sm3", b"abc").hexdigest() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_a_seal_is_the_keys_hmac_of_the_envelope_with_its_key_id(algorithm: str) -> None:
    key = SealKey(key_id="k1", secret=SECRET, algorithm=algorithm)
    r = sealed(key)
    assert r.key_id == "k1"
    envelope = {
        "prev": GENESIS_HASH,
        "stream_id": "case-1",
        "version": 1,
        "type": "case.received",
        "schema": 1,
        "body": {"name": "王建国"},
        "at": T0.isoformat(),
        "actor": "mediator:m@room",
        "key": "k1",
    }
    digest = {HMAC_SM3: "sm3", HMAC_SHA256: "sha256"}[algorithm]
    assert r.hash == hmac.new(SECRET, canonical_json(envelope).encode(), digest).hexdigest()
    keys = SealKeys(keys=(key,), current="k1")
    assert verify_stream("case-1", [r], keys) is None


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_without_the_secret_a_rewritten_record_cannot_be_sealed_to_verify(algorithm: str) -> None:
    key = SealKey(key_id="k1", secret=SECRET, algorithm=algorithm)
    keys = SealKeys(keys=(key,), current="k1")
    forged_plain = sealed(None, body={"name": "李海"})
    forged_guess = sealed(SealKey(key_id="k1", secret=b"x" * 32, algorithm=algorithm), body={"name": "李海"})
    assert "not sealed with a key" in str(verify_stream("case-1", [forged_plain], keys))
    assert "edited" in str(verify_stream("case-1", [forged_guess], keys))


def test_plain_records_are_still_checked_as_sha256_without_keys() -> None:
    r = sealed(None)
    assert r.key_id == ""
    assert verify_stream("case-1", [r]) is None
    assert verify_stream("case-1", [r], SealKeys()) is None
    assert "edited" in str(verify_stream("case-1", [attrs.evolve(r, actor="someone")]))


def test_rotation_keeps_old_records_verifiable_and_names_an_unknown_key() -> None:
    old = SealKey(key_id="2025", secret=SECRET)
    new = SealKey(key_id="2026", secret=SECRET[::-1], algorithm=HMAC_SHA256)
    first = sealed(old)
    second = sealed(new, version=2, prev=first.hash)
    assert verify_stream("case-1", [first, second], SealKeys(keys=(old, new), current="2026")) is None
    broken = verify_stream("case-1", [first, second], SealKeys(keys=(new,), current="2026"))
    assert broken is not None
    assert broken.position == 1
    assert "unknown key id" in broken.reason


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"key_id": "", "secret": SECRET}, "密钥标识无效"),
        ({"key_id": "a:b", "secret": SECRET}, "密钥标识无效"),
        ({"key_id": "k", "secret": SECRET[:31]}, "at least 32 bytes"),
        ({"key_id": "k", "secret": SECRET, "algorithm": "hmac-md5"}, "算法不支持"),
    ],
)
def test_a_bad_key_is_refused_naming_what_is_wrong(fields: dict[str, object], problem: str) -> None:
    with pytest.raises(SealKeyError, match=problem):
        SealKey(**fields)  # type: ignore[arg-type]


def test_the_current_key_must_be_one_of_the_keys() -> None:
    key = SealKey(key_id="k", secret=SECRET)
    with pytest.raises(SealKeyError, match="当前密钥未配置"):
        SealKeys(keys=(key,), current="other")
    with pytest.raises(SealKeyError, match="重复"):
        SealKeys(keys=(key, key), current="k")


def test_without_sm3_an_sm3_key_is_a_configuration_error_not_a_silent_substitute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where OpenSSL lacks SM3 (some FIPS builds), the key file is refused with a message
    that says so and how to choose HMAC-SHA256 explicitly."""
    real = hashlib.new

    def without_sm3(name: str, *args: object, **kwargs: object) -> object:
        if name.lower() == "sm3":
            raise ValueError("unsupported hash type sm3")
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(hashlib, "new", without_sm3)
    text = f'current = "k"\n[[key]]\nid = "k"\nsecret = "{SECRET.decode()}"\n'
    with pytest.raises(ConfigurationError, match=r"does not offer.*hmac-sha256"):
        seal_key_config(text)
    sha = seal_key_config(text.replace('id = "k"', 'id = "k"\nalgorithm = "hmac-sha256"'))[0]
    assert sha.sealing is not None
    assert sha.sealing.algorithm == HMAC_SHA256


def test_the_key_file_reads_secrets_from_the_environment_and_hex() -> None:
    text = """
current = "2026"
[[key]]
id = "2026"
secret = "env:SEAL_2026"
[[key]]
id = "2025"
algorithm = "hmac-sha256"
secret = "hex:%s"
[anchor]
current = "a"
[[anchor.key]]
id = "a"
secret = "env:ANCHOR"
""" % ("ab" * 32)
    seal, anchor = seal_key_config(text, {"SEAL_2026": "s" * 32, "ANCHOR": "a" * 40})
    assert [k.key_id for k in seal.keys] == ["2026", "2025"]
    assert seal.sealing == SealKey(key_id="2026", secret=b"s" * 32, algorithm=HMAC_SM3)
    assert seal.key("2025") == SealKey(key_id="2025", secret=bytes.fromhex("ab" * 32), algorithm=HMAC_SHA256)
    assert anchor.sealing is not None
    assert anchor.sealing.key_id == "a"
    assert "ssss" not in repr(seal)  # secrets stay out of logs
    with pytest.raises(ConfigurationError, match="SEAL_2026, which is not set"):
        seal_key_config(text, {"ANCHOR": "a" * 40})
    with pytest.raises(ConfigurationError, match="unknown key"):
        seal_key_config('currnet = "x"\n')
