"""Rules every dated command obeys: no future dates, nothing before the case existed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Protocol

from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.values.parties import Party


def command_date(command: Any) -> tuple[str, dt.date] | None:
    """The command's own date field and value, if it has one."""
    for name in ("on", "received_on", "issued_on", "accepted_on"):
        value = getattr(command, name, None)
        if isinstance(value, dt.date):
            return name, value
    return None


@rule(
    "date_not_in_future",
    basis="记录真实性 (人民调解法 第27条)",
    kind=RuleKind.HARD,
    zh="日期不得晚于今天",
    en="the date may not be later than today",
)
def date_not_in_future(cmd: Any, state: CaseState | None, ctx: DecisionContext) -> Iterator[Violation]:
    found = command_date(cmd)
    if found and found[1] > ctx.today:
        name, value = found
        yield date_not_in_future.violation(
            name,
            f"日期 {value.isoformat()} 晚于今天 {ctx.today.isoformat()}",
            f"{value.isoformat()} is after today ({ctx.today.isoformat()})",
        )


@rule(
    "date_in_case_order",
    basis="记录真实性 (人民调解法 第27条)",
    kind=RuleKind.HARD,
    zh="日期不得早于登记日或受理日",
    en="the date may not precede the case's registration or acceptance",
)
def date_in_case_order(cmd: Any, state: CaseState | None, ctx: DecisionContext) -> Iterator[Violation]:
    found = command_date(cmd)
    if state is None or found is None:
        return
    name, value = found
    floor = state.accepted_on or state.received_on
    if value < floor:
        yield date_in_case_order.violation(
            name,
            f"日期 {value.isoformat()} 早于 {floor.isoformat()}",
            f"{value.isoformat()} is before {floor.isoformat()}",
        )


class HasParties(Protocol):
    """A case, a referral or a 治安 case: anything that knows its parties."""

    def party(self, party_id: str) -> Party | None: ...


def known_party(state: HasParties, party_id: str, field: str) -> Iterator[Violation]:
    """A violation of ``party_known`` when ``party_id`` is not a party of the case."""
    if state.party(party_id) is None:
        yield party_known.violation(
            field, f"当事人 {party_id!r} 不是本案当事人", f"{party_id!r} is not a party to this case"
        )


@rule(
    "party_known",
    basis="人民调解法 第23条",
    kind=RuleKind.HARD,
    zh="须为本案当事人",
    en="must be a party to the case",
)
def party_known(cmd: Any, state: CaseState | None, ctx: DecisionContext) -> Iterator[Violation]:
    if state is None:
        return
    for name in ("party_id",):
        value = getattr(cmd, name, None)
        if isinstance(value, str):
            yield from known_party(state, value, name)
    for name in ("consenting_party_ids", "party_ids", "applicant_ids", "private_requested_by", "written_requested_by"):
        for i, value in enumerate(getattr(cmd, name, ()) or ()):
            yield from known_party(state, value, f"{name}[{i}]")


def text_required(cmd: Any, names: tuple[str, ...], which: Any) -> Iterator[Violation]:
    """Violations of rule ``which`` for each named text field that is blank."""
    for name in names:
        value = getattr(cmd, name, "")
        if not isinstance(value, str) or not value.strip():
            yield which.violation(name, f"{name} 不得为空", f"{name} must not be blank")


_RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    "FileDocument": ("title",),
    "RecordInvestigation": ("investigator_id", "subject", "content"),
    "HoldSession": ("place", "summary"),
    "ScheduleSession": ("place",),
    "RequestRecusal": ("reason",),
    "ArchiveCase": ("archivist_id",),
    "DeclineCase": (),
    "RecordAssessment": ("kind", "result"),
    "RecordPoliceMediationFailed": ("reason",),
}


@rule(
    "record_complete",
    basis="人民调解法 第27条 (调解工作记录)",
    kind=RuleKind.STANDARD,
    zh="记录的必填内容不得为空",
    en="a record's required text may not be blank",
)
def record_complete(cmd: Any, state: CaseState | None, ctx: DecisionContext) -> Iterator[Violation]:
    yield from text_required(cmd, _RECORD_FIELDS.get(type(cmd).__name__, ()), record_complete)
