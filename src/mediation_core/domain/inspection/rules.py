"""The inspection rules, each with its legal basis: what an inspection records, a dated
rectification for its problems, and a reported rectification."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediation_core.domain.inspection.commands import RecordInspection, RecordRectification
from mediation_core.domain.inspection.state import Inspection
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.lifecycle import blank
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule

INSPECTION_BASIS = "「公调对接」工作督导检查 (地方实践; see docs/legal-basis.md §10.7)"


@rule(
    "inspection_recorded",
    basis=INSPECTION_BASIS,
    kind=RuleKind.STANDARD,
    zh="督导检查须记录检查单位、被检查单位、检查人员和检查情况",
    en="an inspection records the inspecting and inspected bodies, the inspectors and the findings",
)
def inspection_recorded(cmd: RecordInspection, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    for field in ("org_id", "by_org_id"):
        org_id = getattr(cmd, field)
        if ctx.registry.org(org_id) is None:
            yield inspection_recorded.violation(field, f"{org_id} 不是登记的单位", f"{org_id} is not registered")
    if not cmd.inspectors or any(blank(i) for i in cmd.inspectors):
        yield inspection_recorded.violation("inspectors", "须记录检查人员", "the inspectors must be named")
    if blank(cmd.findings):
        yield inspection_recorded.violation("findings", "检查情况不得为空", "the findings must not be blank")
    if any(blank(p) for p in cmd.problems):
        yield inspection_recorded.violation("problems", "问题描述不得为空", "a problem must be described")


@rule(
    "rectification_dated",
    basis=f"{INSPECTION_BASIS}; 限期整改",
    kind=RuleKind.STANDARD,
    zh="发现问题须限期整改（期限不早于检查日期）；未发现问题不设整改期限",
    en="problems get a rectification date on or after the inspection; no problems, no date",
)
def rectification_dated(cmd: RecordInspection, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    due = cmd.rectification_due
    if cmd.problems and (due is None or due < cmd.on):
        yield rectification_dated.violation(
            "rectification_due", "发现问题须设定不早于检查日期的整改期限", "problems need a rectification date"
        )
    if not cmd.problems and due is not None:
        yield rectification_dated.violation("rectification_due", "未发现问题，无需整改期限", "nothing to rectify")


@rule(
    "rectification_reported",
    basis=f"{INSPECTION_BASIS}; 整改情况报告",
    kind=RuleKind.STANDARD,
    zh="只有发现问题的检查才需整改，整改须说明情况且不早于检查日期",
    en="only an inspection with problems is rectified, with a note, on or after the inspection",
)
def rectification_reported(cmd: RecordRectification, state: Inspection, ctx: DecisionContext) -> Iterator[Violation]:
    if not state.problems:
        yield rectification_reported.violation("inspection_id", "该检查未发现问题", "the inspection found no problems")
    if blank(cmd.note):
        yield rectification_reported.violation("note", "须说明整改情况", "the note must not be blank")
    if cmd.on < state.on:
        yield rectification_reported.violation("on", "整改日期早于检查日期", "rectified before the inspection")
