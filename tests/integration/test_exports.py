"""Ledger exports and imports, and case documents, through the service with the shipped renderers."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import attrs
import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from builders import ADMIN, MEDIATOR, ROOM
from mediation_core.app.authorisation import UNRESTRICTED, may_read_case
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, walk
from mediation_core.domain.errors import AuthorisationError, CaseNotFoundError
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.casefile import BINDING_ORDER
from mediation_core.exports.forms import DocumentForm, DocumentUnavailableError
from mediation_core.exports.ledger import HEADERS, LedgerImportError
from mediation_core.plugins.manager import PluginError, Plugins, load_plugins
from mediation_memory import MemoryStore
from mediation_reports import plugin as reports_plugin

pytestmark = pytest.mark.integration

CASE = "walkthrough-0001"
CENTRE = Actor(actor_id="c-1", role=Role.COORDINATION_CENTRE, scope_id="district")
ID_1, PHONE_1 = "11010519491231002X", "13800138000"


def new_service(plugins: Plugins) -> tuple[MediationService, StoryClock]:
    clock = StoryClock(dt.datetime(2026, 5, 6, 10, tzinfo=CHINA_TZ))
    return MediationService(MemoryStore(), plugins=plugins, clock=clock), clock


def importing_service(plugins: Plugins) -> MediationService:
    """A deployment importing the walked ledger after the walked case was archived (an
    imported row cannot record what happened after the day of the import)."""
    clock = StoryClock(dt.datetime(2026, 6, 1, 10, tzinfo=CHINA_TZ))
    return MediationService(MemoryStore(), plugins=plugins, clock=clock)


@pytest.fixture(scope="module")
def plugins() -> Plugins:
    return load_plugins(autoload=False, strict=True, plugins=[reports_plugin])


@pytest.fixture(scope="module")
def walked(plugins: Plugins) -> MediationService:
    """One dispute walked from intake to archive (written agreement, follow-up visit)."""
    service, clock = new_service(plugins)
    walk(service, clock)
    return service


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [" | ".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(parts)


# -- the ledger ------------------------------------------------------------------------------------
def test_the_ledger_workbook_has_chinese_headers_and_one_row_per_case(walked: MediationService) -> None:
    book = load_workbook(io.BytesIO(walked.export_ledger(ADMIN, "xlsx")))
    sheet = book["台账"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[2] == ("序号", *HEADERS)
    assert len(values) == 4
    row = dict(zip(values[2], values[3], strict=True))
    assert row["序号"] == 1
    assert row["案号"] == "（2026）彭调人调字第001号"
    assert row["状态"] == "已归档"
    assert row["调解结果"] == "调解成功"
    assert row["受理日期"] == dt.datetime(2026, 5, 6)
    assert row["涉及金额（元）"] == 3000
    assert sheet.freeze_panes == "B4"


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_an_exported_ledger_imports_into_another_deployment_as_the_same_rows(
    plugins: Plugins, walked: MediationService, fmt: str
) -> None:
    data = walked.export_ledger(ADMIN, fmt)
    other = importing_service(plugins)
    other.register(walked.registry(), ADMIN)
    imported = other.import_ledger(data, fmt, ADMIN, source=f"ledger.{fmt}")
    expected = [attrs.evolve(r, party_keys=()) for r in walked.store.ledger()]
    assert sorted(imported.case_ids) == [r.case_id for r in expected]
    assert other.store.ledger_rows(imported.case_ids) == expected
    assert list(other.store.ledger()) == expected
    [record] = other.store.read(CASE)
    assert record.event_type == "ledger.row_imported"
    assert record.body["source"] == f"ledger.{fmt}"
    assert other.verify() == []
    with pytest.raises(CaseNotFoundError, match="imported from a ledger file"):
        other.case_file(CASE, ADMIN)
    with pytest.raises(LedgerImportError) as again:
        other.import_ledger(data, fmt, ADMIN)
    assert [(p.row, p.column, p.message_en) for p in again.value.problems] == [
        ({"xlsx": 4, "csv": 2, "json": 1}[fmt], "系统案件编号", "this case is already in the system")
    ]


def _workbook(rows: list[list[object]], headers: tuple[str, ...] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_bad_rows_are_all_reported_by_row_and_column_and_nothing_is_imported(
    plugins: Plugins, walked: MediationService
) -> None:
    exported = load_workbook(io.BytesIO(walked.export_ledger(ADMIN, "xlsx")))["台账"]
    good = next(exported.iter_rows(min_row=4, max_row=4, values_only=True))[1:]  # below the title rows, after 序号
    col = {h: i for i, h in enumerate(HEADERS)}

    def changed(**cells: object) -> list[object]:
        row = list(good)
        for header, value in cells.items():
            row[col[header]] = value
        return row

    data = _workbook(
        [
            changed(系统案件编号="a-1"),
            changed(系统案件编号="a-2", 受理日期="2026-02-30", 状态="已完成"),
            [None] * len(HEADERS),
            changed(系统案件编号="a-1", 调解次数=-1),
            changed(系统案件编号="", 纠纷类型="外星人纠纷", 调解室="no-such-room"),
            changed(系统案件编号="a-5", 调解室="no-such-room", 登记日期="2026年5月6日"),
        ]
    )
    other = importing_service(plugins)
    other.register(walked.registry(), ADMIN)
    with pytest.raises(LedgerImportError) as caught:
        other.import_ledger(data, "xlsx", ADMIN)
    found = [(p.row, p.column) for p in caught.value.problems]
    assert found == [
        (3, "状态"),
        (3, "受理日期"),
        (5, "调解次数"),
        (5, "系统案件编号"),
        (6, "纠纷类型"),
        (6, "系统案件编号"),
        (7, "案号"),  # row 2's number again: the rows whose cells read are checked in the same pass
        (7, "调解室"),
    ]
    assert "第3行「受理日期」" in str(caught.value)
    assert list(other.store.ledger()) == []
    with pytest.raises(LedgerImportError) as rooms:  # the cells are fine; the room is not registered
        other.import_ledger(
            _workbook([changed(系统案件编号="a-5", 调解室="no-such-room", 登记日期="2026年5月6日")]), "xlsx", ADMIN
        )
    assert [(p.row, p.column, p.message_en) for p in rooms.value.problems] == [
        (2, "调解室", "not a registered mediation room")
    ]
    missing = _workbook([], headers=HEADERS[:-1])
    with pytest.raises(LedgerImportError, match="缺少此列"):
        other.import_ledger(missing, "xlsx", ADMIN)
    assert list(other.store.ledger()) == []


def test_only_an_administrator_imports(plugins: Plugins, walked: MediationService) -> None:
    other = importing_service(plugins)
    other.register(walked.registry(), ADMIN)
    data = walked.export_ledger(ADMIN, "csv")
    with pytest.raises(AuthorisationError, match="administrator's act"):
        other.import_ledger(data, "csv", MEDIATOR)
    assert list(other.store.ledger()) == []
    assert other.import_ledger(data, "csv", ADMIN)


def test_an_unknown_format_names_the_installed_ones(walked: MediationService) -> None:
    with pytest.raises(PluginError, match="ledger-csv, ledger-json, ledger-xlsx"):
        walked.export_ledger(ADMIN, "pdf")
    with pytest.raises(PluginError, match="installed: csv, json, xlsx"):
        walked.import_ledger(b"", "pdf", ADMIN)


# -- documents -------------------------------------------------------------------------------------
def test_the_agreement_has_one_copy_per_party_and_one_for_the_committee(walked: MediationService) -> None:
    data = walked.document(CASE, DocumentForm.AGREEMENT, MEDIATOR)
    doc = Document(io.BytesIO(data))
    text = docx_text(data)
    assert len(doc.sections) == 3
    for n, holder in enumerate(["当事人王建国执", "当事人李海执", "人民调解委员会存档"], start=1):
        assert f"第{n}份 共3份 {holder}" in text
    assert text.count("人民调解协议书") == 3
    assert "（2026）彭调人调字第001号" in text
    assert "李海于5月15日前清理排水沟并赔偿王建国损失人民币3000元" in text
    assert "履行期限 | 2026年5月15日" in text
    assert "本协议一式3份" in text
    assert f"公民身份号码 | {ID_1}" in text  # the mediator of the room sees it in full
    assert doc.core_properties.title == "人民调解协议书"


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        (
            DocumentForm.ACCEPTANCE_REGISTER,
            ["人民调解受理登记表", "纠纷类型", "案件来源 | 110接处警", "登记日期 | 2026年5月6日"],
        ),
        (
            DocumentForm.RIGHTS_NOTICE,
            ["人民调解当事人权利义务告知书", "（二）接受调解、拒绝调解或者要求终止调解；", "如实陈述纠纷事实"],
        ),
        (
            DocumentForm.MEDIATION_RECORD,
            ["人民调解记录", "第1次调解", "调解地点 | 彭山路派出所联合调解室", "人民调解员 | 张明"],
        ),
        (DocumentForm.FOLLOW_UP_RECORD, ["人民调解回访记录", "履行情况 | 已履行", "回访日期 | 2026年5月20日"]),
    ],
)
def test_each_case_form_reads_back_with_its_facts(
    walked: MediationService, form: DocumentForm, expected: list[str]
) -> None:
    text = docx_text(walked.document(CASE, form, MEDIATOR))
    for piece in expected:
        assert piece in text


def test_the_file_index_follows_the_binding_order_of_the_one_case_one_file_list(walked: MediationService) -> None:
    doc = Document(io.BytesIO(walked.document(CASE, DocumentForm.FILE_COVER, MEDIATOR)))
    cover = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert cover["卷号"] == "（2026）彭调人调字第001号"
    assert cover["保管期限"].endswith("年")
    assert cover["立卷人"] == "张明"
    index = doc.tables[1]
    assert [c.text for c in index.rows[0].cells] == ["序号", "文件材料名称", "日期", "页号", "备注"]
    names = [row.cells[1].text for row in index.rows[1:]]
    titles = [item.title_zh for item in BINDING_ORDER]
    positions = [next(i for i, t in enumerate(titles) if n.startswith(t)) for n in names]
    assert positions == sorted(positions)
    assert names[0] == "人民调解申请书/受理登记表"
    assert names[-1].startswith("封底")
    assert [row.cells[0].text for row in index.rows[1:]] == [str(n) for n in range(1, len(names) + 1)]


def test_a_form_the_case_has_not_reached_is_refused(plugins: Plugins) -> None:
    from builders import PARTIES
    from mediation_core.demo.walkthrough import demo_registry
    from mediation_core.domain.case import commands as c
    from mediation_core.domain.values.sources import CaseSource

    service, _ = new_service(plugins)
    service.register(demo_registry(), ADMIN)
    case = service.handle(
        c.ReceiveDispute(
            case_id="x",
            room_id=ROOM,
            received_on=dt.date(2026, 5, 6),
            source=CaseSource.WALK_IN,
            category="neighbourhood",
            summary="邻里纠纷",
            parties=PARTIES,
        ),
        MEDIATOR,
    )
    with pytest.raises(DocumentUnavailableError, match="has no agreement"):
        service.document(case.case_id, DocumentForm.AGREEMENT, MEDIATOR)
    with pytest.raises(ValueError, match="referral's document"):
        service.document(case.case_id, DocumentForm.REFERRAL_LETTER, MEDIATOR)


def test_a_terminated_case_gives_its_parties_the_routes_and_the_limitation_notice(plugins: Plugins) -> None:
    from builders import PARTIES
    from mediation_core.demo.walkthrough import demo_registry
    from mediation_core.domain.case import commands as c
    from mediation_core.domain.case.outcomes import TerminationReason
    from mediation_core.domain.values.sources import CaseSource

    service, _ = new_service(plugins)
    service.register(demo_registry(), ADMIN)
    on = dt.date(2026, 5, 6)
    service.handle(
        c.ReceiveDispute(
            case_id="t",
            room_id=ROOM,
            received_on=on,
            source=CaseSource.WALK_IN,
            category="neighbourhood",
            summary="邻里纠纷",
            parties=PARTIES,
        ),
        MEDIATOR,
    )
    with pytest.raises(DocumentUnavailableError, match="was not terminated"):
        service.document("t", DocumentForm.TERMINATION_NOTICE, MEDIATOR)
    service.handle(c.AcceptCase(case_id="t", on=on), MEDIATOR)
    service.handle(c.TerminateCase(case_id="t", on=on, reason=TerminationReason.WITHDRAWN), MEDIATOR)
    text = docx_text(service.document("t", DocumentForm.TERMINATION_NOTICE, MEDIATOR))
    for piece in (
        "终止人民调解告知书",
        "终止原因 | 当事人撤回调解申请",
        "告知途径 | 仲裁、行政、司法诉讼",
        "可以依法通过仲裁、行政、司法等途径维护自己的权利",
        "自2026年5月6日申请人民调解之日起诉讼时效中断",
    ):
        assert piece in text


# -- personal data ---------------------------------------------------------------------------------
SCOPES = {
    Role.MEDIATOR: ROOM,
    Role.ROOM_DIRECTOR: ROOM,
    Role.STATION_LIAISON: "pengshanlu-station",
    Role.POLICE_OFFICER: "pengshanlu-station",
    Role.JUSTICE_OFFICE: "baiyang",
    Role.TOWNSHIP: "baiyang",
    Role.COORDINATION_CENTRE: "district",
    Role.ADMINISTRATOR: "district",
    Role.SYSTEM: "*",
}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    role=st.sampled_from(list(Role)),
    elsewhere=st.booleans(),
    form=st.sampled_from([DocumentForm.ACCEPTANCE_REGISTER, DocumentForm.AGREEMENT]),
)
def test_documents_show_id_and_phone_numbers_only_to_roles_that_may_see_them(
    walked: MediationService, role: Role, elsewhere: bool, form: DocumentForm
) -> None:
    scope = "another-room" if elsewhere else SCOPES[role]
    actor = Actor(actor_id="a", role=role, scope_id=scope)
    try:
        text = docx_text(walked.document(CASE, form, actor))
    except AuthorisationError:
        assert not may_read_case(actor, ROOM, walked.registry())
        return
    assert may_read_case(actor, ROOM, walked.registry())
    sees = role in walked.policy.personal_data_roles and (not elsewhere or role in UNRESTRICTED)
    assert (ID_1 in text) == sees
    assert (PHONE_1 in text) == sees
    withheld = not sees and role in walked.policy.party_data_withheld_roles
    if withheld:  # no party personal data at all: not even masked numbers, names as 王某
        assert "110105" not in text
        assert "8000" not in text
        assert "王建国" not in text
        assert "王某" in text
    elif not sees:
        assert "110105********002X" in text
        assert "138****8000" in text


def test_a_county_may_let_more_roles_see_personal_data(plugins: Plugins, walked: MediationService) -> None:
    walked_centre = MediationService(
        walked.store,
        plugins=plugins,
        policy=attrs.evolve(
            walked.policy, personal_data_roles=(*walked.policy.personal_data_roles, Role.COORDINATION_CENTRE)
        ),
    )
    assert ID_1 in docx_text(walked_centre.document(CASE, DocumentForm.AGREEMENT, CENTRE))
    assert ID_1 not in docx_text(walked.document(CASE, DocumentForm.AGREEMENT, CENTRE))


def test_the_ledger_masks_numbers_written_in_free_text_for_readers_who_may_not_see_them(
    plugins: Plugins,
) -> None:
    from builders import PARTIES
    from mediation_core.demo.walkthrough import demo_registry
    from mediation_core.domain.case import commands as c
    from mediation_core.domain.values.sources import CaseSource

    service, _ = new_service(plugins)
    service.register(demo_registry(), ADMIN)
    service.handle(
        c.ReceiveDispute(
            case_id="x",
            room_id=ROOM,
            received_on=dt.date(2026, 5, 6),
            source=CaseSource.WALK_IN,
            category="neighbourhood",
            summary=f"王某（{ID_1}，{PHONE_1}）与邻居争执",
            parties=PARTIES,
        ),
        MEDIATOR,
    )
    assert PHONE_1 in service.export_ledger(MEDIATOR, "csv").decode("utf-8-sig")
    centre = service.export_ledger(CENTRE, "csv").decode("utf-8-sig")
    assert PHONE_1 not in centre
    assert ID_1 not in centre
    assert "王某（110105********002X，138****8000）与邻居争执" in centre
    assert service.ledger_table(CENTRE).masked


# -- referral letters ------------------------------------------------------------------------------
def test_the_referral_letter_and_the_rooms_replies_read_back(plugins: Plugins) -> None:
    from builders import LIAISON, referral
    from mediation_core.demo.walkthrough import demo_registry
    from mediation_core.domain.case.outcomes import DeclineReason
    from mediation_core.domain.referral import commands as rc

    service, clock = new_service(plugins)
    service.register(demo_registry(), ADMIN)
    may_6 = dt.date(2026, 5, 6)
    clock.set(may_6)
    first = service.handle(referral(may_6), LIAISON)
    second = service.handle(referral(may_6), LIAISON)

    letter = docx_text(service.referral_document(first.referral_id, DocumentForm.REFERRAL_LETTER, MEDIATOR))
    assert "移送人民调解函" in letter
    assert first.letter_number in letter
    assert "柏杨街道人民调解委员会：" in letter
    assert "第十八条移送你委员会调解" in letter
    party = first.parties[0]
    assert f"公民身份号码 | {party.id_number}" in letter  # type: ignore[union-attr]
    masked = docx_text(service.referral_document(first.referral_id, DocumentForm.REFERRAL_LETTER, LIAISON))
    assert party.id_number not in masked  # type: ignore[union-attr]

    with pytest.raises(DocumentUnavailableError, match="has not accepted"):
        service.referral_document(first.referral_id, DocumentForm.REFERRAL_REPLY, MEDIATOR)
    service.handle(rc.AcceptReferral(referral_id=first.referral_id, on=may_6), MEDIATOR)
    reply = docx_text(service.referral_document(first.referral_id, DocumentForm.REFERRAL_REPLY, LIAISON))
    assert "受理回执" in reply
    assert "本委员会已于2026年5月6日受理" in reply

    service.handle(
        rc.DeclineReferral(referral_id=second.referral_id, on=may_6, reason=DeclineReason.ALREADY_HANDLED), MEDIATOR
    )
    declined = docx_text(service.referral_document(second.referral_id, DocumentForm.REFERRAL_REPLY, MEDIATOR))
    assert "不予调解函" in declined
    assert "不予调解理由：人民法院、公安机关或者其他行政机关已经受理或者解决的纠纷" in declined


def test_a_ledger_import_into_a_database_is_all_or_nothing(
    plugins: Plugins, walked: MediationService, database_urls: Callable[[], str]
) -> None:
    from mediation_sqlalchemy import open_sqlalchemy

    data = walked.export_ledger(ADMIN, "csv")
    header, row = data.decode("utf-8-sig").splitlines()[:2]
    other_row = row.replace(CASE, "legacy-0002", 1).replace("第001号", "第901号")
    clock = StoryClock(dt.datetime(2026, 6, 1, 9, tzinfo=CHINA_TZ))
    service = MediationService(open_sqlalchemy(database_urls()), plugins=plugins, clock=clock, identity_key=b"k")
    try:
        service.register(walked.registry(), ADMIN)
        service.import_ledger(f"\ufeff{header}\r\n{row}\r\n".encode(), "csv", ADMIN)
        with pytest.raises(LedgerImportError) as caught:  # the second row is a case already there
            service.import_ledger(f"\ufeff{header}\r\n{other_row}\r\n{row}\r\n".encode(), "csv", ADMIN)
        assert [(p.row, p.message_en) for p in caught.value.problems] == [(3, "this case is already in the system")]
        assert [r.case_id for r in service.store.ledger()] == [CASE]  # legacy-0002 was not half-imported
        assert service.store.read("legacy-0002") == []
    finally:
        service.store.close()
