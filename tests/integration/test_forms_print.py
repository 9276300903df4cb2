"""What an official sees: every form, rendered for generated cases through the service, is an
A4 公文 page (GB/T 9704-2012) in 仿宋 with a 小标宋 title, with one date style, “” quotation
marks, no doubled words, and the numbers each letter must carry."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from decimal import Decimal
from typing import Any

import attrs
import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Pt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import ADMIN, LIAISON, MEDIATOR, ROOM, STATION, consents, resident_id
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, demo_registry
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.outcomes import DeclineReason, TerminationReason
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.categories import MINISTRY_CATEGORIES
from mediation_core.domain.values.parties import NaturalPerson, Side
from mediation_core.domain.values.sources import CaseSource, ReferralMode
from mediation_core.exports.forms import CASE_FORMS, DocumentForm, DocumentUnavailableError, file_title, typeset
from mediation_core.plugins.manager import Plugins, load_plugins
from mediation_core.testing.scenarios import lifecycle
from mediation_memory import MemoryStore
from mediation_reports import plugin as reports_plugin
from mediation_reports.docx_forms import BODY_FONTS, TITLE_FONTS

pytestmark = pytest.mark.integration

ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,})\1")
CATEGORIES = {category.code: category for category in MINISTRY_CATEGORIES}
NAMES = ("王建国", "李海", "张秀英", "刘洋", "陈静", "杨帆")


@pytest.fixture(scope="module")
def plugins() -> Plugins:
    return load_plugins(autoload=False, strict=True, plugins=[reports_plugin])


def service_at(plugins: Plugins, start: dt.date) -> tuple[MediationService, StoryClock]:
    clock = StoryClock(dt.datetime.combine(start, dt.time(9), CHINA_TZ))
    service = MediationService(MemoryStore(), plugins=plugins, clock=clock)
    service.register(demo_registry(), ADMIN)
    return service, clock


def read_back(data: bytes) -> tuple[Any, str]:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return doc, "\n".join(parts)


def east_asian(run: Any) -> str | None:
    fonts = run._element.rPr.rFonts if run._element.rPr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def assert_official_layout(doc: Any, title: str) -> None:
    """A4, GB/T 9704 margins on every section; 小标宋 22 pt title, 仿宋 everywhere else; the
    font table names each font's fallback."""
    expected = {"page_width": 210, "page_height": 297, "top_margin": 37, "bottom_margin": 35}
    expected |= {"left_margin": 28, "right_margin": 26}
    for section in doc.sections:
        for name, mm in expected.items():  # Word stores twips: within a hundredth of a millimetre
            assert abs(getattr(section, name).mm - mm) < 0.01, (name, getattr(section, name).mm)
    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs for r in p.runs]
    assert runs
    for r in runs:
        if r.text == title:
            assert east_asian(r) == TITLE_FONTS[0]
            assert r.font.size == Pt(22)
        else:
            assert east_asian(r) == BODY_FONTS[0], r.text
            assert r.font.size in {Pt(16), Pt(14)}
    normal = doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia"))
    assert normal == BODY_FONTS[0]
    table = doc.part.part_related_by(RT.FONT_TABLE).blob.decode()
    for chain in (TITLE_FONTS, BODY_FONTS):
        for name, alternate in itertools.pairwise(chain):
            assert f'w:name="{name}"><w:altName w:val="{alternate}"/>' in table


def assert_official_text(text: str) -> None:
    assert "「" not in text
    assert "」" not in text
    assert not DOUBLED.search(text), DOUBLED.search(text)
    for match in ZH_DATE.finditer(text):
        assert not match[2].startswith("0"), match[0]
        assert not match[3].startswith("0"), match[0]
    assert not re.search(r"\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2}", text)


def people(draw: st.DrawFn, serial: int) -> tuple[NaturalPerson, NaturalPerson]:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=2, unique=True))
    ethnicity = st.sampled_from(("", "汉族", "彝族", "回族"))
    occupation = st.sampled_from(("", "务农", "个体经营", "退休"))
    return tuple(  # type: ignore[return-value]
        NaturalPerson(
            party_id=pid,
            side=side,
            name=name,
            id_number=resident_id("19800101", serial + n),
            phone="13800138000",
            address="柏杨街道幸福路1号",
            ethnicity=draw(ethnicity),
            occupation=draw(occupation),
        )
        for n, (pid, side, name) in enumerate((("p1", Side.APPLICANT, names[0]), ("p2", Side.RESPONDENT, names[1])))
    )


