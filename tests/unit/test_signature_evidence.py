"""Signature evidence on a written agreement: what proves each mark (a handwritten or electronic
signature, an electronic seal, a fingerprint), carried by the case file, printed on the 调解协议书
and checked by verification against a presented signed file."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from builders import D0, MEDIATOR, MEDIATOR_ID, REGISTRY
from mediation_core.app import integrity
from mediation_core.app.service import MediationService
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import EvidenceKind, Mark, SignatoryKind, Signature, SignatureEvidence
from mediation_core.domain.case.events import AgreementSigned
from mediation_core.domain.case.retention import anonymised_event
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.errors import AuthorisationError
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.digests import DigestAlgorithm, FileDigest, digest_of
from mediation_core.exports.forms import DocumentForm, case_document
from mediation_core.serialization import event_body, event_from_body
from mediation_core.testing import scenarios as sc
from story import Story

SIGNED_PDF = b"%PDF-1.7 \xe4\xba\xba\xe6\xb0\x91\xe8\xb0\x83\xe8\xa7\xa3\xe5\x8d\x8f\xe8\xae\xae\xe4\xb9\xa6 signed"
AT = dt.datetime.combine(D0, dt.time(15, 30), CHINA_TZ)


def fields_of(err: Exception, rule: str) -> list[str]:
    return [v.field for v in err.violations if v.rule == rule]  # type: ignore[attr-defined]


def electronic(
    signer: str, kind: EvidenceKind = EvidenceKind.ELECTRONIC_SIGNATURE, **changes: object
) -> SignatureEvidence:
    evidence = SignatureEvidence(
        kind=kind,
        signer=signer,
        certificate="2A6F3C01" if kind is EvidenceKind.ELECTRONIC_SIGNATURE else "5111020000123",
        signed_file=digest_of(SIGNED_PDF, DigestAlgorithm.SM3),
        signed_at=AT,
    )
    return attrs.evolve(evidence, **changes)


def drafted() -> Story:
    return Story().mediating().session().draft()


def sign(kind: SignatoryKind, signer_id: str, mark: Mark, evidence: SignatureEvidence | None) -> c.SignAgreement:
    return c.SignAgreement(case_id="c1", kind=kind, signer_id=signer_id, on=D0, mark=mark, evidence=evidence)


def signed_electronically() -> Story:
    story = drafted()
    story.do(sign(SignatoryKind.PARTY, "p1", Mark.SIGNATURE, electronic("王建国")))
    story.do(
        sign(
            SignatoryKind.PARTY, "p2", Mark.FINGERPRINT, SignatureEvidence(kind=EvidenceKind.FINGERPRINT, signer="李海")
        )
    )
    story.do(
        sign(
            SignatoryKind.MEDIATOR,
            MEDIATOR_ID,
            Mark.SIGNATURE,
            SignatureEvidence(kind=EvidenceKind.HANDWRITTEN, signer="张调解"),
        )
    )
    story.do(
        sign(
            SignatoryKind.COMMITTEE_SEAL,
            "",
            Mark.SEAL,
            electronic("彭山路人民调解委员会", EvidenceKind.ELECTRONIC_SEAL),
        )
    )
    return story


@pytest.mark.rule("signature_evidence_complete")
def test_an_electronic_mark_records_its_certificate_file_digest_and_time() -> None:
    story = drafted()
    bare = SignatureEvidence(kind=EvidenceKind.ELECTRONIC_SIGNATURE, signer=" ")
    err = story.refuse(sign(SignatoryKind.PARTY, "p1", Mark.SIGNATURE, bare))
    assert fields_of(err, "signature_evidence_complete") == [
        "evidence.signer",
        "evidence.certificate",
        "evidence.signed_file",
        "evidence.signed_at",
    ]
    wrong = electronic(
        "王建国",
        signed_file=FileDigest(algorithm=DigestAlgorithm.SHA256, hex="not-a-digest"),
        signed_at=AT + dt.timedelta(days=1),
    )
    err = story.refuse(sign(SignatoryKind.PARTY, "p1", Mark.FINGERPRINT, wrong), today=D0 + dt.timedelta(days=2))
    assert fields_of(err, "signature_evidence_complete") == [
        "evidence.kind",
        "evidence.signed_file.hex",
        "evidence.signed_at",
    ]
    seal = electronic("委员会", EvidenceKind.ELECTRONIC_SEAL, certificate="")
    err = story.refuse(sign(SignatoryKind.COMMITTEE_SEAL, "", Mark.SEAL, seal))
    assert [v.message_zh for v in err.violations] == ["电子印章须记录印章编号"]  # type: ignore[attr-defined]


def test_a_handwritten_mark_needs_no_certificate_and_evidence_stays_optional() -> None:
    story = drafted()
    story.do(
        sign(
            SignatoryKind.PARTY, "p1", Mark.SIGNATURE, SignatureEvidence(kind=EvidenceKind.HANDWRITTEN, signer="王建国")
        )
    )
    story.do(sign(SignatoryKind.PARTY, "p2", Mark.SIGNATURE, None))
    assert story.s.signatures[0].evidence is not None
    assert story.s.signatures[1].evidence is None


def test_the_case_file_carries_the_evidence_and_the_agreement_prints_it() -> None:
    story = signed_electronically()
    assert story.s.status is CaseStatus.AGREED
    agreement = story.s.agreement
    assert agreement is not None
    assert [s.evidence.kind for s in agreement.signatures if s.evidence] == [
        EvidenceKind.ELECTRONIC_SIGNATURE,
        EvidenceKind.FINGERPRINT,
        EvidenceKind.HANDWRITTEN,
        EvidenceKind.ELECTRONIC_SEAL,
    ]
    text = case_document(DocumentForm.AGREEMENT, story.s, story.events, REGISTRY, {}, masked=True).text()
    sm3 = digest_of(SIGNED_PDF, DigestAlgorithm.SM3).hex
    assert "签署凭证" in text
    assert (
        f"签署方式：电子签名；签署人：王建国；证书序列号：2A6F3C01；签署文件摘要（SM3）：{sm3}；"
        "签署时间：2026年5月6日 15:30" in text
    )
    assert "签署方式：捺印；签署人：李海" in text
    assert "印章编号：5111020000123" in text


def test_an_agreement_without_evidence_prints_as_before() -> None:
    story = drafted().sign_all()
    text = case_document(DocumentForm.AGREEMENT, story.s, story.events, REGISTRY, {}, masked=False).text()
    assert "签署凭证" not in text


def test_the_evidence_survives_the_stored_body() -> None:
    story = signed_electronically()
    signed = [e for e in story.events if isinstance(e, AgreementSigned)]
    for e in signed:
        assert event_from_body(e.EVENT_TYPE, e.SCHEMA_VERSION, event_body(e)) == e


def script_with_evidence(case_id: str) -> sc.Script:
    """The scenario's lifecycle with the first party signing electronically and the committee
    sealing electronically, the same PDF each time."""
    out = []
    for moment, step in sc.lifecycle(case_id):
        cmd = step
        if isinstance(cmd, c.SignAgreement) and cmd.signer_id == "p1":
            at = moment.replace(hour=9)
            cmd = attrs.evolve(cmd, mark=Mark.SIGNATURE, evidence=electronic("王建国", signed_at=at))
        elif isinstance(cmd, c.SignAgreement) and cmd.kind is SignatoryKind.COMMITTEE_SEAL:
            at = moment.replace(hour=9)
            seal = electronic("彭山路人民调解委员会", EvidenceKind.ELECTRONIC_SEAL, signed_at=at)
            cmd = attrs.evolve(cmd, evidence=attrs.evolve(seal, signed_file=digest_of(SIGNED_PDF)))
        out.append((moment, cmd))
    return out


def test_the_service_checks_a_presented_file_against_the_recorded_digests(
    service: MediationService, clock: sc.ScriptClock
) -> None:
    sc.run(service.handle, clock, script_with_evidence("sig-1"))
    check = service.verify_signed_file("sig-1", SIGNED_PDF, MEDIATOR)
    assert check.ok
    assert check.recorded == 2
    assert [(m.signatory, m.signer_id, m.evidence, m.algorithm) for m in check.matches] == [
        (SignatoryKind.PARTY, "p1", EvidenceKind.ELECTRONIC_SIGNATURE, DigestAlgorithm.SM3),
        (SignatoryKind.COMMITTEE_SEAL, "", EvidenceKind.ELECTRONIC_SEAL, DigestAlgorithm.SHA256),
    ]
    altered = service.verify_signed_file("sig-1", SIGNED_PDF + b" ", MEDIATOR)
    assert not altered.ok
    assert altered.recorded == 2
    assert altered.sha256 == digest_of(SIGNED_PDF + b" ").hex
    stranger = Actor(actor_id="m-other", role=Role.MEDIATOR, scope_id="elsewhere-room")
    with pytest.raises(AuthorisationError):
        service.verify_signed_file("sig-1", SIGNED_PDF, stranger)


def test_deep_verification_finds_an_electronic_mark_without_its_certificate(
    service: MediationService, clock: sc.ScriptClock
) -> None:
    sc.run(service.handle, clock, script_with_evidence("sig-2"))
    records = service.store.read("sig-2")
    events = [event_from_body(r.event_type, r.schema_version, r.body) for r in records]
    assert integrity.evidence_findings("sig-2", records, events) == []
    assert service.verify_deep() == []
    signed = next(i for i, e in enumerate(events) if isinstance(e, AgreementSigned) and e.signature.evidence)
    event = events[signed]
    assert isinstance(event, AgreementSigned)
    assert event.signature.evidence is not None
    stripped = attrs.evolve(event.signature.evidence, certificate="", signed_file=None)
    events[signed] = attrs.evolve(event, signature=attrs.evolve(event.signature, evidence=stripped))
    found = integrity.evidence_findings("sig-2", records, events)
    assert [(f.kind, f.stream_id, f.version) for f in found] == [
        (integrity.FindingKind.SIGNATURE_EVIDENCE_INCOMPLETE, "sig-2", records[signed].version)
    ]
    assert "certificate or seal id" in found[0].detail
    assert found[0].title_zh == "签章凭证不全"


def test_anonymising_strikes_the_signer_and_keeps_the_digest_and_certificate() -> None:
    """After the retention period the signer's name goes, but the file can still be checked."""
    phone = "13812345678"  # the signer's phone, erased wherever it was copied, but not out of a digest
    digits = FileDigest(algorithm=DigestAlgorithm.SHA256, hex=phone + "0" * 53)
    evidence = electronic("王建国", signed_file=digits, certificate=f"CA{phone}")
    event = AgreementSigned(
        signature=Signature(kind=SignatoryKind.PARTY, signer_id="p1", mark=Mark.SIGNATURE, on=D0, evidence=evidence)
    )
    kept = anonymised_event(event, ("王建国",), erase=(phone,))
    assert isinstance(kept, AgreementSigned)
    assert kept.signature.evidence is not None
    assert "王建国" not in kept.signature.evidence.signer
    assert kept.signature.evidence.signed_file == digits
    assert kept.signature.evidence.certificate == f"CA{phone}"
