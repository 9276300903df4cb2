"""A county's own templates: the agreement filled from a county template (letterhead, its own
wording, the form's fields), the built-in layout for a form it has no template for, values printed
literally, and a template naming an unknown field refused with the template and the field named."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import zipfile
from pathlib import Path

import attrs
import pytest
from docx import Document

from builders import MEDIATOR
from mediation_core.app import exporting
from mediation_core.app.service import MediationService
from mediation_core.demo.walkthrough import StoryClock, walk
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.exports.forms import TEMPLATE_FIELDS, DocumentForm, FormDocument, template_fields
from mediation_core.plugins.manager import load_plugins
from mediation_memory import MemoryStore
from mediation_reports import docx_forms
from mediation_reports import plugin as reports_plugin

pytestmark = pytest.mark.integration

CASE = "walkthrough-0001"
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "templates"


def _script() -> object:
    spec = importlib.util.spec_from_file_location("make_agreement_template", EXAMPLES / "make_agreement_template.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKER = _script()


@pytest.fixture(scope="module")
def walked() -> MediationService:
    plugins = load_plugins(autoload=False, strict=True, plugins=[reports_plugin])
    clock = StoryClock(dt.datetime(2026, 5, 6, 10, tzinfo=CHINA_TZ))
    service = MediationService(MemoryStore(), plugins=plugins, clock=clock)
    walk(service, clock)
    return service


def filled(service: MediationService, form: DocumentForm) -> FormDocument:
    return exporting.case_document(
        service.case_file(CASE, MEDIATOR),
        form,
        MEDIATOR,
        registry=service.registry(),
        categories=service.categories,
        roles=service.policy.personal_data_roles,
    )


def text_of(data: bytes) -> str:
    word = Document(io.BytesIO(data))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def test_the_agreement_is_filled_from_the_county_template(
    walked: MediationService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    MAKER.build(tmp_path / "agreement.docx")  # type: ignore[attr-defined]
    monkeypatch.setenv(docx_forms.TEMPLATES_ENV, str(tmp_path))
    doc = filled(walked, DocumentForm.AGREEMENT)
    data = walked.document(CASE, DocumentForm.AGREEMENT, MEDIATOR)
    text = text_of(data)
    assert MAKER.LETTERHEAD in text  # type: ignore[attr-defined]
    assert MAKER.WORDING in text  # type: ignore[attr-defined]
    assert doc.number
    assert f"编号：{doc.number}" in text
    assert doc.organisation in text
    assert doc.title in text
    parties = template_fields(doc)["parties"]
    assert isinstance(parties, list)
    assert len(parties) >= 2
    for party in parties:
        assert f"{party['side']}：{party['name']}" in text
    fields = template_fields(doc)["fields"]
    assert isinstance(fields, dict)
    assert f"履行期限：{fields['履行期限']}" in text
    assert "{{" not in text
    assert "{%" not in text
    section = Document(io.BytesIO(data)).sections[0]
    assert section.page_width is not None
    assert section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4, from the template


def test_the_shipped_example_template_fills(walked: MediationService, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(docx_forms.TEMPLATES_ENV, str(EXAMPLES))
    text = text_of(walked.document(CASE, DocumentForm.AGREEMENT, MEDIATOR))
    assert MAKER.LETTERHEAD in text  # type: ignore[attr-defined]
    assert filled(walked, DocumentForm.AGREEMENT).number in text


def test_a_form_without_a_county_template_is_laid_out_as_built_in(
    walked: MediationService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    MAKER.build(tmp_path / "agreement.docx")  # type: ignore[attr-defined]
    monkeypatch.setenv(docx_forms.TEMPLATES_ENV, str(tmp_path))
    data = walked.document(CASE, DocumentForm.ACCEPTANCE_REGISTER, MEDIATOR)
    monkeypatch.delenv(docx_forms.TEMPLATES_ENV)
    assert text_of(data) == text_of(walked.document(CASE, DocumentForm.ACCEPTANCE_REGISTER, MEDIATOR))
    assert MAKER.LETTERHEAD not in text_of(data)  # type: ignore[attr-defined]


def test_values_are_printed_literally(walked: MediationService, tmp_path: Path) -> None:
    template = MAKER.build(tmp_path / "agreement.docx")  # type: ignore[attr-defined]
    doc = filled(walked, DocumentForm.AGREEMENT)
    name = template_fields(doc)["parties"][0]["name"]  # type: ignore[index]
    hostile = "王<b>&amp;{{ title }}</w:t>"

    def swap(value: str) -> str:
        return value.replace(name, hostile)

    pages = tuple(
        attrs.evolve(
            page,
            blocks=tuple(
                attrs.evolve(b, items=tuple(attrs.evolve(f, value=swap(f.value)) for f in b.items))
                if hasattr(b, "items")
                else b
                for b in page.blocks
            ),
        )
        for page in doc.pages
    )
    data = docx_forms.template_docx(attrs.evolve(doc, pages=pages, organisation="<调委会> & {% x %}"), template)
    zipfile.ZipFile(io.BytesIO(data)).testzip()
    text = text_of(data)  # parses: the document is valid XML
    assert f"：{hostile}" in text
    assert "<调委会> & {% x %}" in text


def test_a_template_with_an_unknown_field_is_refused_naming_it(walked: MediationService, tmp_path: Path) -> None:
    word = Document()
    word.add_paragraph("{{ case_number }} {{ mediator_phone }}")
    word.save(str(tmp_path / "agreement.docx"))
    with pytest.raises(docx_forms.TemplateError) as caught:
        docx_forms.template_docx(filled(walked, DocumentForm.AGREEMENT), tmp_path / "agreement.docx")
    assert "mediator_phone" in str(caught.value)
    assert str(tmp_path / "agreement.docx") in str(caught.value)


def test_template_fields_have_the_documented_names_for_every_form(walked: MediationService) -> None:
    reference = (Path(__file__).resolve().parents[2] / "docs" / "templates.md").read_text(encoding="utf-8")
    for name in TEMPLATE_FIELDS:
        assert f"`{name}`" in reference
    for form in DocumentForm:
        assert f"| `{form.value}` |" in reference
    assert template_fields(filled(walked, DocumentForm.AGREEMENT)).keys() == TEMPLATE_FIELDS.keys()


def test_the_service_refuses_a_broken_county_template_and_prints_nothing(
    walked: MediationService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    word = Document()
    word.add_paragraph("{{ title }} {% if %}")
    word.save(str(tmp_path / "agreement.docx"))
    monkeypatch.setenv(docx_forms.TEMPLATES_ENV, str(tmp_path))
    with pytest.raises(docx_forms.TemplateError, match=r"agreement\.docx"):
        walked.document(CASE, DocumentForm.AGREEMENT, MEDIATOR)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agreement.docx"]
