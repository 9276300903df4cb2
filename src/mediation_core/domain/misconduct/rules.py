"""The finding rules, each with its legal basis: removal only for a serious finding, a
registered mediator and stated facts, and a reason for a revocation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.lifecycle import blank
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.misconduct.commands import RecordMisconduct, RevokeFinding
from mediation_core.domain.misconduct.kinds import Sanction
from mediation_core.domain.misconduct.state import MisconductFinding

ART_15 = "人民调解法 第15条"


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
