"""Registration and acceptance (登记、受理、不予受理)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from mediation_core.domain.case.commands import AcceptCase, Authority, ReceiveDispute
from mediation_core.domain.case.rules.common import command_date, text_required
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.categories import Jurisdiction
from mediation_core.domain.values.identifiers import id_document_problem, phone_problem, uscc_problem
from mediation_core.domain.values.organisations import OrgKind
from mediation_core.domain.values.parties import (
    GroupParty,
    NaturalPerson,
    OrganisationParty,
    Party,
    Side,
    age_on,
    is_child,
)
from mediation_core.domain.values.sources import CaseSource


@rule(
    "room_known",
    basis="人民调解法 第7条、第34条",
    kind=RuleKind.STANDARD,
    zh="调解室须在组织名册中登记",
    en="the mediation room must be in the registry",
)
def room_known(cmd: ReceiveDispute, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    org = ctx.registry.org(cmd.room_id)
    if org is None or org.kind is not OrgKind.MEDIATION_ROOM:
        yield room_known.violation("room_id", f"未知的调解室 {cmd.room_id!r}", f"unknown room {cmd.room_id!r}")
    elif org.committee_id is not None and ctx.registry.committee_of(cmd.room_id) is None:
        yield room_known.violation(
            "room_id",
            f"调解室 {cmd.room_id!r} 所属的人民调解委员会 {org.committee_id!r} 未登记",
            f"the committee {org.committee_id!r} of room {cmd.room_id!r} is not in the registry",
        )


@rule(
    "category_known",
    basis="人民调解统计报表 纠纷类型 (see docs/legal-basis.md §5.2.1)",
    kind=RuleKind.STANDARD,
    zh="纠纷类型须为已登记的类型",
    en="the category must be a known dispute category",
)
def category_known(cmd: ReceiveDispute, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.category not in ctx.categories:
        yield category_known.violation(
            "category", f"未知的纠纷类型 {cmd.category!r}", f"unknown category {cmd.category!r}"
        )


@rule(
    "registration_complete",
    basis="人民调解受理登记表 (人民调解文书格式; see docs/legal-basis.md §5.1.2)",
    kind=RuleKind.STANDARD,
    zh="登记须写明纠纷简要情况",
    en="the registration must state the dispute's summary",
)
def registration_complete(cmd: ReceiveDispute, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    yield from text_required(cmd, ("summary", "case_id"), registration_complete)
    if cmd.amount_involved < 0:
        yield registration_complete.violation("amount_involved", "涉及金额不得为负", "the amount may not be negative")


@rule(
    "two_sides",
    basis="人民调解法 第2条 (民间纠纷的双方当事人)",
    kind=RuleKind.HARD,
    zh="纠纷须有申请人和被申请人，当事人编号不得重复",
    en="a dispute needs an applicant and a respondent, with distinct party ids",
)
def two_sides(cmd: ReceiveDispute, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    sides = {p.side for p in cmd.parties}
    for side in Side:
        if side not in sides:
            yield two_sides.violation(
                "parties",
                f"缺少{'申请人' if side is Side.APPLICANT else '被申请人'}",
                f"no {side.value} among the parties",
            )
    seen: set[str] = set()
    for i, party in enumerate(cmd.parties):
        if not party.party_id.strip() or party.party_id in seen:
            yield two_sides.violation(f"parties[{i}].party_id", "当事人编号为空或重复", "party id is blank or repeated")
        seen.add(party.party_id)
        if not party.name.strip():
            yield two_sides.violation(f"parties[{i}].name", "当事人姓名/名称不得为空", "party name must not be blank")


@rule(
    "requesters_are_parties",
    basis="人民调解法（2010）第17条 (当事人可以向人民调解委员会申请调解); 诉讼时效规定（2020年修正）第12条 "
    "(see docs/legal-basis.md §1.4.9)",
    kind=RuleKind.STANDARD,
    zh="申请调解的人须为本纠纷的当事人",
    en="whoever requested mediation is a party to the dispute",
)
def requesters_are_parties(cmd: ReceiveDispute, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    ids = {p.party_id for p in cmd.parties}
    for i, party_id in enumerate(cmd.requested_by):
        if party_id not in ids:
            yield requesters_are_parties.violation(
                f"requested_by[{i}]", f"{party_id} 不是本纠纷当事人", f"{party_id} is not a party to the dispute"
            )


def _people(parties: tuple[Party, ...]) -> Iterator[tuple[str, NaturalPerson]]:
    """Each natural person among the parties and the numerous sides' representatives, by path."""
    for i, party in enumerate(parties):
        if isinstance(party, NaturalPerson):
            yield f"parties[{i}]", party
        elif isinstance(party, GroupParty):
            yield from ((f"parties[{i}].representatives[{j}]", r) for j, r in enumerate(party.representatives))


