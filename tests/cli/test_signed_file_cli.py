"""``mediation verify --signed-file CASE FILE``: a presented file against the digests a case's
signature evidence recorded, on a SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from builders import run_cli as run
from mediation_core.app.service import MediationService
from mediation_core.cli import ExitCode
from mediation_core.demo.walkthrough import demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import EvidenceKind, Mark, SignatoryKind, SignatureEvidence
from mediation_core.domain.values.digests import DigestAlgorithm, digest_of
from mediation_core.testing import scenarios as sc
from mediation_sqlalchemy import open_sqlalchemy

KEY = "test-identity-key of at least 32 bytes"
PDF = b"%PDF-1.7 signed agreement"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One case whose first party signed electronically (SM3 digest of PDF)."""
    for name in ("MEDIATION_STORE", "MEDIATION_DB_URL", "MEDIATION_ACTOR", "MEDIATION_SEAL_KEYS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEDIATION_IDENTITY_KEY", KEY)
    path = tmp_path / "store.sqlite3"
    store = open_sqlalchemy(f"sqlite:///{path}")
    clock = sc.ScriptClock()
    service = MediationService(store, clock=clock, identity_key=KEY.encode())
    service.register(demo_registry(), sc.ADMIN)
    script = []
    for moment, step in sc.lifecycle("case-e"):
        cmd = step
        if isinstance(cmd, c.SignAgreement) and cmd.kind is SignatoryKind.PARTY and cmd.signer_id == "p1":
            evidence = SignatureEvidence(
                kind=EvidenceKind.ELECTRONIC_SIGNATURE,
                signer="王建国",
                certificate="2A6F3C01",
                signed_file=digest_of(PDF, DigestAlgorithm.SM3),
                signed_at=moment,
            )
            cmd = attrs.evolve(cmd, mark=Mark.SIGNATURE, evidence=evidence)
        script.append((moment, cmd))
    sc.run(service.handle, clock, script)
    store.close()
    return path


def test_the_signed_file_matches_and_an_altered_one_does_not(db: Path, tmp_path: Path) -> None:
    signed = tmp_path / "agreement.pdf"
    signed.write_bytes(PDF)
    code, printed, _ = run("--db", str(db), "verify", "--signed-file", "case-e", str(signed))
    assert code == 0, printed
    assert "相符 / matches: 当事人 p1 电子签名（2A6F3C01） SM3" in printed
    assert "文件与签署记录相符" in printed
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(PDF + b"\n")
    code, printed, _ = run("--db", str(db), "--json", "verify", "--signed-file", "case-e", str(altered))
    assert code == ExitCode.BROKEN
    result = json.loads(printed)
    assert (result["recorded"], result["matches"]) == (1, [])
    assert result["sha256"] == digest_of(PDF + b"\n").hex


def test_a_missing_file_is_a_usage_error(db: Path, tmp_path: Path) -> None:
    code, _, err = run("--db", str(db), "verify", "--signed-file", "case-e", str(tmp_path / "nope.pdf"))
    assert code == ExitCode.USAGE
    assert "nope.pdf" in err