@st.composite
def generated_cases(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.dates(dt.date(2025, 1, 1), dt.date(2026, 4, 1)))
    parties = people(draw, 1)
    return {
        "start": start,
        "category": draw(st.sampled_from(sorted(CATEGORIES))),
        "parties": parties,
        "terminated": draw(st.booleans()),
        # typed by a mediator in either style; the forms print one
        "obligation_date": draw(st.sampled_from(("{d:%Y年%m月%d日}", "{d.year}年{d.month}月{d.day}日"))),
        "quoted": draw(st.sampled_from(("「排水沟」", "“排水沟”", "排水沟"))),
    }


def script(case: dict[str, Any]) -> list[tuple[dt.datetime, Any]]:
    """The walked lifecycle for the generated parties and category, settled or terminated."""
    start: dt.date = case["start"]
    steps = lifecycle("g", start=start)
    out = []
    for moment, step in steps:
        command = step
        if isinstance(command, c.ReceiveDispute):
            command = attrs.evolve(
                command,
                category=case["category"],
                parties=case["parties"],
                summary=f"双方因{case['quoted']}堵塞发生争执",
                source=CaseSource.WALK_IN,
                amount_involved=Decimal(3000),
            )
        if isinstance(command, c.DraftWrittenAgreement):
            if case["terminated"]:
                out.append((moment, c.TerminateCase(case_id="g", on=moment.date(), reason=TerminationReason.FAILED)))
                break
            deadline = command.terms.performance_deadline
            obligations = f"李海于{case['obligation_date'].format(d=deadline)}前赔偿人民币3000元"
            command = attrs.evolve(
                command,
                terms=attrs.evolve(
                    command.terms,
                    obligations=obligations,
                    facts=f"{case['parties'][1].name}堵塞排水沟",
                ),
            )
        out.append((moment, command))
    return out


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=generated_cases())
def test_every_case_form_prints_on_the_national_layout(plugins: Plugins, case: dict[str, Any]) -> None:
    service, clock = service_at(plugins, case["start"])
    for moment, command in script(case):
        clock.set(moment.date())
        service.handle(command, MEDIATOR)
    number = service.case_file("g", MEDIATOR).state.number
    assert number
    printed = set()
    for form in CASE_FORMS:
        try:
            data = service.document("g", form, MEDIATOR)
        except DocumentUnavailableError:
            continue
        printed.add(form)
        doc, text = read_back(data)
        title = doc.core_properties.title
        assert_official_layout(doc, title)
        assert_official_text(text)
        assert number in text  # every form of a case carries its 卷号
        if form is DocumentForm.ACCEPTANCE_REGISTER:
            for party in case["parties"]:
                assert f"民族 | {party.ethnicity}" in text
                assert f"职业 | {party.occupation}" in text
        if form is DocumentForm.MEDIATION_RECORD:
            if case["terminated"]:
                assert "调解结果 | 未达成协议，终止调解" in text
                assert "达成书面协议" not in text
            else:
                assert "调解结果 | 达成书面协议" in text
        if form is DocumentForm.FILE_COVER:
            category = CATEGORIES[case["category"]].name_zh
            assert f"卷名 | {'、'.join(p.name for p in case['parties'])}{category}" in text.splitlines()
    ended = (
        {DocumentForm.TERMINATION_NOTICE}
        if case["terminated"]
        else {DocumentForm.AGREEMENT, DocumentForm.FOLLOW_UP_RECORD}
    )
    common = {DocumentForm.ACCEPTANCE_REGISTER, DocumentForm.RIGHTS_NOTICE, DocumentForm.MEDIATION_RECORD}
    assert printed == common | {DocumentForm.FILE_COVER} | ended


