"""Documents in the Ministry of Justice's people's-mediation forms, as content to lay out.

Each builder reads a case file (or a referral) and returns a :class:`FormDocument`: a title,
the issuing committee, the number, and pages of blocks (label/value fields, paragraphs, tables,
signature lines). A renderer (``mediation_renderers()``, subject ``"document"``) lays the
pages out, each on a new page; an agreement has one page per copy (parties + 1). ID and phone
numbers are masked when the document is built for a reader who may not see them.

Forms follow the 司法部 2010 人民调解文书格式 as used in practice (docs/legal-basis.md §5.1.2–5.1.3):
受理登记表, 当事人权利义务告知书, 调解记录, 人民调解协议书 / 人民调解口头协议登记表, 回访记录, 卷宗封面
and 卷内目录; and the police station's 移送/委托人民调解函 with the room's reply (受理回执 or
不予调解函).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Sequence

from attrs import evolve, frozen

from mediation_core.domain.case import events as ev
from mediation_core.domain.case.agreements import AgreementForm, SignatoryKind, Signature
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.errors import DomainError
from mediation_core.domain.kernel.event import DomainEvent
from mediation_core.domain.referral.state import ReferralState, ReferralStatus
from mediation_core.domain.values.casefile import BINDING_ORDER, DEFAULT_REQUIRED_ITEMS, CaseFileItem
from mediation_core.domain.values.categories import Category
from mediation_core.domain.values.identifiers import IdKind, mask_phone, mask_resident_id
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.parties import (
    GroupParty,
    NaturalPerson,
    OrganisationParty,
    Party,
    Side,
    age_on,
    wards,
)
from mediation_core.domain.values.privacy import mask_text
from mediation_core.domain.values.sources import ReferralMode


class DocumentForm(enum.Enum):
    """The forms the core can fill."""

    ACCEPTANCE_REGISTER = "acceptance_register"  # 人民调解受理登记表
    RIGHTS_NOTICE = "rights_notice"  # 人民调解当事人权利义务告知书
    MEDIATION_RECORD = "mediation_record"  # 人民调解记录
    AGREEMENT = "agreement"  # 人民调解协议书 / 人民调解口头协议登记表
    FOLLOW_UP_RECORD = "follow_up_record"  # 人民调解回访记录
    TERMINATION_NOTICE = "termination_notice"  # 终止人民调解告知书
    FILE_COVER = "file_cover"  # 卷宗封面 and 卷内目录
    REFERRAL_LETTER = "referral_letter"  # 移送/委托人民调解函
    REFERRAL_REPLY = "referral_reply"  # 受理回执 / 不予调解函


class DocumentUnavailableError(DomainError):
    """The case (or referral) has not reached the point where this form can be filled."""


@frozen(kw_only=True)
class Field:
    label: str
    value: str


@frozen(kw_only=True)
class Fields:
    """A table of label and value pairs."""

    items: tuple[Field, ...]


@frozen(kw_only=True)
class Paragraph:
    text: str
    heading: bool = False


@frozen(kw_only=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@frozen(kw_only=True)
class Signatures:
    """Lines left for signatures, marks and seals."""

    lines: tuple[str, ...]


Block = Fields | Paragraph | Table | Signatures


@frozen(kw_only=True)
class Page:
    """One page (a copy of an agreement, one session's record …); ``caption`` is printed
    above the content (``第1份 共3份 当事人王建国执``)."""

    blocks: tuple[Block, ...]
    caption: str = ""


@frozen(kw_only=True)
class FormDocument:
    form: DocumentForm
    title: str
    organisation: str
    number: str
    pages: tuple[Page, ...]
    masked: bool

    def text(self) -> str:
        """Every piece of text, in order (for search, tests and plain-text previews)."""
        out = [self.title, self.organisation, self.number]
        for page in self.pages:
            out.append(page.caption)
            for block in page.blocks:
                if isinstance(block, Fields):
                    out += [f"{f.label} {f.value}" for f in block.items]
                elif isinstance(block, Paragraph):
                    out.append(block.text)
                elif isinstance(block, Table):
                    out += [" ".join(block.headers), *(" ".join(r) for r in block.rows)]
                else:
                    out += list(block.lines)
        return "\n".join(t for t in out if t)


def zh_date(day: dt.date | None) -> str:
    """The one date style of every printed form: 2025年7月16日, no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


_PADDED_DATE = re.compile(r"(\d{4})年0*(\d{1,2})月0*(\d{1,2})日")
_QUOTES = str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’"})


def typeset(text: str) -> str:
    """Printed text in the national style: “” quotation marks (GB/T 15834), dates without
    leading zeros (2025年07月16日 → 2025年7月16日), whoever typed the text."""
    return _PADDED_DATE.sub(lambda m: f"{m[1]}年{int(m[2])}月{int(m[3])}日", text.translate(_QUOTES))


TEMPLATE_FIELDS: dict[str, str] = {
    "form": "the form's code (agreement, acceptance_register …), also the county template's file name",
    "title": "the form's Chinese title (人民调解协议书)",
    "committee_name": "the issuing people's mediation committee",
    "case_number": "the case (or referral) number, empty before one is given",
    "masked": "true when ID and phone numbers are masked for this reader",
    "parties": "the parties, in order: each has side (申请人/被申请人), name and fields (label → value)",
    "fields": "every label → value pair of the form, first occurrence (性别, 履行期限 …)",
    "paragraphs": "every paragraph's text, in order",
    "pages": "the pages (one per copy or record): each has caption, fields, paragraphs, tables, signatures",
}
"""The names a county template (docxtpl / Jinja2 in .docx) may use, for every form; docs/templates.md."""


def _page_fields(page: Page) -> dict[str, object]:
    fields = [f for b in page.blocks if isinstance(b, Fields) for f in b.items]
    return {
        "caption": page.caption,
        "fields": {f.label: f.value for f in reversed(fields)},
        "paragraphs": [b.text for b in page.blocks if isinstance(b, Paragraph)],
        "tables": [
            {"headers": list(b.headers), "rows": [list(r) for r in b.rows]} for b in page.blocks if isinstance(b, Table)
        ],
        "signatures": [line for b in page.blocks if isinstance(b, Signatures) for line in b.lines],
    }


def template_fields(doc: FormDocument) -> dict[str, object]:
    """A form's content as plain values for a county's own template, the names of
    :data:`TEMPLATE_FIELDS`; a party starts at its side's label (申请人/被申请人) in the first page."""
    pages = [_page_fields(p) for p in doc.pages]
    parties: list[dict[str, object]] = []
    sides = set(SIDE_ZH.values())
    first = doc.pages[0].blocks if doc.pages else ()
    for f in (f for b in first if isinstance(b, Fields) for f in b.items):
        if f.label in sides:
            parties.append({"side": f.label, "name": f.value, "fields": {}})
        elif parties:
            fields = parties[-1]["fields"]
            assert isinstance(fields, dict)
            fields[f.label] = f.value
    every = [f for p in doc.pages for b in p.blocks if isinstance(b, Fields) for f in b.items]
    values: dict[str, object] = {
        "form": doc.form.value,
        "title": doc.title,
        "committee_name": doc.organisation,
        "case_number": doc.number,
        "masked": doc.masked,
        "parties": parties,
        "fields": {f.label: f.value for f in reversed(every)},
        "paragraphs": [b.text for p in doc.pages for b in p.blocks if isinstance(b, Paragraph)],
        "pages": pages,
    }
    assert values.keys() == TEMPLATE_FIELDS.keys()
    return values


def _typeset_block(block: Block) -> Block:
    if isinstance(block, Fields):
        return Fields(items=tuple(Field(label=typeset(f.label), value=typeset(f.value)) for f in block.items))
    if isinstance(block, Paragraph):
        return Paragraph(text=typeset(block.text), heading=block.heading)
    if isinstance(block, Table):
        return Table(
            headers=tuple(typeset(h) for h in block.headers),
            rows=tuple(tuple(typeset(v) for v in row) for row in block.rows),
        )
    return Signatures(lines=tuple(typeset(line) for line in block.lines))


def typeset_document(doc: FormDocument) -> FormDocument:
    """The document with :func:`typeset` applied to every piece of text."""
    return evolve(
        doc,
        title=typeset(doc.title),
        organisation=typeset(doc.organisation),
        number=typeset(doc.number),
        pages=tuple(
            Page(caption=typeset(p.caption), blocks=tuple(_typeset_block(b) for b in p.blocks)) for p in doc.pages
        ),
    )


def file_title(names: Iterable[str], category: str) -> str:
    """卷名: the parties and the kind of dispute, 纠纷 written once (a category's name already
    ends in 纠纷 or 争议 for most kinds)."""
    kind = category if category.endswith(("纠纷", "争议", "争执")) else f"{category}纠纷"
    return f"{'、'.join(names)}{kind}"


SIGN_DATE = "年    月    日"
SIDE_ZH = {Side.APPLICANT: "申请人", Side.RESPONDENT: "被申请人"}
SEX_ZH = {"male": "男", "female": "女"}


def _id_field(person: NaturalPerson, shown: str) -> Field:
    """The number under its document's name; a person without one has the reason printed."""
    if not person.id_number and person.no_id_reason is not None:
        return Field(label="身份证件号码", value=f"未提供（{person.no_id_reason.title_zh}）")
    if person.id_kind is IdKind.RESIDENT_ID:
        return Field(label="公民身份号码", value=shown)
    return Field(label=f"{person.id_kind.title_zh}号码", value=shown)


class _Masker:
    """Masks ID and phone numbers, and those inside free text, when ``masked``."""

    def __init__(self, masked: bool) -> None:
        self.masked = masked

    def id_number(self, number: str) -> str:
        return mask_resident_id(number) if self.masked else number

    def phone(self, phone: str) -> str:
        return mask_phone(phone) if self.masked and phone else phone

    def text(self, value: str) -> str:
        return mask_text(value) if self.masked else value

    def party_fields(self, party: Party, on: dt.date) -> tuple[Field, ...]:
        side = SIDE_ZH[party.side]
        if isinstance(party, NaturalPerson):
            info = party.id_info
            age = age_on(party, on)
            return (
                Field(label=side, value=party.name),
                Field(label="性别", value=SEX_ZH.get(info.sex.value, "") if info else ""),
                Field(label="民族", value=party.ethnicity),
                Field(label="年龄", value=str(age) if age is not None else ""),
                Field(label="职业", value=party.occupation),
                _id_field(party, self.id_number(party.id_number)),
                Field(label="联系电话", value=self.phone(party.phone)),
                Field(label="住址", value=self.text(party.address)),
            ) + (
                (
                    Field(
                        label="监护人",
                        value=f"{party.guardian.name}（{party.guardian.relation}）"
                        f" {self.id_number(party.guardian.id_number)} {self.phone(party.guardian.phone)}".rstrip(),
                    ),
                )
                if party.guardian
                else ()
            )
        if isinstance(party, OrganisationParty):
            return (
                Field(label=side, value=party.name),
                Field(label="统一社会信用代码", value=party.credit_code),
                Field(label="法定代表人", value=party.legal_representative),
                Field(label="联系电话", value=self.phone(party.phone)),
                Field(label="住所", value=self.text(party.address)),
            )
        assert isinstance(party, GroupParty)
        reps = "、".join(
            f"{r.name}（{self.id_number(r.id_number)}，{self.phone(r.phone)}）" for r in party.representatives
        )
        return (
            Field(label=side, value=f"{party.name}（共{party.headcount}人）"),
            Field(label="代表人", value=reps),
        )


class _Case(_Masker):
    """What the builders read from one case file, with masking applied once."""

    def __init__(
        self,
        state: CaseState,
        events: Sequence[DomainEvent],
        registry: Registry,
        categories: dict[str, Category],
        masked: bool,
    ) -> None:
        super().__init__(masked)
        self.state, self.events, self.registry = state, events, registry
        self.committee = registry.committee_name(state.room_id)
        self.seal = f"（{self.committee}印章）"
        category = categories.get(state.category)
        self.category = category.name_zh if category else state.category
        self.number = state.number or ""

    def mediator(self, mediator_id: str | None) -> str:
        if not mediator_id:
            return ""
        m = self.registry.mediators.get(mediator_id)
        return m.name if m else mediator_id

    def party_name(self, party_id: str) -> str:
        party = self.state.party(party_id)
        return party.name if party else party_id

    def of_type(self, kind: type[DomainEvent]) -> list[DomainEvent]:
        return [e for e in self.events if isinstance(e, kind)]

    def form(self, form: DocumentForm, title: str, pages: Sequence[Page]) -> FormDocument:
        """A document of this case: headed by its committee and case number, masked as read."""
        return FormDocument(
            form=form,
            title=title,
            organisation=self.committee,
            number=self.number,
            masked=self.masked,
            pages=tuple(pages),
        )


def _need(condition: object, what: str) -> None:
    if not condition:
        raise DocumentUnavailableError(what)


# -- the case's forms ------------------------------------------------------------------------------
def acceptance_register(c: _Case) -> FormDocument:
    """人民调解受理登记表."""
    s = c.state
    _need(s.accepted_on or s.declined, f"案件 {s.case_id} 尚未受理 / case {s.case_id} is not accepted yet")
    received = c.of_type(ev.DisputeReceived)[0]
    assert isinstance(received, ev.DisputeReceived)
    parties = tuple(f for p in s.parties for f in c.party_fields(p, s.received_on))
    fields = (
        Field(label="登记日期", value=zh_date(s.received_on)),
        Field(label="受理日期", value=zh_date(s.accepted_on)),
        Field(label="案号", value=c.number),
        Field(label="纠纷类型", value=c.category),
        Field(label="案件来源", value=s.source.title_zh),
        Field(label="涉及人数", value=str(s.persons)),
        Field(label="涉及金额（元）", value=f"{s.amount_involved:,.2f}"),
    )
    decision = "受理" if s.accepted_on else f"不予受理（{s.declined.title_zh if s.declined else ''}）"
    return c.form(
        DocumentForm.ACCEPTANCE_REGISTER,
        "人民调解受理登记表",
        (
            Page(
                blocks=(
                    Fields(items=fields),
                    Paragraph(text="当事人基本情况", heading=True),
                    Fields(items=parties),
                    Paragraph(text="纠纷简要情况", heading=True),
                    Paragraph(text=c.text(s.summary)),
                    Paragraph(text=f"处理意见：{decision}"),
                    Signatures(
                        lines=(
                            "当事人（签名或按指印）：",
                            f"登记人：{c.mediator(s.presiding)}",
                            c.seal,
                            SIGN_DATE,
                        )
                    ),
                )
            ),
        ),
    )


RIGHTS = (
    "（一）选择或者接受人民调解员；",
    "（二）接受调解、拒绝调解或者要求终止调解；",
    "（三）要求调解公开进行或者不公开进行；",
    "（四）自主表达意愿、自愿达成调解协议；",
    "（五）要求调解主持人回避，由人民调解委员会另行指定调解员。",
)
DUTIES = (
    "（一）如实陈述纠纷事实；",
    "（二）遵守调解现场秩序，尊重人民调解员；",
    "（三）尊重对方当事人行使权利。",
)


def rights_notice(c: _Case) -> FormDocument:
    """人民调解当事人权利义务告知书 (人民调解法 arts. 4, 23, 24, 31, 33)."""
    s = c.state
    notified = c.of_type(ev.RightsNotified)
    _need(notified, f"案件 {s.case_id} 尚未告知权利义务 / the parties of {s.case_id} were not notified yet")
    on = notified[0].on  # type: ignore[attr-defined]
    names = "、".join(p.name for p in s.parties)
    blocks: tuple[Block, ...] = (
        Paragraph(text=f"{names}："),
        Paragraph(
            text="人民调解委员会是依法设立的调解民间纠纷的群众性组织。人民调解遵循当事人自愿、平等，"
            "不违背法律、法规和国家政策，尊重当事人权利的原则，不收取任何费用。根据《中华人民共和国人民调解法》"
            "和《人民调解工作若干规定》的规定，在人民调解活动中，你们享有下列权利，并应履行下列义务："
        ),
        Paragraph(text="当事人享有下列权利", heading=True),
        *(Paragraph(text=t) for t in RIGHTS),
        Paragraph(text="当事人应当履行下列义务", heading=True),
        *(Paragraph(text=t) for t in DUTIES),
        Paragraph(
            text="经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。"
            "调解协议生效之日起三十日内，双方当事人可以共同向人民法院申请司法确认。"
            "人民调解不影响当事人依法通过仲裁、行政、司法等途径维护自己的权利。"
        ),
        Paragraph(text=f"告知日期：{zh_date(on)}"),
        Signatures(lines=("当事人已知悉上述权利义务（签名或按指印）：", "告知人：", c.seal, SIGN_DATE)),
    )
    return c.form(DocumentForm.RIGHTS_NOTICE, "人民调解当事人权利义务告知书", (Page(blocks=blocks),))


def mediation_record(c: _Case) -> FormDocument:
    """人民调解记录: one page per session held."""
    s = c.state
    sessions = [e for e in c.of_type(ev.SessionHeld) if isinstance(e, ev.SessionHeld)]
    _need(sessions, f"案件 {s.case_id} 尚无调解记录 / case {s.case_id} has no session yet")
    pages = []
    for n, session in enumerate(sessions, start=1):
        present = "、".join(c.party_name(p) for p in session.party_ids)
        last = n == len(sessions)
        fields = (
            Field(label="调解时间", value=zh_date(session.on)),
            Field(label="调解地点", value=session.place),
            Field(label="调解事项", value=f"{c.category}：{c.text(s.summary)}"),
            Field(label="人民调解员", value="、".join(c.mediator(m) for m in session.mediator_ids)),
            Field(label="到场当事人", value=present),
            Field(label="邀请参加人员", value="、".join(session.invitees) or "无"),
            Field(label="是否公开", value="公开" if session.public else "不公开"),
            *((Field(label="调解结果", value=_result(c)),) if last else ()),
        )
        pages.append(
            Page(
                caption=f"第{n}次调解",
                blocks=(
                    Fields(items=fields),
                    Paragraph(text="调解情况", heading=True),
                    Paragraph(text=c.text(session.summary)),
                    Signatures(
                        lines=("当事人（签名或按指印）：", "人民调解员（签名）：", "记录人（签名）：", SIGN_DATE)
                    ),
                ),
            )
        )
    return c.form(DocumentForm.MEDIATION_RECORD, "人民调解记录", pages)


def _result(c: _Case) -> str:
    """What the file shows came of the mediation, from its events, never from the summary typed."""
    s = c.state
    ended = [e for e in c.of_type(ev.CaseTerminated) if isinstance(e, ev.CaseTerminated)]
    if ended:
        return f"未达成协议，终止调解（{ended[-1].reason.title_zh}）"
    if s.agreement is not None:
        form = "口头协议" if s.agreement.form is AgreementForm.ORAL else "书面协议"
        return f"达成{form}"
    return "调解中"


def _wards_of(s: CaseState) -> tuple[str, ...]:
    return wards(s.parties, s.drafted_on) if s.drafted_on else ()


def _guardian_name(s: CaseState, party_id: str) -> str:
    party = s.party(party_id)
    guardian = party.guardian if isinstance(party, NaturalPerson) else None
    return f"{guardian.name}（{party.name}的{guardian.relation}）" if guardian and party else party_id


def agreement(c: _Case) -> FormDocument:
    """人民调解协议书, one page per copy (each party one, the committee one); or, for an oral
    agreement, the 人民调解口头协议登记表."""
    s = c.state
    _need(s.agreement, f"案件 {s.case_id} 尚未达成调解协议 / case {s.case_id} has no agreement")
    assert s.agreement is not None
    if s.agreement.form is AgreementForm.ORAL:
        return _oral(c)
    terms = s.agreement.terms
    assert terms is not None
    parties = tuple(f for p in s.parties for f in c.party_fields(p, s.agreement.effective_on))
    responsibilities = "；".join(f"{c.party_name(r.party_id)}：{c.text(r.text)}" for r in terms.responsibilities)
    copies = s.agreement.copies
    body: tuple[Block, ...] = (
        Paragraph(text="当事人基本情况", heading=True),
        Fields(items=parties),
        Paragraph(text="纠纷主要事实、争议事项", heading=True),
        Paragraph(text=c.text(terms.facts)),
        Paragraph(text=f"争议事项：{c.text(terms.points_in_dispute)}"),
        Paragraph(text=f"各方责任：{responsibilities}"),
        Paragraph(text="经人民调解委员会调解，当事人自愿达成如下协议", heading=True),
        Paragraph(text=c.text(terms.obligations)),
        Fields(
            items=(
                Field(label="履行方式", value=c.text(terms.performance_method)),
                Field(label="履行地点", value=c.text(terms.performance_place)),
                Field(label="履行期限", value=zh_date(terms.performance_deadline)),
            )
        ),
        Paragraph(
            text="本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"
            f"本协议一式{copies}份，当事人各执一份，人民调解委员会留存一份。"
        ),
        Paragraph(text=f"生效日期：{zh_date(s.agreement.effective_on)}"),
        *((Paragraph(text=f"司法确认：{s.confirmation.summary_zh()}"),) if s.confirmation else ()),
        *_evidence(c, s.agreement.signatures),
        Signatures(
            lines=(
                *(f"当事人（签名、盖章或按指印）：{p.name}" for p in s.parties),
                *(f"监护人（法定代理人）（签名、盖章或按指印）：{_guardian_name(s, w)}" for w in _wards_of(s)),
                f"人民调解员（签名）：{_signers(c, SignatoryKind.MEDIATOR)}",
                "记录人（签名）：",
                c.seal,
                zh_date(s.agreement.effective_on),
            )
        ),
    )
    holders = [f"当事人{p.name}执" for p in s.parties] + ["人民调解委员会存档"]
    holders += [f"副本{n}" for n in range(len(holders) + 1, copies + 1)]
    pages = tuple(Page(caption=f"第{n}份 共{copies}份 {holders[n - 1]}", blocks=body) for n in range(1, copies + 1))
    return c.form(DocumentForm.AGREEMENT, "人民调解协议书", pages)


def _signatory(c: _Case, sig: Signature) -> str:
    if sig.kind is SignatoryKind.PARTY:
        return f"当事人{c.party_name(sig.signer_id)}"
    if sig.kind is SignatoryKind.GUARDIAN:
        return f"监护人（{_guardian_name(c.state, sig.signer_id)}）"
    if sig.kind is SignatoryKind.MEDIATOR:
        return f"人民调解员{c.mediator(sig.signer_id)}"
    return f"{c.committee}印章"


def _evidence(c: _Case, signatures: Sequence[Signature]) -> tuple[Block, ...]:
    """签署凭证: each mark's evidence (how it was made, by whom, the certificate or seal id, the
    signed file's digest), where the case file recorded it."""
    lines = [
        f"{_signatory(c, sig)}：{c.text('；'.join(sig.evidence.lines_zh()))}"
        for sig in signatures
        if sig.evidence is not None
    ]
    if not lines:
        return ()
    return (Paragraph(text="签署凭证", heading=True), *(Paragraph(text=line) for line in lines))


def _signers(c: _Case, kind: SignatoryKind) -> str:
    agreement_ = c.state.agreement
    if agreement_ is None:
        return ""
    return "、".join(c.mediator(sig.signer_id) for sig in agreement_.signatures if sig.kind is kind)


def _oral(c: _Case) -> FormDocument:
    s = c.state
    assert s.agreement is not None
    return c.form(
        DocumentForm.AGREEMENT,
        "人民调解口头协议登记表",
        (
            Page(
                blocks=(
                    Fields(items=tuple(f for p in s.parties for f in c.party_fields(p, s.agreement.effective_on))),
                    Paragraph(text="纠纷简要情况", heading=True),
                    Paragraph(text=c.text(s.summary)),
                    Paragraph(text="口头协议内容", heading=True),
                    Paragraph(text=c.text(s.agreement.content)),
                    Fields(
                        items=(
                            Field(label="达成日期", value=zh_date(s.agreement.effective_on)),
                            Field(
                                label="履行情况", value="即时履行" if s.agreement.immediate_performance else "约定履行"
                            ),
                        )
                    ),
                    Signatures(lines=(f"人民调解员（签名）：{c.mediator(s.presiding)}", "登记人：", SIGN_DATE)),
                )
            ),
        ),
    )


def follow_up_record(c: _Case) -> FormDocument:
    """人民调解回访记录: one page per visit."""
    s = c.state
    _need(s.follow_ups, f"案件 {s.case_id} 尚无回访 / case {s.case_id} has no follow-up visit yet")
    satisfaction = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
    pages = []
    for n, visit in enumerate(s.follow_ups, start=1):
        fields = (
            Field(label="回访对象", value=c.party_name(visit.party_id)),
            Field(label="协议编号", value=c.number),
            Field(label="纠纷事项", value=f"{c.category}：{c.text(s.summary)}"),
            Field(label="履行情况", value=visit.performance.title_zh if visit.performance else "（无协议，终止调解）"),
            Field(label="满意程度", value=satisfaction[visit.satisfaction.value]),
            Field(label="是否起诉及结果", value=c.text(visit.lawsuit) or "否"),
            Field(label="有无激化迹象", value="有" if visit.escalation_signs else "无"),
            Field(label="采取措施", value=c.text(visit.measures) or "无"),
            Field(label="回访人", value=c.mediator(visit.visitor_id)),
            Field(label="回访日期", value=zh_date(visit.on)),
        )
        pages.append(
            Page(
                caption=f"第{n}次回访",
                blocks=(Fields(items=fields), Signatures(lines=("回访人（签名）：", "被回访人（签名）：", SIGN_DATE))),
            )
        )
    return c.form(DocumentForm.FOLLOW_UP_RECORD, "人民调解回访记录", pages)


def termination_notice(c: _Case) -> FormDocument:
    """终止人民调解告知书: why mediation ended, the other routes open to the parties
    (人民调解法 art. 26) and what the request did to their limitation period (§9 rule 37)."""
    s = c.state
    ended = [e for e in c.of_type(ev.CaseTerminated) if isinstance(e, ev.CaseTerminated)]
    _need(ended, f"案件 {s.case_id} 未终止调解 / case {s.case_id} was not terminated")
    e = ended[-1]
    fields = (
        Field(label="当事人", value="、".join(p.name for p in s.parties)),
        Field(label="纠纷事项", value=f"{c.category}：{c.text(s.summary)}"),
        Field(label="申请调解日期", value=zh_date(s.received_on)),
        Field(label="终止调解日期", value=zh_date(e.on)),
        Field(label="终止原因", value=e.reason.title_zh + (f"（{c.text(e.note)}）" if e.note else "")),
        Field(label="告知途径", value="、".join(r.title_zh for r in e.routes)),
    )
    blocks = (
        Fields(items=fields),
        Paragraph(text=c.text(e.notice)),
        Signatures(
            lines=(
                "当事人已收到本告知书（签名或按指印）：",
                "人民调解员（签名）：",
                c.seal,
                SIGN_DATE,
            )
        ),
    )
    return c.form(DocumentForm.TERMINATION_NOTICE, "终止人民调解告知书", (Page(blocks=blocks),))


def _filed_on(c: _Case) -> dict[CaseFileItem, tuple[dt.date, str]]:
    """When each item first came into the file, with its title."""
    s = c.state
    found: dict[CaseFileItem, tuple[dt.date, str]] = {CaseFileItem.REGISTRATION: (s.received_on, "")}
    by_event: dict[type[DomainEvent], CaseFileItem] = {
        ev.RightsNotified: CaseFileItem.RIGHTS_NOTICE,
        ev.InvestigationRecorded: CaseFileItem.INVESTIGATION_RECORD,
        ev.SessionHeld: CaseFileItem.MEDIATION_RECORD,
        ev.OralAgreementReached: CaseFileItem.AGREEMENT,
        ev.CaseTerminated: CaseFileItem.TERMINATION_RECORD,
        ev.JudicialConfirmationApplied: CaseFileItem.JUDICIAL_CONFIRMATION,
        ev.JudicialConfirmationRuled: CaseFileItem.JUDICIAL_CONFIRMATION,
    }
    for e in c.events:
        if isinstance(e, ev.DocumentFiled):
            found.setdefault(e.item, (e.on, e.title))
        elif isinstance(e, ev.AgreementTookEffect):
            found.setdefault(CaseFileItem.AGREEMENT, (e.effective_on, ""))
        elif isinstance(e, ev.FollowUpRecorded):
            found.setdefault(CaseFileItem.FOLLOW_UP_RECORD, (e.visit.on, ""))
        elif type(e) in by_event:
            found.setdefault(by_event[type(e)], (e.on, ""))  # type: ignore[attr-defined]
    return found


def file_cover(c: _Case) -> FormDocument:
    """卷宗封面 and 卷内目录: the items in the binding order of the one-case-one-file list."""
    s = c.state
    archived = [e for e in c.of_type(ev.CaseArchived) if isinstance(e, ev.CaseArchived)]
    _need(s.number, f"案件 {s.case_id} 尚未受理，无卷号 / case {s.case_id} has no number yet")
    archive = archived[0] if archived else None
    mediators = "、".join(c.mediator(m) for m in sorted(s.ever_assigned - s.recused)) or c.mediator(s.presiding)
    cover = (
        Field(label="人民调解委员会", value=c.committee),
        Field(label="卷名", value=file_title((p.name for p in s.parties), c.category)),
        Field(label="卷号", value=c.number),
        Field(label="调解员", value=mediators),
        Field(label="调解日期", value=f"自{zh_date(s.accepted_on)}至{zh_date(s.concluded_on)}"),
        Field(label="立卷人", value=c.mediator(archive.archivist_id) if archive else ""),
        Field(label="立卷日期", value=zh_date(archive.on) if archive else ""),
        Field(label="保管期限", value=f"{archive.retention_years}年" if archive else ""),
        Field(label="备注", value=""),
    )
    filed = _filed_on(c)
    present = [item for item in BINDING_ORDER if item in s.documents or item in filed]
    rows = []
    for n, item in enumerate(present, start=1):
        on, title = filed.get(item, (None, ""))
        note = (
            "必备"
            if item in DEFAULT_REQUIRED_ITEMS or item in {CaseFileItem.AGREEMENT, CaseFileItem.TERMINATION_RECORD}
            else ""
        )
        rows.append(
            (
                str(n),
                item.title_zh + (f"（{title}）" if title and title != item.title_zh else ""),
                zh_date(on),
                "",
                note,
            )
        )
    return c.form(
        DocumentForm.FILE_COVER,
        "人民调解卷宗",
        (
            Page(blocks=(Fields(items=cover),)),
            Page(
                caption="卷内目录",
                blocks=(Table(headers=("序号", "文件材料名称", "日期", "页号", "备注"), rows=tuple(rows)),),
            ),
        ),
    )


CASE_FORMS = {
    DocumentForm.ACCEPTANCE_REGISTER: acceptance_register,
    DocumentForm.RIGHTS_NOTICE: rights_notice,
    DocumentForm.MEDIATION_RECORD: mediation_record,
    DocumentForm.AGREEMENT: agreement,
    DocumentForm.FOLLOW_UP_RECORD: follow_up_record,
    DocumentForm.TERMINATION_NOTICE: termination_notice,
    DocumentForm.FILE_COVER: file_cover,
}


def case_document(
    form: DocumentForm,
    state: CaseState,
    events: Iterable[DomainEvent],
    registry: Registry,
    categories: dict[str, Category],
    *,
    masked: bool,
) -> FormDocument:
    """Fill ``form`` from a case file. Raises :class:`DocumentUnavailableError` when the case
    has not got that far, ``ValueError`` for a referral form."""
    build = CASE_FORMS.get(form)
    if build is None:
        msg = f"{form.value} is a referral's document, not a case's"
        raise ValueError(msg)
    return typeset_document(build(_Case(state, tuple(events), registry, categories, masked)))


# -- the referral's letters ------------------------------------------------------------------------
def referral_document(
    form: DocumentForm, referral: ReferralState, registry: Registry, categories: dict[str, Category], *, masked: bool
) -> FormDocument:
    """The station's letter (移送/委托人民调解函) to the room's committee, or the committee's reply."""
    return typeset_document(_referral_document(form, referral, registry, categories, masked=masked))


def _signer(issuer_name: str, role: str) -> str:
    """签发人: the station's name with the signer's role (XX派出所所长), the name written once."""
    return role if role.startswith(issuer_name) else f"{issuer_name}{role}"


def _salutation(text: str) -> tuple[str, str]:
    """A letter's text split into its salutation (``甲、乙：``) and body; ``("", text)`` when it
    has none, so a salutation is printed once."""
    head, colon, body = text.partition("：")
    if colon and head and len(head) <= 80 and not any(mark in head for mark in "，。；“”「」"):
        return f"{head}：", body
    return "", text


def _referral_document(
    form: DocumentForm, referral: ReferralState, registry: Registry, categories: dict[str, Category], *, masked: bool
) -> FormDocument:
    room_name = registry.committee_name(referral.room_id)
    category = categories.get(referral.category)
    category_name = category.name_zh if category else referral.category
    mask = _Masker(masked)
    if form is DocumentForm.REFERRAL_LETTER:
        mode = referral.mode.title_zh
        parties = tuple(f for p in referral.parties for f in mask.party_fields(p, referral.issued_on))
        consents = "；".join(
            f"{next((p.name for p in referral.parties if p.party_id == e.party_id), e.party_id)}"
            f"{'同意' if e.consents else '拒绝'}人民调解（{zh_date(e.on)}）"
            for e in referral.consents
        )
        ask = (
            "请你委员会依法调解，并及时将调解结果反馈我所。"
            if referral.mode is ReferralMode.ENTRUSTMENT
            else "请你委员会依法受理调解。"
        )
        blocks: tuple[Block, ...] = (
            Paragraph(text=f"{room_name}："),
            Paragraph(
                text=f"我单位在工作中发现“{referral.cause}”纠纷（{category_name}），经双方当事人同意，"
                f"现依据《中华人民共和国人民调解法》第十八条{mode}你委员会调解。{ask}"
            ),
            Paragraph(text="当事人基本情况", heading=True),
            Fields(items=parties),
            Paragraph(text="纠纷主要事实", heading=True),
            Paragraph(text=mask.text(referral.facts)),
            Paragraph(text=f"当事人意愿：{consents}"),
            Signatures(
                lines=(
                    f"签发人：{_signer(referral.issuer_name, referral.signed_by)}",
                    f"{referral.issuer_name}（印章）",
                    zh_date(referral.issued_on),
                )
            ),
        )
        return FormDocument(
            form=form,
            title=f"{mode}人民调解函",
            organisation=referral.issuer_name,
            number=referral.letter_number,
            masked=masked,
            pages=(Page(blocks=blocks),),
        )
    if form is not DocumentForm.REFERRAL_REPLY:
        msg = f"{form.value} is a case's document, not a referral's"
        raise ValueError(msg)
    if referral.declination is not None:
        letter = referral.declination
        salutation, body = _salutation(mask.text(letter.text))
        return FormDocument(
            form=form,
            title="不予调解函",
            organisation=room_name,
            number=letter.number,
            masked=masked,
            pages=(
                Page(
                    blocks=(
                        Paragraph(text=salutation or "、".join(a.name for a in letter.addressees) + "："),
                        Paragraph(text=body),
                        Fields(items=(Field(label="来函编号", value=letter.referral_letter),)),
                        Paragraph(text=f"不予调解理由：{letter.reason.title_zh}"),
                        Signatures(lines=(f"{room_name}（印章）", zh_date(letter.on))),
                    )
                ),
            ),
        )
    _need(
        referral.status not in {ReferralStatus.ISSUED, ReferralStatus.WITHDRAWN, ReferralStatus.RETURNED},
        f"调解室尚未受理 {referral.letter_number} / the room has not accepted {referral.letter_number}",
    )
    return FormDocument(
        form=form,
        title="受理回执",
        organisation=room_name,
        number=referral.letter_number,
        masked=masked,
        pages=(
            Page(
                blocks=(
                    Paragraph(text=f"{referral.issuer_name}："),
                    Paragraph(
                        text=f"你单位{referral.mode.title_zh}的“{referral.cause}”纠纷（{referral.letter_number}），"
                        f"本委员会已于{zh_date(referral.acknowledged_on)}受理。调解结束后将及时反馈调解结果。"
                    ),
                    Fields(items=(Field(label="案件编号", value=referral.case_id or ""),)),
                    Signatures(lines=(f"{room_name}（印章）", zh_date(referral.acknowledged_on))),
                )
            ),
        ),
    )
