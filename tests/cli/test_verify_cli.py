"""``mediation verify --deep / --anchor`` and ``mediation seal-keys``: keyed seals from the
command line, on a SQLite file tampered with through sqlite3."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from builders import run_cli as run
from mediation_core.app.service import MediationService
from mediation_core.cli import ExitCode
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy import open_sqlalchemy

KEY = "test-identity-key of at least 32 bytes"
KEYS_FILE = """
current = "seal-2026"
[[key]]
id = "seal-2026"
algorithm = "hmac-sm3"
secret = "env:TEST_SEAL_KEY"

[anchor]
current = "anchor-1"
[[anchor.key]]
id = "anchor-1"
algorithm = "hmac-sha256"
secret = "hex:{anchor}"
"""


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two archived cases sealed before keys were configured, and the key file configured."""
    for name in ("MEDIATION_STORE", "MEDIATION_DB_URL", "MEDIATION_ACTOR", "MEDIATION_NOTIFIERS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEDIATION_IDENTITY_KEY", KEY)
    path = tmp_path / "store.sqlite3"
    store = open_sqlalchemy(f"sqlite:///{path}")
    clock = sc.ScriptClock()
    service = MediationService(store, clock=clock, identity_key=KEY.encode())
    service.register(demo_registry(), sc.ADMIN)
    for n in range(2):
        sc.run(service.handle, clock, sc.lifecycle(f"case-{n}", serial=n))
    store.close()
    keys = tmp_path / "seal-keys.toml"
    keys.write_text(KEYS_FILE.format(anchor="ab" * 32), encoding="utf-8")
    monkeypatch.setenv("MEDIATION_SEAL_KEYS_FILE", str(keys))
    monkeypatch.setenv("TEST_SEAL_KEY", "a seal key of at least 32 bytes, kept outside")
    return path


def test_keyless_chains_are_reported_sealed_again_and_then_anchored(db: Path, tmp_path: Path) -> None:
    code, printed, _ = run("--db", str(db), "--json", "verify")
    assert code == ExitCode.BROKEN
    assert {b["stream_id"] for b in json.loads(printed)["broken"]} == {"case-0", "case-1"}
    code, printed, _ = run("--db", str(db), "--json", "seal-keys")
    listed = json.loads(printed)
    assert listed["keys"] == [{"key_id": "seal-2026", "algorithm": "hmac-sm3", "current": True, "records": 0}]
    assert listed["unkeyed_records"] > 0
    code, printed, _ = run("--db", str(db), "--json", "seal-keys", "--reseal")
    assert code == 0
    assert [r["stream_id"] for r in json.loads(printed)["resealed"]] == ["case-0", "case-1"]
    code, printed, _ = run("--db", str(db), "verify")
    assert code == 0
    anchor = tmp_path / "anchor.json"
    code, printed, _ = run("--db", str(db), "verify", "--deep", "--anchor", str(anchor))
    assert code == 0, printed
    assert "anchor written" in printed
    assert json.loads(anchor.read_text(encoding="utf-8"))["key_id"] == "anchor-1"
    code, printed, _ = run("--db", str(db), "--json", "verify", "--anchor", str(anchor))
    assert code == 0
    assert json.loads(printed)["findings"] == []


def test_deep_verify_names_a_tampered_cell_and_the_anchor_a_deleted_case(db: Path, tmp_path: Path) -> None:
    run("--db", str(db), "seal-keys", "--reseal")
    anchor = tmp_path / "anchor.json"
    assert run("--db", str(db), "verify", "--anchor", str(anchor))[0] == 0
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE statistics_cells SET cases = cases * 10 WHERE (room_id, month, axis, value, figure) = "
        "(SELECT room_id, month, axis, value, figure FROM statistics_cells WHERE cases > 0 LIMIT 1)"
    )
    for table, column in (
        ("events", "stream_id"),
        ("snapshots", "stream_id"),
        ("ledger_party_keys", "case_id"),
        ("deadlines", "stream_id"),
        ("ledger", "case_id"),
        ("streams", "stream_id"),
    ):
        conn.execute(f"DELETE FROM {table} WHERE {column} = 'case-1'")
    conn.commit()
    conn.close()
    code, printed, _ = run("--db", str(db), "--json", "verify", "--deep", "--anchor", str(anchor))
    assert code == ExitCode.BROKEN
    found = json.loads(printed)["findings"]
    codes = {f["code"] for f in found}
    assert "statistics_cell_differs" in codes
    assert {"code": "stream_missing", "stream_id": "case-1"}.items() <= next(
        f for f in found if f["code"] == "stream_missing"
    ).items()
    assert all(f["title_zh"] and f["title_en"] for f in found)
    code, text, _ = run("--db", str(db), "verify", "--deep")
    assert code == ExitCode.BROKEN
    assert "统计单元与台账不符 (statistics_cell_differs)" in text


def test_an_anchor_needs_an_anchor_key(db: Path, tmp_path: Path) -> None:
    keys = tmp_path / "only-seal.toml"
    keys.write_text(KEYS_FILE.split("[anchor]", maxsplit=1)[0], encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MEDIATION_SEAL_KEYS_FILE", str(keys))
        code, _, err = run("--db", str(db), "verify", "--anchor", str(tmp_path / "a.json"))
    assert code == ExitCode.CONFIGURATION
    assert "anchor key" in err
    assert not (tmp_path / "a.json").exists()


def test_the_demo_district_verifies_in_depth_with_nothing_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every aggregate, the outbox, the access log and the statistics of a whole district:
    deep verification finds nothing where nobody tampered (no false alarms)."""
    for name in ("MEDIATION_STORE", "MEDIATION_DB_URL", "MEDIATION_ACTOR", "MEDIATION_NOTIFIERS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEDIATION_IDENTITY_KEY", "the district's identity key, 32 bytes or more")
    keys = tmp_path / "seal-keys.toml"
    keys.write_text(KEYS_FILE.format(anchor="cd" * 32), encoding="utf-8")
    monkeypatch.setenv("MEDIATION_SEAL_KEYS_FILE", str(keys))
    monkeypatch.setenv("TEST_SEAL_KEY", "a seal key of at least 32 bytes, kept outside")
    code, _, err = run("demo", "--seed", "5", "--scale", "0.02", "--out", str(tmp_path), "-q")
    assert code == 0, err
    code, printed, _ = run("--db", str(tmp_path / "demo.sqlite3"), "--json", "verify", "--deep")
    assert code == 0, printed
    report = json.loads(printed)
    assert report["streams"] > 100
    assert report["findings"] == []


def test_verify_says_when_no_seal_key_is_configured(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDIATION_SEAL_KEYS_FILE")
    code, text, _ = run("--db", str(db), "verify")
    assert code == 0
    assert text.startswith("no seal keys configured (MEDIATION_SEAL_KEYS_FILE)")
    code, printed, _ = run("--db", str(db), "--json", "verify")
    assert json.loads(printed)["keyed"] is False