@pytest.mark.parametrize("key", sorted(CATEGORIES))
def test_the_file_title_names_the_dispute_once(key: str) -> None:
    name = CATEGORIES[key].name_zh
    title = file_title(("王建国", "李海"), name)
    assert not DOUBLED.search(title)
    assert title.startswith("王建国、李海")
    assert title.endswith(("纠纷", "争议"))
    assert file_title(("甲",), "拖欠农民工工资纠纷") == "甲拖欠农民工工资纠纷"
    assert file_title(("甲",), "邻里") == "甲邻里纠纷"


def test_typed_text_prints_in_one_date_style_with_chinese_quotation_marks() -> None:
    assert typeset("于2025年07月06日前支付「押金」") == "于2025年7月6日前支付“押金”"
    assert typeset("2025年12月16日") == "2025年12月16日"


def referral(on: dt.date, cause: str) -> rc.IssueReferral:
    return rc.IssueReferral(
        referral_id="",
        room_id=ROOM,
        source=CaseSource.STATION_TRANSFER,
        mode=ReferralMode.TRANSFER,
        issuer_id=STATION,
        signed_by="所长",
        issued_on=on,
        category="wage_arrears",
        cause=cause,
        facts="民工讨薪，双方同意人民调解",
        parties=tuple(
            NaturalPerson(
                party_id=pid,
                side=side,
                name=name,
                id_number=resident_id("19800101", n),
                phone="13800138000",
                address="柏杨街道幸福路1号",
                ethnicity="汉族",
                occupation="务工",
            )
            for n, (pid, side, name) in enumerate((("p1", Side.APPLICANT, "王建国"), ("p2", Side.RESPONDENT, "李海")))
        ),
        consents=consents(on, "p1", "p2"),
    )


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    on=st.dates(dt.date(2025, 1, 1), dt.date(2026, 4, 1)),
    declines=st.integers(1, 3),
    cause=st.sampled_from(("「工资」拖欠", "工资拖欠")),
)
def test_letters_carry_their_numbers_and_the_decline_letter_its_own(
    plugins: Plugins, on: dt.date, declines: int, cause: str
) -> None:
    service, clock = service_at(plugins, on)
    station = service.registry().org(STATION)
    room = service.registry().org(ROOM)
    assert station is not None
    assert room is not None
    issued = [service.handle(referral(on, cause), LIAISON) for _ in range(declines + 1)]
    accepted = issued[-1]
    service.handle(rc.AcceptReferral(referral_id=accepted.referral_id, on=on), MEDIATOR)
    numbers = []
    for n, letter in enumerate(issued[:-1], start=1):
        service.handle(
            rc.DeclineReferral(referral_id=letter.referral_id, on=on, reason=DeclineReason.ALREADY_HANDLED), MEDIATOR
        )
        with pytest.raises(RuleViolationError):  # refused: draws no number, leaves no gap
            service.handle(
                rc.DeclineReferral(referral_id=letter.referral_id, on=on, reason=DeclineReason.DUPLICATE), MEDIATOR
            )
        doc, text = read_back(service.referral_document(letter.referral_id, DocumentForm.REFERRAL_REPLY, MEDIATOR))
        assert_official_layout(doc, "不予调解函")
        assert_official_text(text)
        own = f"{room.code or ROOM}不调〔{on.year}〕{n}号"
        assert doc.core_properties.subject == own
        assert own in text
        assert text.count(letter.letter_number) == 2  # named in the letter and as 来函编号, never as its own
        assert f"来函编号 | {letter.letter_number}" in text
        assert len(re.findall(r"各方当事人：", text)) == 1  # one salutation
        assert [p for p in text.splitlines() if p.endswith("：")] == [f"{station.name}、各方当事人："]
        numbers.append(own)
    assert len(set(numbers)) == declines

    for letter in issued:
        doc, text = read_back(service.referral_document(letter.referral_id, DocumentForm.REFERRAL_LETTER, MEDIATOR))
        assert_official_layout(doc, "移送人民调解函")
        assert_official_text(text)
        assert letter.letter_number in text
        assert f"签发人：{station.name}所长" in text
        assert "负责人：所长" not in text
        assert "民族 | 汉族" in text
        assert "职业 | 务工" in text
    doc, text = read_back(service.referral_document(accepted.referral_id, DocumentForm.REFERRAL_REPLY, MEDIATOR))
    assert_official_layout(doc, "受理回执")
    assert_official_text(text)
    assert accepted.letter_number in text
    clock.set(on)
