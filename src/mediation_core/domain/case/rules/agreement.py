"""Agreements: oral and written forms, required fields and signatures (人民调解法 arts. 28–30)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediation_core.domain.case.agreements import EvidenceKind, SignatoryKind
from mediation_core.domain.case.commands import DraftWrittenAgreement, ReachOralAgreement, SignAgreement
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.parties import GroupParty, NaturalPerson, Party, needs_guardian_signature
from mediation_core.domain.values.policy import POLICE_BINDING_TERMS


@rule(
    "session_before_agreement",
    basis="人民调解法 第27条 (调解记录)",
    kind=RuleKind.STANDARD,
    zh="达成协议前须有调解记录",
    en="an agreement comes out of at least one recorded session",
)
def session_before_agreement(cmd: Any, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if state.sessions == 0:
        yield session_before_agreement.violation("sessions", "尚无调解记录", "no session has been recorded")


@rule(
    "oral_content_recorded",
    basis="人民调解法 第28条、第30条",
    kind=RuleKind.HARD,
    zh="口头协议须记录协议内容，自达成之日起生效",
    en="an oral agreement's content is recorded; it is effective the day reached",
    section9=(6,),
)
def oral_content_recorded(cmd: ReachOralAgreement, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if not cmd.content.strip():
        yield oral_content_recorded.violation("content")


@rule(
    "written_form_required",
    basis="人民调解工作若干规定（2002）第34条; 人民调解法（2010）第28条 (see docs/legal-basis.md §1.4.2)",
    kind=RuleKind.HARD,
    zh="调解协议有民事权利义务内容的，或者当事人要求制作书面调解协议的，应当制作书面调解协议",
    en="a written agreement is required when the agreement sets civil rights and duties or a party asks for one",
    section9=(6,),
)
def written_form_required(cmd: ReachOralAgreement, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.written_requested_by:
        yield written_form_required.violation(
            "written_requested_by",
            f"当事人 {', '.join(cmd.written_requested_by)} 要求书面协议",
            f"{', '.join(cmd.written_requested_by)} asked for a written agreement",
        )
    if cmd.rights_and_duties:
        yield written_form_required.violation(
            "rights_and_duties", "协议有民事权利义务内容", "the agreement sets civil rights and duties"
        )


@rule(
    "written_form_local_triggers",
    basis="宁波市人民调解条例（2014）第24条; the county's triggers are Policy.written_form_when_deferred_performance "
    "and written_form_when_difficult (see docs/legal-basis.md §1.4.2)",
    kind=RuleKind.POLICY,
    zh="按本县政策，不能即时履行或疑难复杂的纠纷，应当制作书面调解协议",
    en="by county policy, a written agreement is required when performance is deferred or the case is difficult",
    section9=(6,),
)
def written_form_local_triggers(cmd: ReachOralAgreement, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    policy = ctx.policy
    if policy.written_form_when_deferred_performance and not cmd.immediate_performance:
        yield written_form_local_triggers.violation(
            "immediate_performance", "协议不能即时履行", "performance is not immediate"
        )
    if policy.written_form_when_difficult and state.difficulty.is_difficult:
        yield written_form_local_triggers.violation("difficulty", "疑难复杂纠纷", "the case is graded difficult")


def _basic_info_missing(party: Party) -> list[str]:
    if isinstance(party, NaturalPerson):
        missing = [] if party.id_number or party.no_id_reason is not None else ["id_number"]
        return missing + ([] if party.address or party.phone else ["address"])
    if isinstance(party, GroupParty):
        return [] if party.representatives else ["representatives"]
    missing = [] if party.credit_code else ["credit_code"]
    return missing + ([] if party.address or party.phone else ["address"])


@rule(
    "written_agreement_fields",
    basis="人民调解法 第29条; 人民调解工作若干规定 第35条",
    kind=RuleKind.HARD,
    zh="调解协议书须载明当事人基本情况、纠纷事实、争议事项、各方责任、协议内容、履行方式和期限",
    en="a written agreement states each party's basic information, the facts, the points in dispute, "
    "each party's responsibility, the obligations, and the method and deadline of performance",
    section9=(4,),
)
def written_agreement_fields(cmd: DraftWrittenAgreement, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    terms = cmd.terms
    required = ["facts", "points_in_dispute", "obligations", "performance_method"]
    if ctx.policy.performance_place_required:
        required.append("performance_place")
    for name in required:
        if not str(getattr(terms, name)).strip():
            yield written_agreement_fields.violation(f"terms.{name}", f"协议书缺少 {name}", f"{name} is missing")
    if terms.performance_deadline < cmd.on:
        yield written_agreement_fields.violation(
            "terms.performance_deadline",
            "履行期限早于协议日期",
            "the performance deadline is before the agreement date",
        )
    covered = {r.party_id for r in terms.responsibilities if r.text.strip()}
    for party_id in state.party_ids:
        if party_id not in covered:
            yield written_agreement_fields.violation(
                f"terms.responsibilities[{party_id}]",
                f"未载明当事人 {party_id} 的责任",
                f"no responsibility stated for {party_id}",
            )
    for i, r in enumerate(terms.responsibilities):
        if state.party(r.party_id) is None:
            yield written_agreement_fields.violation(
                f"terms.responsibilities[{i}].party_id", f"{r.party_id} 不是本案当事人", f"{r.party_id} is not a party"
            )
    for party in state.parties:
        for name in _basic_info_missing(party):
            yield written_agreement_fields.violation(
                f"parties[{party.party_id}].{name}",
                f"当事人 {party.party_id} 基本情况缺少 {name}",
                f"party {party.party_id}'s basic information lacks {name}",
            )


@rule(
    "signature_valid",
    basis="人民调解法 第29条",
    kind=RuleKind.HARD,
    zh="协议书由各方当事人签名、盖章或按指印，调解员签名并加盖调解委员会印章，各一次",
    en="each party marks the drafted agreement once; the presiding mediator signs and the committee seals once",
    section9=(3,),
)
def signature_valid(cmd: SignAgreement, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if state.draft is None or state.drafted_on is None:
        yield signature_valid.violation("draft", "尚无调解协议书草稿", "there is no drafted agreement to sign")
        return
    if cmd.on < state.drafted_on:
        yield signature_valid.violation("on", "签署日期早于协议书制作日期", "signed before the agreement was drafted")
    already = {(s.kind, s.signer_id if s.kind.per_signer else "") for s in state.signatures}
    key = (cmd.kind, cmd.signer_id if cmd.kind.per_signer else "")
    if key in already:
        yield signature_valid.violation("signer_id", "该签署方已签署", "this signatory has already signed")
    if cmd.kind.per_signer and state.party(cmd.signer_id) is None:
        yield signature_valid.violation(
            "signer_id", f"{cmd.signer_id} 不是本案当事人", f"{cmd.signer_id} is not a party"
        )
    if cmd.kind is SignatoryKind.MEDIATOR and cmd.signer_id != state.presiding:
        yield signature_valid.violation(
            "signer_id", "须由本案主持调解员签名", "the presiding mediator of the case must sign"
        )


@rule(
    "signature_evidence_complete",
    basis=(
        "人民调解法 第29条 (2010年: 签名、盖章或者按指印); 电子签名法 第13条、第14条 (2019年修正: 可靠的电子签名); "
        "see docs/legal-basis.md §1.4.4a"
    ),
    kind=RuleKind.STANDARD,
    zh="签署凭证须写明签署人并与签署方式一致；电子签名或电子印章须记录证书序列号或印章编号、签署文件摘要和签署时间，"
    "签署时间在签署日当天",
    en="signature evidence names the signer and matches the mark; an electronic signature or seal records its "
    "certificate serial or seal id, the signed file's digest and the time signed, on the day of the mark",
)
def signature_evidence_complete(cmd: SignAgreement, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    evidence = cmd.evidence
    if evidence is None:
        return
    v = signature_evidence_complete.violation
    if not evidence.signer.strip():
        yield v("evidence.signer", "须写明签署人", "the signer must be named")
    if evidence.kind.mark is not cmd.mark:
        yield v(
            "evidence.kind",
            f"{evidence.kind.title_zh}与签署方式（{cmd.mark.title_zh}）不符",
            f"{evidence.kind.value} does not prove a {cmd.mark.value}",
        )
    if evidence.kind.electronic:
        if not evidence.certificate.strip():
            what = "印章编号" if evidence.kind is EvidenceKind.ELECTRONIC_SEAL else "证书序列号"
            yield v(
                "evidence.certificate",
                f"{evidence.kind.title_zh}须记录{what}",
                "the certificate serial or seal id must be recorded",
            )
        if evidence.signed_file is None:
            yield v("evidence.signed_file", "须记录签署文件摘要", "the signed file's digest must be recorded")
        if evidence.signed_at is None:
            yield v("evidence.signed_at", "须记录签署时间", "the time signed must be recorded")
    if evidence.signed_file is not None:
        problem = evidence.signed_file.problem()
        if problem:
            yield v("evidence.signed_file.hex", *problem)
    at = evidence.signed_at
    if at is not None and at.utcoffset() is not None and (at.astimezone(CHINA_TZ).date() != cmd.on or at > ctx.now):
        yield v(
            "evidence.signed_at",
            "签署时间须在签署日当天且不晚于当前时间",
            "signed on the day of the mark, not later than now",
        )


def _police_binding_texts(cmd: Any) -> list[tuple[str, str]]:
    """The agreement's operative texts (field, text): the oral content, or the written obligations
    and each party's responsibility. The facts may tell what the police did; they bind no one."""
    if isinstance(cmd, ReachOralAgreement):
        return [("content", cmd.content)]
    if isinstance(cmd, DraftWrittenAgreement):
        texts = [
            ("terms.obligations", cmd.terms.obligations),
            ("terms.performance_method", cmd.terms.performance_method),
        ]
        texts += [(f"terms.responsibilities[{i}]", r.text) for i, r in enumerate(cmd.terms.responsibilities)]
        return texts
    return []


