"""Party keys are for full views only, and the identity key that makes them is long, private
and the same for the whole life of a store.

A party key is HMAC-SHA256 of an ID number under the deployment's identity key. A masked ID
hides eight birth-date digits, about 36,500 plausible values: whoever holds the key and a party
key tests them all in a second. So masked and withheld readers get no party keys, a short key is
refused, the public demonstration key never protects a store that keeps data, and a store
remembers a fingerprint of its key so that a changed key stops the service instead of silently
splitting repeat detection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from builders import MEDIATOR
from mediation_core.app.bootstrap import (
    DEMO_IDENTITY_KEY,
    MIN_IDENTITY_KEY_BYTES,
    Config,
    ConfigurationError,
    IdentityKeyMismatchError,
    identity_key_fingerprint,
    open_service,
)
from mediation_core.app.ports import IDENTITY_KEY_DOCUMENT, IDENTITY_KEY_STREAM
from mediation_core.app.service import MediationService
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.identifiers import resident_id_check_char
from mediation_core.domain.values.privacy import PersonalDataView, view_json
from mediation_core.testing import scenarios as sc

JUSTICE = Actor(actor_id="j", role=Role.JUSTICE_OFFICE, scope_id="baiyang-justice")
CENTRE = Actor(actor_id="cc", role=Role.COORDINATION_CENTRE, scope_id="centre")
KEY_A = "a" * 16 + "-county-key-0123456789"
KEY_B = "b" * 16 + "-county-key-0123456789"


@pytest.fixture
def archived(service: MediationService) -> MediationService:
    clock = sc.ScriptClock()
    service.clock = clock
    sc.run(service.handle, clock, sc.lifecycle("case-1"))
    return service


def _brute_force(masked_id: str, party_keys: tuple[str, ...], key: bytes) -> str | None:
    """What an attacker with the key does: try every birth date the mask hides."""
    day = dt.date(1900, 1, 1)
    while day.year < 2030:
        for seq in range(1000) if masked_id[14:17] == "***" else (int(masked_id[14:17]),):
            first17 = f"{masked_id[:6]}{day:%Y%m%d}{seq:03d}"
            number = first17 + resident_id_check_char(first17)
            if number[-4:] != masked_id[-4:]:
                continue
            digest = hmac.new(key, f"rid:{number}".encode(), hashlib.sha256).hexdigest()[:32]
            if digest in party_keys:
                return number
        day += dt.timedelta(days=1)
    return None


def test_a_masked_reader_gets_no_party_keys_to_test_guesses_against(archived: MediationService) -> None:
    key = archived.party_keyer.key
    full = archived.case_file("case-1", MEDIATOR)
    masked = archived.case_file("case-1", JUSTICE)
    assert full.row.party_keys != ()
    assert masked.row.party_keys == ()
    assert [r.party_keys for r in archived.ledger(JUSTICE)] == [()]
    assert [r.party_keys for r in archived.ledger(CENTRE)] == [()]
    # what the key and the full row's digests give away, and what the masked row no longer does
    masked_id = masked.state.parties[0].id_number  # type: ignore[union-attr]
    assert _brute_force(masked_id, full.row.party_keys, key) == sc.resident_id(0)
    assert _brute_force(masked_id, masked.row.party_keys, key) is None


def test_a_masked_json_view_drops_party_keys() -> None:
    body = {"case_id": "c1", "party_keys": ["k1", "k2"], "summary": "邻里纠纷"}
    assert view_json(body, PersonalDataView.MASKED)["party_keys"] == []
    assert view_json(body, PersonalDataView.WITHHELD)["party_keys"] == []
    assert view_json(body, PersonalDataView.FULL)["party_keys"] == ["k1", "k2"]


def test_a_short_identity_key_is_refused_naming_the_setting(tmp_path: Path) -> None:
    url = str(tmp_path / "short.sqlite3")
    with pytest.raises(ConfigurationError, match=r"MEDIATION_IDENTITY_KEY.*at least 32 bytes, got 31"):
        open_service(Config(store="sqlite", url=url, identity_key="k" * (MIN_IDENTITY_KEY_BYTES - 1)))
    with pytest.raises(ConfigurationError, match="at least 32 bytes"):
        open_service(Config(store="memory", identity_key="walkthrough-demonstration-key"))
    service = open_service(Config(store="sqlite", url=url, identity_key="k" * MIN_IDENTITY_KEY_BYTES))
    service.store.close()


def test_the_public_demonstration_key_never_protects_a_store_that_keeps_data(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="public demonstration key"):
        open_service(Config(store="sqlite", url=str(tmp_path / "x.sqlite3"), identity_key=DEMO_IDENTITY_KEY))
    open_service(Config(store="memory", identity_key=DEMO_IDENTITY_KEY)).store.close()


def test_the_walkthrough_without_a_key_keeps_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from mediation_core.demo import walkthrough

    monkeypatch.setenv("MEDIATION_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MEDIATION_STORE", raising=False)
    monkeypatch.delenv("MEDIATION_DB_URL", raising=False)
    monkeypatch.delenv("MEDIATION_IDENTITY_KEY", raising=False)
    assert "walkthrough-0001" in walkthrough.main()
    assert not (tmp_path / "data" / "mediation.sqlite3").exists()


def test_the_demo_store_gets_a_random_key(tmp_path: Path) -> None:
    import argparse

    from mediation_core.cli.demo import demo_config

    class Session:
        args = argparse.Namespace(db=None, store=None)
        config = Config()

    keys = {demo_config(Session(), tmp_path).identity_key for _ in range(2)}  # type: ignore[arg-type]
    assert len(keys) == 2
    assert all(len(k.encode()) >= MIN_IDENTITY_KEY_BYTES and k != DEMO_IDENTITY_KEY for k in keys)


def test_a_changed_key_is_detected_instead_of_splitting_repeat_detection(tmp_path: Path) -> None:
    url = str(tmp_path / "county.sqlite3")
    first = open_service(Config(store="sqlite", url=url, identity_key=KEY_A))
    stored = first.store.document(*IDENTITY_KEY_DOCUMENT)
    first.store.close()
    assert stored is not None
    assert stored.body["fingerprint"] == identity_key_fingerprint(KEY_A.encode())
    assert KEY_A not in str(stored.body)  # the key itself is never stored
    with pytest.raises(IdentityKeyMismatchError, match=r"MEDIATION_IDENTITY_KEY.*Changing the identity key"):
        open_service(Config(store="sqlite", url=url, identity_key=KEY_B))
    open_service(Config(store="sqlite", url=url, identity_key=KEY_B), writes=False).store.close()  # no digests
    again = open_service(Config(store="sqlite", url=url, identity_key=KEY_A))
    assert list(again.store.stream_ids()) == [IDENTITY_KEY_STREAM]  # a document, no events
    assert again.store.verify() == []
    again.store.close()
    open_service(Config(store="sqlite", url=url), writes=False).store.close()  # reading needs no key


def test_a_read_only_opening_records_no_fingerprint(tmp_path: Path) -> None:
    url = str(tmp_path / "county.sqlite3")
    service = open_service(Config(store="sqlite", url=url, identity_key=KEY_A), writes=False)
    assert service.store.document(*IDENTITY_KEY_DOCUMENT) is None
    service.store.close()


def test_rekeying_digests_every_case_again_under_the_new_key(database_urls: Callable[[], str]) -> None:
    """The recovery when a key must change: cases recorded under key A match again under key B,
    and key A is refused from then on (on SQLite and PostgreSQL)."""
    from builders import ADMIN
    from mediation_core.app.bootstrap import rekey
    from mediation_core.demo.walkthrough import demo_registry
    from mediation_core.domain.reporting.repeats import PartyKeyer

    url = database_urls()
    store = "sqlite" if url.startswith("sqlite") else "postgresql"
    clock = sc.ScriptClock()
    service = open_service(Config(store=store, url=url, identity_key=KEY_A), clock=clock)
    service.register(demo_registry(), ADMIN)
    sc.run(service.handle, clock, sc.lifecycle("case-1"))
    parties = service.case_file("case-1", MEDIATOR).state.parties
    (before,) = service.store.ledger()
    service.store.close()
    assert before.party_keys == PartyKeyer(key=KEY_A.encode()).keys(parties)

    assert rekey(Config(store=store, url=url, identity_key=KEY_B), clock=clock) == 1

    with pytest.raises(IdentityKeyMismatchError):
        open_service(Config(store=store, url=url, identity_key=KEY_A))
    after = open_service(Config(store=store, url=url, identity_key=KEY_B), clock=clock)
    (row,) = after.store.ledger()
    assert row.party_keys == PartyKeyer(key=KEY_B.encode()).keys(parties)
    assert attrs.evolve(row, party_keys=before.party_keys) == before  # only the digests changed
    assert after.store.verify() == []
    after.store.close()