@rule(
    "resident_id_valid",
    basis="GB 11643-1999; 居民身份证法（2011年修正）第3条; 人民调解法（2010）第29条 (当事人的基本情况; "
    "see docs/legal-basis.md §7.1, §7.5)",
    kind=RuleKind.STANDARD,
    zh="证件号码须符合其证件类型（公民身份号码须符合 GB 11643，出生日期在1900年至今天之间）；"
    "未提供证件号码的，须记录原因（拒绝提供或无）",
    en="an identity number must fit its document kind (a resident ID passes GB 11643 with a birth date "
    "from 1900 to today); a person without a number has the reason recorded (refused, or none held)",
    section9=(32,),
)
def resident_id_valid(cmd: Any, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    for prefix, person in _people(cmd.parties):
        if person.id_number and person.no_id_reason is not None:
            yield resident_id_valid.violation(
                f"{prefix}.no_id_reason",
                "已填写证件号码，不得同时记录未提供原因",
                "a number is recorded: no reason for its absence can be recorded as well",
            )
        elif not person.id_number and person.no_id_reason is None:
            yield resident_id_valid.violation(
                f"{prefix}.id_number",
                "须填写证件号码，或记录未提供的原因（拒绝提供/无）",
                "give the identity number, or record why there is none (refused / none held)",
            )
        documents = [(f"{prefix}.id_number", person.id_kind, person.id_number)]
        if person.guardian is not None:
            documents.append((f"{prefix}.guardian.id_number", person.guardian.id_kind, person.guardian.id_number))
        for name, kind, number in documents:
            problem = id_document_problem(kind, number, ctx.today) if number else None
            if problem:
                yield resident_id_valid.violation(
                    name, f"{kind.title_zh}号码无效：{problem}", f"invalid {kind.value.replace('_', ' ')}: {problem}"
                )


@rule(
    "phone_valid",
    basis="当事人基本情况须可联系 (人民调解法（2010）第29条; 人民调解受理登记表; see docs/legal-basis.md §7.6)",
    kind=RuleKind.STANDARD,
    zh="联系电话须为手机号码、带区号的固定电话或以+和国家代码开头的境外号码",
    en="a phone number is a mainland mobile, a landline with its area code, or +country code and number",
)
def phone_valid(cmd: Any, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    phones: list[tuple[str, str]] = []
    for i, party in enumerate(cmd.parties):
        if isinstance(party, OrganisationParty):
            phones.append((f"parties[{i}].phone", party.phone))
    for prefix, person in _people(cmd.parties):
        phones.append((f"{prefix}.phone", person.phone))
        if person.guardian is not None:
            phones.append((f"{prefix}.guardian.phone", person.guardian.phone))
    for name, phone in phones:
        problem = phone_problem(phone)
        if problem:
            yield phone_valid.violation(
                name, f"联系电话 {phone!r} 无效：{problem}", f"invalid phone {phone!r}: {problem}"
            )


@rule(
    "credit_code_valid",
    basis="GB 32100-2015",
    kind=RuleKind.STANDARD,
    zh="统一社会信用代码须符合 GB 32100",
    en="unified social credit codes must pass GB 32100",
    section9=(33,),
)
def credit_code_valid(cmd: ReceiveDispute, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    for i, party in enumerate(cmd.parties):
        if isinstance(party, OrganisationParty):
            problem = uscc_problem(party.credit_code)
            if problem:
                yield credit_code_valid.violation(
                    f"parties[{i}].credit_code", f"统一社会信用代码无效：{problem}", f"invalid credit code: {problem}"
                )
            if not party.legal_representative.strip():
                yield credit_code_valid.violation(
                    f"parties[{i}].legal_representative", "须写明法定代表人", "the legal representative is required"
                )


@rule(
    "minor_has_guardian",
    basis="民法典 第19条、第20条、第23条 (see docs/legal-basis.md §7.4)",
    kind=RuleKind.HARD,
    zh="未成年当事人须有监护人代理或参与 (16周岁以上以自己劳动收入为主要生活来源的除外)",
    en="a party under 18 needs a guardian (unless 16+ and self-supporting)",
)
def minor_has_guardian(cmd: Any, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    for i, party in enumerate(cmd.parties):
        if not isinstance(party, NaturalPerson) or party.guardian is not None:
            continue
        found = command_date(cmd)
        if found is None:
            continue
        age = age_on(party, found[1])
        if age is not None and age < 18 and not (age >= 16 and party.self_supporting):
            yield minor_has_guardian.violation(
                f"parties[{i}].guardian",
                f"当事人未满18周岁（{age}岁），须有监护人",
                f"the party is {age}, under 18, and has no guardian",
            )


@rule(
    "child_data_guardian_consent",
    basis="个人信息保护法 第28条、第31条 (see docs/legal-basis.md §7.3)",
    kind=RuleKind.HARD,
    zh="处理不满14周岁当事人的个人信息，须取得其监护人的单独同意",
    en="a party under 14: the guardian's separate consent to processing their personal information is recorded",
)
def child_data_guardian_consent(cmd: Any, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    found = command_date(cmd)
    if found is None:
        return
    for i, party in enumerate(cmd.parties):
        if not isinstance(party, NaturalPerson) or not is_child(party, found[1]):
            continue
        if party.guardian is not None and not party.guardian.consents_to_processing:
            yield child_data_guardian_consent.violation(
                f"parties[{i}].guardian.consents_to_processing",
                "当事人不满14周岁，须记录监护人对处理其个人信息的单独同意",
                "the party is under 14: record the guardian's separate consent to processing their data",
            )


@rule(
    "representatives_at_most_five",
    basis="宁波市人民调解条例（2014）第20条; the limit is Policy.max_representatives (see docs/legal-basis.md §1.3.16)",
    kind=RuleKind.POLICY,
    zh="当事人一方人数众多的，可推选1名至政策规定人数（默认5名）的代表",
    en="a numerous side elects one to the county's limit of representatives (five by default)",
)
def representatives_at_most_five(cmd: ReceiveDispute, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    for i, party in enumerate(cmd.parties):
        if not isinstance(party, GroupParty):
            continue
        n = len(party.representatives)
        limit = ctx.policy.max_representatives
        if not 1 <= n <= limit:
            yield representatives_at_most_five.violation(
                f"parties[{i}].representatives",
                f"代表人数为{n}，应为1至{limit}名",
                f"{n} representatives; one to {limit} allowed",
            )
        if party.headcount < max(n, 2):
            yield representatives_at_most_five.violation(
                f"parties[{i}].headcount",
                "人数众多的一方人数不得少于代表人数且至少2人",
                "a numerous side counts at least 2 and its representatives",
            )


@rule(
    "mediation_is_free",
    basis="人民调解法 第4条; 人民调解委员会组织条例 第11条",
    kind=RuleKind.HARD,
    zh="人民调解不收取任何费用",
    en="people's mediation is free of charge",
    section9=(2,),
)
def mediation_is_free(cmd: AcceptCase, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if cmd.fee_charged != 0:
        yield mediation_is_free.violation(
            "fee_charged", f"收费 {cmd.fee_charged} 元，应为0", f"fee {cmd.fee_charged} charged; must be 0"
        )


_AUTHORITY_ZH = {Authority.COURT: "人民法院", Authority.POLICE: "公安机关", Authority.ADMINISTRATIVE: "行政机关"}


@rule(
    "acceptance_not_excluded",
    basis="人民调解工作若干规定 第22条 (不予受理的纠纷; see docs/legal-basis.md §1.3.11)",
    kind=RuleKind.HARD,
    zh="已由法院、公安机关或其他行政机关受理或解决的纠纷，或法律规定由专门机关管辖的纠纷，不得受理（公安机关委托的除外）",
    en="disputes already accepted or decided by a court, the police or an agency, or reserved to a "
    "specialised organ, cannot be accepted (a police entrustment excepted)",
    section9=(15,),
)
def acceptance_not_excluded(cmd: AcceptCase, state: Intake, ctx: DecisionContext) -> Iterator[Violation]:
    entrusted_by_police = state.entrusted_by_police
    for i, prior in enumerate(cmd.prior_proceedings):
        if prior.authority is Authority.POLICE and entrusted_by_police:
            continue
        yield acceptance_not_excluded.violation(
            f"prior_proceedings[{i}]",
            f"该纠纷已由{_AUTHORITY_ZH[prior.authority]}{'处理' if prior.decided else '受理'}",
            f"already {'decided' if prior.decided else 'accepted'} by the {prior.authority.value}",
        )
    category = ctx.categories.get(state.category)
    if cmd.reserved_to_specialised_organ or (category is not None and category.jurisdiction is Jurisdiction.RESERVED):
        yield acceptance_not_excluded.violation(
            "reserved_to_specialised_organ", "法律规定由专门机关管辖的纠纷", "reserved by law to a specialised organ"
        )


class Intake(Protocol):
    """What acceptance checks read of a case or a referral."""

    @property
    def category(self) -> str: ...

    @property
    def entrusted_by_police(self) -> bool: ...


@rule(
    "acceptance_numbered",
    basis="卷号「（年）人调字第 号」 (县级卷宗模板; see docs/legal-basis.md §5.1.3)",
    kind=RuleKind.STANDARD,
    zh="受理须取得本室本年度连续编号",
    en="acceptance needs the room's next gap-free number for the year",
)
def acceptance_numbered(cmd: AcceptCase, state: CaseState, ctx: DecisionContext) -> Iterator[Violation]:
    if ctx.sequence is None or ctx.sequence < 1:
        yield acceptance_numbered.violation("sequence", "未分配受理编号", "no case number was allocated")


@rule(
    "on_scene_recorded",
    basis="调解员自行直接赶赴现场调处 (地方实践; see docs/legal-basis.md §10.10)",
    kind=RuleKind.STANDARD,
    zh="来源为「调解员自行赶赴现场」的纠纷须记录到场的本室调解员、到场时间和地点，到场不晚于登记日；其他来源不记录",
    en="a dispute a mediator went to on their own records the room's mediator, when they arrived and where, "
    "no later than the registration day; other sources record none",
)
def on_scene_recorded(cmd: ReceiveDispute, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    scene = cmd.on_scene
    if cmd.source is not CaseSource.MEDIATOR_ON_SCENE:
        if scene is not None:
            yield on_scene_recorded.violation(
                "on_scene", "只有调解员自行赶赴现场的纠纷记录到场情况", "only a mediator-on-scene intake records it"
            )
        return
    if scene is None:
        yield on_scene_recorded.violation("on_scene", "须记录到场情况", "the mediator's arrival must be recorded")
        return
    mediator = ctx.registry.mediators.get(scene.mediator_id)
    if mediator is None or mediator.room_id != cmd.room_id:
        yield on_scene_recorded.violation(
            "on_scene.mediator_id",
            f"{scene.mediator_id} 不是本调解室的调解员",
            f"{scene.mediator_id} is not a mediator of the room",
        )
    if not scene.place.strip():
        yield on_scene_recorded.violation("on_scene.place", "须写明现场地点", "the place must not be blank")
    if scene.arrived_at.utcoffset() is None:
        return  # a time without its zone is refused by the input rules
    arrived = scene.arrived_at.astimezone(CHINA_TZ).date()
    if arrived > cmd.received_on or scene.arrived_at > ctx.now:
        yield on_scene_recorded.violation(
            "on_scene.arrived_at", "到场时间晚于登记日或当前时间", "arrived after the registration day or now"
        )


@rule(
    "online_application_evidenced",
    basis=(
        "人民调解法 第17条 (2010年: 当事人申请调解); "
        "电子签名法 第2条、第13条、第14条 (2019年修正: 数据电文与可靠的电子签名); see docs/legal-basis.md §1.3.20"
    ),
    kind=RuleKind.STANDARD,
    zh="来源为「线上申请」的纠纷须记录申请人在线同意调解的凭证（当事人、平台、时间、平台记录号、同意文本摘要），"
    "时间不晚于登记日；其他来源不记录",
    en="an online application records each applicant's consent as captured online (party, platform, time, "
    "record number, digest of the consent text), no later than the registration day; other sources record none",
)
def online_application_evidenced(cmd: ReceiveDispute, state: None, ctx: DecisionContext) -> Iterator[Violation]:
    consents = cmd.online_consents
    if cmd.source is not CaseSource.ONLINE_APPLICATION:
        if consents:
            yield online_application_evidenced.violation(
                "online_consents", "只有线上申请的纠纷记录在线同意凭证", "only an online application records them"
            )
        return
    if not consents:
        yield online_application_evidenced.violation(
            "online_consents", "线上申请须记录申请人的在线同意凭证", "an online application needs the consent evidence"
        )
        return
    party_ids = {p.party_id for p in cmd.parties}
    for i, consent in enumerate(consents):
        path = f"online_consents[{i}]"
        if consent.party_id not in party_ids:
            yield online_application_evidenced.violation(
                f"{path}.party_id",
                f"{consent.party_id!r} 不是本案当事人",
                f"{consent.party_id!r} is not a party to the dispute",
            )
        for name in ("channel", "reference"):
            if not getattr(consent, name).strip():
                yield online_application_evidenced.violation(
                    f"{path}.{name}", f"{name} 不得为空", f"{name} must not be blank"
                )
        problem = consent.text_hash.problem()
        if problem:
            yield online_application_evidenced.violation(f"{path}.text_hash.hex", *problem)
        if consent.captured_at.utcoffset() is None:
            continue  # a time without its zone is refused by the input rules
        if consent.captured_at.astimezone(CHINA_TZ).date() > cmd.received_on or consent.captured_at > ctx.now:
            yield online_application_evidenced.violation(
                f"{path}.captured_at",
                "同意时间晚于登记日或当前时间",
                "consent captured after the registration day or now",
            )
