"""What a referral letter carries besides its text: consent evidence, the stream that issued
it, the declination letter a room sends back, and the feedback a case reports."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from attrs import frozen

from mediation_core.domain.case.followups import Performance
from mediation_core.domain.case.outcomes import DeclineReason
from mediation_core.domain.reporting.ledger import Outcome


class ConsentForm(enum.Enum):
    """How a party's consent to people's mediation is evidenced."""

    WRITTEN = "written"  # 书面同意 (签字)
    RECORDED = "recorded"  # 笔录或执法记录仪记录
    ORAL = "oral"  # 口头同意 (经办人记明)


@frozen(kw_only=True)
class ConsentEvidence:
    """One party's consent to (or explicit refusal of) people's mediation, and its evidence."""

    party_id: str
    consents: bool
    on: dt.date
    form: ConsentForm
    reference: str = ""


def latest_consent(consents: Iterable[ConsentEvidence], party_id: str) -> ConsentEvidence | None:
    """The party's latest consent record: a later date, or a later record on the same date,
    supersedes an earlier one (a party may refuse after consenting, or consent after refusing)."""
    found = [(c.on, i, c) for i, c in enumerate(consents) if c.party_id == party_id]
    return max(found, key=lambda t: (t[0], t[1]))[2] if found else None


class OriginKind(enum.Enum):
    """The aggregate whose decision issued a referral."""

    POLICE_CASE = "police_case"  # 治安案件 (委托)
    DISPATCH = "dispatch"  # 110接处警
    TRAFFIC = "traffic"  # 道路交通事故联合调解


@frozen(kw_only=True)
class Origin:
    """The stream that issued a referral; it is told the result."""

    kind: OriginKind
    stream_id: str


class ExcludedMatter(enum.Enum):
    """Matters a room does not take even with consent (docs/legal-basis.md §1.3.11, §3.9)."""

    STATUTORY_PROCEDURE = "statutory_procedure"  # 须经诉讼、复议、检察或公安机关法定程序处理
    ADMINISTRATIVE_DISPUTE = "administrative_dispute"  # 与行政机关之间的行政争议
    SUSPECTED_CRIME = "suspected_crime"  # 涉嫌犯罪、应当依法追究刑事责任

    @property
    def title_zh(self) -> str:
        return _EXCLUDED_TITLES[self]


_EXCLUDED_TITLES = {
    ExcludedMatter.STATUTORY_PROCEDURE: "依法须通过诉讼、复议、检察或公安机关法定程序处理的事项",
    ExcludedMatter.ADMINISTRATIVE_DISPUTE: "与行政机关之间的行政争议",
    ExcludedMatter.SUSPECTED_CRIME: "涉嫌犯罪、应当依法追究刑事责任的事项",
}


@frozen(kw_only=True)
class Addressee:
    """Who a letter goes to: a party (``party_id``) or an organisation (``org_id``)."""

    name: str
    party_id: str = ""
    org_id: str = ""


@frozen(kw_only=True)
class DeclinationLetter:
    """不予调解函: the room's reasoned refusal, addressed to every party and to the referrer
    (宁波市人民调解条例 art. 19; docs/legal-basis.md §3.3, §9 rule 39)."""

    referral_letter: str
    reason: DeclineReason
    text: str
    addressees: tuple[Addressee, ...]
    on: dt.date
    number: str = ""  # the room's own letter number (Policy.decline_letter_format); "" on older letters


@frozen(kw_only=True)
class Feedback:
    """One report back (反馈) to the referrer: the case's result, or later its performance."""

    on: dt.date
    case_id: str
    outcome: Outcome
    agreement_form: str | None = None
    termination_reason: str | None = None
    performance: Performance | None = None


class FeedbackKind(enum.Enum):
    """What a room's report to the stream that referred a dispute says."""

    DECLINED = "declined"  # 不予调解 / 退回 / 撤回: ended without mediation
    SETTLED = "settled"
    FAILED = "failed"
    PERFORMED = "performed"
    NOT_PERFORMED = "not_performed"  # including partly performed
