"""Misconduct findings against mediators (人民调解法 art. 15) and recusal breaches.

Art. 15 names four prohibited acts: favouring a party, insulting a party, soliciting or
accepting property or other improper benefit, and leaking a party's privacy or trade secrets.
A confirmed finding is met at least with criticism and an order to correct; only a serious
one allows removal or dismissal (docs/legal-basis.md §1.3.6, §9 rule 11). A breach of the duty to step aside
(应当回避而未回避, 人民调解工作若干规定) is recorded the same way. Findings feed the year-end
evaluation's discipline dimension; a finding overturned on review is revoked, not deleted.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from typing import Any, ClassVar

from attrs import frozen

from mediation_core.domain.case.events import DomainEvent
from mediation_core.domain.case.rules.common import date_not_in_future
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.lifecycle import Lifecycle, blank
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule

ART_15 = "人民调解法 第15条"


class MisconductKind(enum.Enum):
    PARTIALITY = "partiality"  # 偏袒一方当事人
    INSULT = "insult"  # 侮辱当事人
    IMPROPER_BENEFIT = "improper_benefit"  # 索取、收受财物或者牟取其他不正当利益
    PRIVACY_LEAK = "privacy_leak"  # 泄露当事人的个人隐私、商业秘密
    RECUSAL_BREACH = "recusal_breach"  # 应当回避而未回避

    @property
    def title_zh(self) -> str:
        return _TITLES[self]

    @property
    def under_art_15(self) -> bool:
        """One of the four acts 人民调解法 art. 15 prohibits."""
        return self is not MisconductKind.RECUSAL_BREACH


_TITLES = {
    MisconductKind.PARTIALITY: "偏袒一方当事人",
    MisconductKind.INSULT: "侮辱当事人",
    MisconductKind.IMPROPER_BENEFIT: "索取、收受财物或者牟取其他不正当利益",
    MisconductKind.PRIVACY_LEAK: "泄露当事人的个人隐私、商业秘密",
    MisconductKind.RECUSAL_BREACH: "应当回避而未回避",
}


class Sanction(enum.Enum):
    """What follows a confirmed finding; criticism is the least a finding carries."""

    CRITICISM = "criticism"  # 批评教育、责令改正
    REMOVAL = "removal"  # 罢免或者解聘

    @property
    def title_zh(self) -> str:
        return "批评教育、责令改正" if self is Sanction.CRITICISM else "罢免或者解聘"


class FindingStatus(enum.Enum):
    CONFIRMED = "confirmed"
    REVOKED = "revoked"

    @property
    def title_zh(self) -> str:
        return "已认定" if self is FindingStatus.CONFIRMED else "已撤销"


@frozen(kw_only=True)
class FindingCommand:
    finding_id: str

    @property
    def stream_id(self) -> str:
        return self.finding_id


@frozen(kw_only=True)
class RecordMisconduct(FindingCommand):
    """认定违纪: the mediator and their room, the act, the facts, whether it is serious, and
    the sanction."""

    mediator_id: str
    room_id: str
    kind: MisconductKind
    on: dt.date
    facts: str
    case_id: str = ""
    serious: bool = False
    sanction: Sanction = Sanction.CRITICISM


@frozen(kw_only=True)
class RevokeFinding(FindingCommand):
    """撤销: the finding was overturned on review."""

    on: dt.date
    reason: str


@frozen(kw_only=True)
class MisconductFound(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "misconduct.found"
    mediator_id: str
    room_id: str
    kind: MisconductKind
    on: dt.date
    facts: str
    case_id: str
    serious: bool
    sanction: Sanction


@frozen(kw_only=True)
class FindingRevoked(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "misconduct.revoked"
    on: dt.date
    reason: str


@frozen(kw_only=True)
class MisconductFinding:
    """A finding as the fold of its events."""

    stream_id: str
    version: int
    status: FindingStatus
    mediator_id: str
    room_id: str
    kind: MisconductKind
    on: dt.date
    facts: str
    case_id: str
    serious: bool
    sanction: Sanction
    revoked_on: dt.date | None = None
    revocation_reason: str = ""

    @property
    def confirmed(self) -> bool:
        return self.status is FindingStatus.CONFIRMED


@rule(
    "removal_needs_serious_finding",
    basis=f"{ART_15} (情节严重的，由推选或者聘任单位予以罢免或者解聘)",
    kind=RuleKind.HARD,
    zh="调解员有违纪行为的，予以批评教育、责令改正；情节严重的方可罢免或者解聘",
    en="a finding carries criticism and correction; only a serious one allows removal",
    section9=(11,),
)
def removal_needs_serious_finding(cmd: RecordMisconduct, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.sanction is Sanction.REMOVAL and not cmd.serious:
        yield removal_needs_serious_finding.violation(
            "sanction", "情节不严重的，不得罢免或者解聘", "removal needs a finding marked serious"
        )


@rule(
    "finding_recorded",
    basis=f"{ART_15}; 人民调解工作若干规定 (回避)",
    kind=RuleKind.STANDARD,
    zh="违纪认定须针对登记的调解员并写明事实",
    en="a finding names a registered mediator and states the facts",
)
def finding_recorded(cmd: RecordMisconduct, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    mediator = ctx.registry.mediators.get(cmd.mediator_id)
    if mediator is None or mediator.room_id != cmd.room_id:
        yield finding_recorded.violation(
            "mediator_id",
            f"{cmd.mediator_id} 不是 {cmd.room_id} 登记的调解员",
            f"{cmd.mediator_id} is not a registered mediator of {cmd.room_id}",
        )
    if blank(cmd.facts):
        yield finding_recorded.violation("facts", "须写明违纪事实", "the facts must not be blank")


@rule(
    "revocation_explained",
    basis=f"{ART_15}; 复查更正留痕",
    kind=RuleKind.STANDARD,
    zh="撤销违纪认定须说明理由",
    en="a revoked finding records why",
)
def revocation_explained(cmd: RevokeFinding, state: MisconductFinding, ctx: DecisionContext) -> Iterator[Violation]:
    if blank(cmd.reason):
        yield revocation_explained.violation("reason", "须说明撤销理由", "the reason must not be blank")


def _found(cmd: RecordMisconduct, state: None, ctx: DecisionContext) -> list[DomainEvent]:
    return [
        MisconductFound(
            mediator_id=cmd.mediator_id,
            room_id=cmd.room_id,
            kind=cmd.kind,
            on=cmd.on,
            facts=cmd.facts,
            case_id=cmd.case_id,
            serious=cmd.serious,
            sanction=cmd.sanction,
        )
    ]


def _start(stream_id: str, e: MisconductFound) -> MisconductFinding:
    return MisconductFinding(
        stream_id=stream_id,
        version=0,
        status=FindingStatus.CONFIRMED,
        mediator_id=e.mediator_id,
        room_id=e.room_id,
        kind=e.kind,
        on=e.on,
        facts=e.facts,
        case_id=e.case_id,
        serious=e.serious,
        sanction=e.sanction,
    )


TRANSITIONS = {
    (None, MisconductFound): FindingStatus.CONFIRMED,
    (FindingStatus.CONFIRMED, FindingRevoked): FindingStatus.REVOKED,
}
DECIDERS: dict[type, Decider] = {}
finding_lifecycle = lifecycle_rule(
    "finding_lifecycle",
    what_zh="违纪认定",
    what_en="misconduct finding",
    id_field="finding_id",
    deciders=DECIDERS,
    transitions=TRANSITIONS,
    creating=MisconductFound,
    basis=ART_15,
)
DECIDERS.update(
    {
        RecordMisconduct: Decider(
            emits=MisconductFound,
            rules=(finding_lifecycle, date_not_in_future, finding_recorded, removal_needs_serious_finding),
            build=_found,
        ),
        RevokeFinding: Decider(
            emits=FindingRevoked,
            rules=(finding_lifecycle, date_not_in_future, revocation_explained),
            build=lambda cmd, state, ctx: [FindingRevoked(on=cmd.on, reason=cmd.reason)],
        ),
    }
)
FINDINGS = Lifecycle(
    name="misconduct",
    transitions=TRANSITIONS,
    start=_start,
    apply={FindingRevoked: lambda s, e: {"revoked_on": e.on, "revocation_reason": e.reason}},
    deciders=DECIDERS,
)
