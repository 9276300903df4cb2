"""The court's ruling, an online intake and signature evidence stored and read back on every
store (memory, a SQLite file, a PostgreSQL schema): the same state, whole chains, and a signed
file checked against the digest the store kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs
import pytest
from sql_support import service_on

from mediation_core.app.ports import Store
from mediation_core.app.service import replay_records
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import EvidenceKind, Mark, SignatureEvidence
from mediation_core.domain.case.courts import ConfirmationResult
from mediation_core.domain.values.digests import DigestAlgorithm, digest_of
from mediation_core.domain.values.sources import CaseSource, OnlineConsent
from mediation_core.testing import scenarios as sc
from mediation_memory import MemoryStore
from mediation_sqlalchemy import open_sqlalchemy

PDF = b"%PDF-1.7 agreement signed on the platform"
COURT = "市中区人民法院"


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "memory":
        opened: Store = MemoryStore()
    else:
        urls = request.getfixturevalue("sqlite_files" if request.param == "sqlite" else "postgres_schemas")
        opened = open_sqlalchemy(urls())
    yield opened
    opened.close()


def script(case_id: str) -> sc.Script:
    """The scenario's lifecycle, applied for online, the first party signing electronically, the
    agreement confirmed by the court before the follow-up visit."""
    steps: list[tuple[dt.datetime, object]] = []
    for moment, step in sc.lifecycle(case_id):
        cmd = step
        if isinstance(cmd, c.ReceiveDispute):
            consent = OnlineConsent(
                party_id="p1",
                channel="浙里调",
                captured_at=moment - dt.timedelta(hours=1),
                reference="ZLT-20260506-0001",
                text_hash=digest_of("本人自愿申请人民调解".encode(), DigestAlgorithm.SM3),
            )
            cmd = attrs.evolve(cmd, source=CaseSource.ONLINE_APPLICATION, online_consents=(consent,))
        if isinstance(cmd, c.SignAgreement) and cmd.signer_id == "p1":
            evidence = SignatureEvidence(
                kind=EvidenceKind.ELECTRONIC_SIGNATURE,
                signer="王建国",
                certificate="2A6F3C01",
                signed_file=digest_of(PDF, DigestAlgorithm.SM3),
                signed_at=moment,
            )
            cmd = attrs.evolve(cmd, mark=Mark.SIGNATURE, evidence=evidence)
        if isinstance(cmd, c.RecordFollowUp):
            applied = moment - dt.timedelta(days=8)
            apply = c.ApplyJudicialConfirmation(
                case_id=case_id, on=applied.date(), applicant_ids=("p1", "p2"), court=COURT
            )
            steps.append((applied, apply))
            ruled = moment - dt.timedelta(days=2)
            ruling = c.RecordJudicialConfirmation(
                case_id=case_id,
                on=ruled.date(),
                result=ConfirmationResult.CONFIRMED,
                court=COURT,
                court_case_number=f"（{ruled.year}）川1102民特17号",
            )
            steps.append((ruled, ruling))
        steps.append((moment, cmd))
    return steps  # type: ignore[return-value]


def test_the_three_are_stored_and_read_back_alike(store: Store) -> None:
    service = service_on(store)
    clock = service.clock
    assert isinstance(clock, sc.ScriptClock)
    state = sc.run(service.handle, clock, script("courts-1"))
    assert state.enforceable
    assert state.online_consents[0].channel == "浙里调"
    evidence = next(s for s in state.signatures if s.signer_id == "p1").evidence
    assert evidence is not None
    assert evidence.kind is EvidenceKind.ELECTRONIC_SIGNATURE
    assert replay_records("courts-1", store.read("courts-1")) == state
    assert service.verify_deep() == []
    assert service.verify_signed_file("courts-1", PDF, sc.MEDIATOR).ok
    assert not service.verify_signed_file("courts-1", PDF[:-1], sc.MEDIATOR).ok
    assert store.ledger_row("courts-1").source == "online_application"  # type: ignore[union-attr]