@rule(
    "agreement_binds_no_police",
    basis="人民调解法 第2条、第29条; 治安管理处罚法（2012年修正）第9条 / （2025年修订）第9条; "
    "公安机关办理行政案件程序规定（2020年修正）第186条 (see docs/legal-basis.md §2.6)",
    kind=RuleKind.HARD,
    zh="人民调解协议只约定当事人之间的民事权利义务，不得约定公安机关不予处罚、不予追究、撤销案件等；"
    "是否处罚由公安机关依法决定",
    en="a people's-mediation agreement settles the parties' civil rights and duties only: it may not promise "
    "that the police will not punish, will drop the case and the like; the police decide that under the law",
)
def agreement_binds_no_police(cmd: Any, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    terms = dict.fromkeys((*POLICE_BINDING_TERMS, *ctx.policy.police_binding_terms))
    for name, text in _police_binding_texts(cmd):
        hits = [t for t in terms if t and t in text]
        found = [t for t in hits if not any(t != u and t in u for u in hits)]
        if found:
            yield agreement_binds_no_police.violation(
                name,
                f"协议不得约定「{'」「'.join(found)}」：是否处罚、是否追究由公安机关依法决定，可由当事人共同书面申请",
                f"the agreement may not decide for the police ({', '.join(found)}); the parties may apply to them",
            )


@rule(
    "minor_signed_by_guardian",
    basis="民法典（2020）第19条至第23条 (监护人是被监护人的法定代理人); 人民调解法（2010）第29条 "
    "(see docs/legal-basis.md §7.4)",
    kind=RuleKind.HARD,
    zh="未满18周岁（16周岁以上以自己劳动收入为主要生活来源的除外）或无完全民事行为能力的当事人，"
    "协议须由其监护人（法定代理人）签署，本人签名不能代替",
    en="for a party under 18 (unless 16+ and self-supporting) or without full capacity, the guardian (legal "
    "representative) signs the agreement; the party's own mark does not replace it",
)
def minor_signed_by_guardian(cmd: SignAgreement, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.kind is not SignatoryKind.GUARDIAN or state.drafted_on is None:
        return
    party = state.party(cmd.signer_id)
    if party is None:
        return  # signature_valid names the unknown party
    if not isinstance(party, NaturalPerson) or not needs_guardian_signature(party, state.drafted_on):
        yield minor_signed_by_guardian.violation(
            "signer_id",
            f"当事人 {cmd.signer_id} 具有完全民事行为能力，由本人签署",
            f"{cmd.signer_id} has full capacity and signs for themselves",
        )
    elif party.guardian is None:
        yield minor_signed_by_guardian.violation(
            f"parties[{cmd.signer_id}].guardian",
            f"当事人 {cmd.signer_id} 未登记监护人",
            f"no guardian is recorded for {cmd.signer_id}",
        )
