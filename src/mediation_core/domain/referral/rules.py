"""Referrals (移送 / 委托): the letter, its source and mode, and the room's acceptance checks.

The national law only says that the police may tell the parties to apply to a committee
(人民调解法 art. 18); the letter, consent and feedback rules are provincial and local
(docs/legal-basis.md §3), so what is not law is policy or a standard of the forms.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediation_core.domain.case.outcomes import DeclineReason
from mediation_core.domain.case.rules.common import command_date, text_required
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.referral.commands import (
    AcceptReferral,
    DeclineReferral,
    IssueLinkedReferral,
    IssueReferral,
    ReturnReferral,
    WithdrawReferral,
)
from mediation_core.domain.referral.letters import ConsentEvidence, OriginKind, latest_consent
from mediation_core.domain.referral.state import ReferralState
from mediation_core.domain.values.organisations import OrgKind
from mediation_core.domain.values.sources import CaseSource, ReferralMode

STATION_SOURCES = frozenset(
    {
        CaseSource.DISPATCH_110,
        CaseSource.COMMUNITY_VISIT,
        CaseSource.ONLINE_PATROL,
        CaseSource.STATION_TRANSFER,
        CaseSource.STATION_ENTRUSTMENT,
        CaseSource.WALK_IN,
    }
)
"""Sources whose letter a police station issues (WALK_IN: the station told a party who came to
it to apply to the room, 人民调解法 art. 18)."""

EXTERNAL_SOURCES = frozenset(
    {CaseSource.TRAFFIC_POLICE, CaseSource.COURT, CaseSource.PETITION_OFFICE, CaseSource.OTHER_AGENCY}
)
"""Sources whose letter comes from a body outside the registry; the room records it."""


def issued_by_station(source: CaseSource) -> bool:
    """True when a police station issues letters of ``source`` (and numbers them)."""
    return source in STATION_SOURCES


@rule(
    "referral_date_order",
    basis="记录真实性 (人民调解法 第27条)",
    kind=RuleKind.HARD,
    zh="日期不得早于移送/委托函的日期",
    en="the date may not precede the referral letter's date",
)
def referral_date_order(cmd: Any, state: ReferralState | None, ctx: DecisionContext) -> Iterator[Violation]:
    found = command_date(cmd)
    if state is None or found is None:
        return
    name, value = found
    if value < state.issued_on:
        yield referral_date_order.violation(
            name,
            f"日期 {value.isoformat()} 早于函件日期 {state.issued_on.isoformat()}",
            f"{value.isoformat()} is before the letter's date {state.issued_on.isoformat()}",
        )


@rule(
    "referral_source_and_mode",
    basis="公安机关办理行政案件程序规定 第186条; 移送与委托的区分 (see docs/legal-basis.md §3.4)",
    kind=RuleKind.STANDARD,
    zh="案件来源须为移送/委托渠道并与移送或委托方式一致；派出所委托须由其治安案件发出",
    en="the source must be a referral channel matching the mode; a station's entrustment comes from its 治安 case",
)
def referral_source_and_mode(cmd: IssueReferral, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.source not in STATION_SOURCES | EXTERNAL_SOURCES:
        yield referral_source_and_mode.violation(
            "source", f"「{cmd.source.title_zh}」不是移送/委托渠道", f"{cmd.source.value} is not a referral channel"
        )
    if cmd.source is CaseSource.STATION_TRANSFER and cmd.mode is not ReferralMode.TRANSFER:
        yield referral_source_and_mode.violation("mode", "派出所移送须为移送方式", "a station transfer is a transfer")
    if cmd.source is CaseSource.STATION_ENTRUSTMENT and cmd.mode is not ReferralMode.ENTRUSTMENT:
        yield referral_source_and_mode.violation(
            "mode", "派出所委托须为委托方式", "a station entrustment is an entrustment"
        )
    from_police_case = isinstance(cmd, IssueLinkedReferral) and cmd.origin.kind is OriginKind.POLICE_CASE
    if cmd.mode is ReferralMode.ENTRUSTMENT and issued_by_station(cmd.source) and not from_police_case:
        yield referral_source_and_mode.violation(
            "mode",
            "派出所委托调解须由其受理的治安案件发出（公安机关保留案件，等待反馈）",
            "a station entrusts a dispute from the 治安 case it keeps (EntrustToRoom), which receives the result",
        )


@rule(
    "referral_issuer_known",
    basis="人民调解法 第18条; 公调对接 移送人民调解函 (see docs/legal-basis.md §3.2)",
    kind=RuleKind.STANDARD,
    zh="派出所的移送/委托函须由名册中的派出所发出；其他机关的函须写明机关名称",
    en="a station's letter comes from a registered police station; another body's letter names that body",
)
def referral_issuer_known(cmd: IssueReferral, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    if issued_by_station(cmd.source):
        org = ctx.registry.org(cmd.issuer_id)
        if org is None or org.kind is not OrgKind.POLICE_STATION:
            yield referral_issuer_known.violation(
                "issuer_id", f"未知的派出所 {cmd.issuer_id!r}", f"unknown police station {cmd.issuer_id!r}"
            )
    else:
        yield from text_required(cmd, ("issuer_id", "issuer_name"), referral_issuer_known)


@rule(
    "referral_letter_complete",
    basis=(
        "川司法发〔2016〕65号实施方案 (移送人民调解函; see docs/legal-basis.md §3.2); 宁波市人民调解条例 第19条 "
        "(委托调解函)"
    ),
    kind=RuleKind.STANDARD,
    zh="移送/委托函须写明案由、简要案情，由负责人签发；其他机关的函须有文号",
    en="a referral letter states the cause and the facts and is signed by a responsible leader; "
    "another body's letter bears its number",
    section9=(39,),
)
def referral_letter_complete(cmd: IssueReferral, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    yield from text_required(cmd, ("signed_by", "cause", "facts"), referral_letter_complete)
    if not issued_by_station(cmd.source):
        yield from text_required(cmd, ("letter_number",), referral_letter_complete)
    if cmd.amount_involved < 0:
        yield referral_letter_complete.violation(
            "amount_involved", "涉及金额不得为负", "the amount may not be negative"
        )


@rule(
    "consent_evidence_valid",
    basis="人民调解法 第17条 (自愿); 宁波市人民调解条例 第19条",
    kind=RuleKind.STANDARD,
    zh="同意调解的证明须属于函中所列当事人，且日期真实",
    en="consent evidence belongs to a party named in the letter and is not dated in the future",
)
def consent_evidence_valid(cmd: Any, state: ReferralState | None, ctx: DecisionContext) -> Iterator[Violation]:
    named = {p.party_id for p in (state.parties if state is not None else cmd.parties)}
    consents: tuple[ConsentEvidence, ...] = cmd.consents
    for i, consent in enumerate(consents):
        if consent.party_id not in named:
            yield consent_evidence_valid.violation(
                f"consents[{i}].party_id",
                f"{consent.party_id!r} 不是函中所列当事人",
                f"{consent.party_id!r} is not a party named in the letter",
            )
        if consent.on > ctx.today:
            yield consent_evidence_valid.violation(
                f"consents[{i}].on", "同意日期晚于今天", "the consent is dated after today"
            )


@rule(
    "every_party_consents",
    basis="人民调解法（2010）第3条、第17条 (see docs/legal-basis.md §3.9)",
    kind=RuleKind.HARD,
    zh="一方当事人明确拒绝调解的，不得受理移送或委托调解",
    en="a referred dispute is not accepted while a party's explicit refusal stands",
    section9=(1, 39),
)
def every_party_consents(cmd: AcceptReferral, state: ReferralState, ctx: DecisionContext) -> Iterator[Violation]:
    for party in state.parties:
        latest = latest_consent((*state.consents, *cmd.consents), party.party_id)
        if latest is not None and not latest.consents:
            yield every_party_consents.violation(
                f"consents[{party.party_id}]",
                f"当事人 {party.name}（{party.party_id}）明确拒绝调解",
                f"{party.party_id} explicitly refused mediation",
            )


@rule(
    "consent_on_record",
    basis="宁波市人民调解条例（2014）第19条 (委托须经当事人同意); local practice, Policy.referral_consent_recorded "
    "(see docs/legal-basis.md §3.9)",
    kind=RuleKind.POLICY,
    zh="按本县政策，移送或委托调解须有每一方当事人同意调解的记录",
    en="by county policy, a referred dispute is accepted only with every party's consent on record",
    section9=(39,),
)
def consent_on_record(cmd: AcceptReferral, state: ReferralState, ctx: DecisionContext) -> Iterator[Violation]:
    if not ctx.policy.referral_consent_recorded:
        return
    for party in state.parties:
        if latest_consent((*state.consents, *cmd.consents), party.party_id) is None:
            yield consent_on_record.violation(
                f"consents[{party.party_id}]",
                f"没有当事人 {party.name}（{party.party_id}）同意调解的记录",
                f"no consent of {party.party_id} is recorded",
            )


@rule(
    "referral_matter_not_excluded",
    basis="人民调解法 第2条 (民间纠纷); 人民调解工作若干规定 第22条 (不予受理; see docs/legal-basis.md §1.3.11, §3.9)",
    kind=RuleKind.HARD,
    zh="须经诉讼、复议、检察或公安机关法定程序处理的事项、行政争议和涉嫌犯罪的事项不属人民调解范围",
    en="matters for litigation, review, prosecution or police procedure, administrative disputes and "
    "suspected crimes are outside people's mediation",
    section9=(15,),
)
def referral_matter_not_excluded(
    cmd: AcceptReferral, state: ReferralState, ctx: DecisionContext
) -> Iterator[Violation]:
    for i, matter in enumerate(cmd.excluded_matters):
        yield referral_matter_not_excluded.violation(
            f"excluded_matters[{i}]", f"属于{matter.title_zh}", f"excluded: {matter.value.replace('_', ' ')}"
        )


@rule(
    "referral_reason_given",
    basis="宁波市人民调解条例 第19条 (不予调解函; see docs/legal-basis.md §3.3)",
    kind=RuleKind.STANDARD,
    zh="不予调解、退回或撤回须说明理由；以“其他”理由不予调解的须写明具体情况",
    en="declining, returning or withdrawing states its reason; declining for 'other' reasons explains them",
    section9=(39,),
)
def referral_reason_given(cmd: Any, state: ReferralState, ctx: DecisionContext) -> Iterator[Violation]:
    if isinstance(cmd, DeclineReferral):
        if cmd.reason is DeclineReason.OTHER and not cmd.note.strip():
            yield referral_reason_given.violation("note", "须写明不予调解的具体理由", "explain the reason")
    elif isinstance(cmd, ReturnReferral | WithdrawReferral):
        yield from text_required(cmd, ("reason",), referral_reason_given)


@rule(
    "feedback_for_linked_case",
    basis="宁波市人民调解条例 第19条 (及时反馈)",
    kind=RuleKind.HARD,
    zh="反馈须来自该移送/委托所立的案件",
    en="feedback comes from the case the referral opened",
)
def feedback_for_linked_case(cmd: Any, state: ReferralState, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.case_id != state.case_id:
        yield feedback_for_linked_case.violation(
            "case_id", f"案件 {cmd.case_id} 不是本函所立案件", f"case {cmd.case_id} was not opened by this referral"
        )
