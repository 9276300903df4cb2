"""Agreements: oral (effective the day reached) and written (effective on the last signature).

人民调解法 arts. 28–30 and 33; 人民调解工作若干规定 art. 35; 民诉法解释 art. 355.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from attrs import field, frozen

from mediation_core.domain.values.digests import FileDigest


class AgreementForm(enum.Enum):
    ORAL = "oral"  # 口头协议
    WRITTEN = "written"  # 调解协议书


class AgreementSubject(enum.Enum):
    """What the agreement settles; some subjects can never be judicially confirmed."""

    CIVIL_RIGHTS = "civil_rights"  # ordinary civil rights and duties
    IDENTITY_RELATION = "identity_relation"  # 婚姻、亲子、收养等身份关系
    REAL_RIGHT_OWNERSHIP = "real_right_ownership"  # 物权确权
    IP_OWNERSHIP = "ip_ownership"  # 知识产权确权

    @property
    def confirmable(self) -> bool:
        """民诉法解释 art. 355: identity relations and ownership confirmations are excluded."""
        return self is AgreementSubject.CIVIL_RIGHTS


class SignatoryKind(enum.Enum):
    """Who marks the agreement. ``GUARDIAN`` is the guardian (legal representative) of the party
    named by ``signer_id``, a minor or an adult without full capacity (民法典 arts. 19–23)."""

    PARTY = "party"
    MEDIATOR = "mediator"
    COMMITTEE_SEAL = "committee_seal"
    GUARDIAN = "guardian"

    @property
    def title_zh(self) -> str:
        return {
            "party": "当事人",
            "mediator": "人民调解员",
            "committee_seal": "人民调解委员会印章",
            "guardian": "监护人（法定代理人）",
        }[self.value]

    @property
    def per_signer(self) -> bool:
        """Each party (or each ward's guardian) marks once; the mediator and the seal once in all."""
        return self in (SignatoryKind.PARTY, SignatoryKind.GUARDIAN)


class Mark(enum.Enum):
    """How a signatory marked the agreement (签名、盖章或者按指印)."""

    SIGNATURE = "signature"
    SEAL = "seal"
    FINGERPRINT = "fingerprint"

    @property
    def title_zh(self) -> str:
        return {"signature": "签名", "seal": "盖章", "fingerprint": "按指印"}[self.value]


class EvidenceKind(enum.Enum):
    """What proves a mark: a handwritten signature, an electronic signature or seal, a fingerprint."""

    HANDWRITTEN = "handwritten"  # 手写签名
    ELECTRONIC_SIGNATURE = "electronic_signature"  # 电子签名
    ELECTRONIC_SEAL = "electronic_seal"  # 电子印章
    FINGERPRINT = "fingerprint"  # 捺印

    @property
    def title_zh(self) -> str:
        return _EVIDENCE_TITLES[self]

    @property
    def electronic(self) -> bool:
        return self in (EvidenceKind.ELECTRONIC_SIGNATURE, EvidenceKind.ELECTRONIC_SEAL)

    @property
    def mark(self) -> Mark:
        """The mark this evidence proves (签名、盖章或者按指印)."""
        return _EVIDENCE_MARKS[self]


_EVIDENCE_TITLES = {
    EvidenceKind.HANDWRITTEN: "手写签名",
    EvidenceKind.ELECTRONIC_SIGNATURE: "电子签名",
    EvidenceKind.ELECTRONIC_SEAL: "电子印章",
    EvidenceKind.FINGERPRINT: "捺印",
}
_EVIDENCE_MARKS = {
    EvidenceKind.HANDWRITTEN: Mark.SIGNATURE,
    EvidenceKind.ELECTRONIC_SIGNATURE: Mark.SIGNATURE,
    EvidenceKind.ELECTRONIC_SEAL: Mark.SEAL,
    EvidenceKind.FINGERPRINT: Mark.FINGERPRINT,
}


@frozen(kw_only=True)
class SignatureEvidence:
    """What the case file keeps of a mark: its kind, the signer as the mark names them, the
    certificate serial of an electronic signature or the id of a seal (``certificate``), the
    digest of the signed file and when it was signed (with its time zone). An electronic
    signature or seal records its certificate or seal id and the signed file's digest
    (电子签名法（2019年修正） 第13条: any change after signing can be detected)."""

    kind: EvidenceKind
    signer: str
    certificate: str = ""
    signed_file: FileDigest | None = None
    signed_at: dt.datetime | None = None

    def lines_zh(self) -> tuple[str, ...]:
        """The evidence as the agreement prints it."""
        lines = [f"签署方式：{self.kind.title_zh}；签署人：{self.signer}"]
        if self.certificate:
            label = "印章编号" if self.kind in (EvidenceKind.ELECTRONIC_SEAL,) else "证书序列号"
            lines.append(f"{label}：{self.certificate}")
        if self.signed_file is not None:
            lines.append(f"签署文件摘要（{self.signed_file.algorithm.title_zh}）：{self.signed_file.hex}")
        if self.signed_at is not None:
            at = self.signed_at
            lines.append(f"签署时间：{at.year}年{at.month}月{at.day}日 {at:%H:%M}")
        return tuple(lines)


@frozen(kw_only=True)
class Signature:
    """One mark on the written agreement. ``signer_id`` is a party or mediator id; ``evidence``
    what proves the mark, where it was recorded."""

    kind: SignatoryKind
    signer_id: str
    mark: Mark
    on: dt.date
    evidence: SignatureEvidence | None = None


@frozen(kw_only=True)
class Responsibility:
    """A party's responsibility as the agreement states it."""

    party_id: str
    text: str


@frozen(kw_only=True)
class WrittenTerms:
    """The contents of a written agreement (人民调解法 art. 29; 若干规定 art. 35)."""

    facts: str
    points_in_dispute: str
    responsibilities: tuple[Responsibility, ...]
    obligations: str
    performance_method: str
    performance_place: str
    performance_deadline: dt.date
    subject: AgreementSubject = AgreementSubject.CIVIL_RIGHTS


@frozen(kw_only=True)
class Agreement:
    """A concluded agreement as the case file holds it."""

    form: AgreementForm
    effective_on: dt.date
    subject: AgreementSubject
    content: str = ""
    terms: WrittenTerms | None = None
    signatures: tuple[Signature, ...] = field(factory=tuple)
    copies: int = 0
    immediate_performance: bool = True


def _signatory_key(kind: SignatoryKind, signer_id: str) -> str:
    if kind is SignatoryKind.PARTY:
        return signer_id
    if kind is SignatoryKind.GUARDIAN:
        return f"guardian:{signer_id}"
    key: str = kind.value
    return key


def written_effective_on(
    party_ids: Iterable[str], signatures: Iterable[Signature], wards: Iterable[str] = ()
) -> dt.date | None:
    """The latest of every party's mark, the mediator's signature and the committee seal;
    ``None`` while any of them is missing (人民调解法 art. 29, §9 rule 3). For each of the
    ``wards`` (parties under 18 or without full capacity) the guardian's mark is required in
    place of the party's own (民法典 arts. 19–23)."""
    sigs = tuple(signatures)
    latest: dict[str, dt.date] = {}
    for s in sigs:
        key = _signatory_key(s.kind, s.signer_id)
        latest[key] = max(latest.get(key, s.on), s.on)
    under_guardian = set(wards)
    needed = [
        *(_signatory_key(SignatoryKind.GUARDIAN, p) if p in under_guardian else p for p in party_ids),
        SignatoryKind.MEDIATOR.value,
        SignatoryKind.COMMITTEE_SEAL.value,
    ]
    if any(k not in latest for k in needed):
        return None
    return max(latest[k] for k in needed)


def copies_for(party_count: int) -> int:
    """Each party keeps one copy and the committee keeps one (§9 rule 5)."""
    return party_count + 1


JUDICIAL_CONFIRMATION_DAYS = 30
"""Joint application within 30 days of the agreement taking effect (人民调解法 art. 33)."""
