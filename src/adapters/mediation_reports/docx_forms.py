"""Documents in the Ministry's forms as Word files (python-docx), laid out as 公文 pages.

Lays out a :class:`~mediation_core.exports.forms.FormDocument` on the national layout of
GB/T 9704-2012《党政机关公文格式》: A4 paper (210 mm × 297 mm, §5.1), top margin 37 mm and left
margin 28 mm with a 156 mm × 225 mm type area (§5.2.1), so bottom 35 mm and right 26 mm; the
title in 2号小标宋 (22 pt, §7.3.1), everything else in 3号仿宋 (16 pt, §5.2.2). The committee
and the title are centred, the number on the right, then each page (a copy of an agreement,
one session's record) on a new page with its caption; label/value fields and tables as
bordered tables, signatures as lines left for pen and seal.

Fonts: a county's computers rarely have every 公文 font, so each run names the first font of
its chain as its east-asian font (``w:eastAsia``) and the document's font table gives each font
of the chain the next one as its alternate name (``w:altName``), which Word substitutes when
the first is missing: titles 方正小标宋简体 → 华文中宋 → 宋体, body 仿宋_GB2312 → 仿宋 → FangSong.
Latin letters and digits are set in Times New Roman.

County templates: when the directory named by ``MEDIATION_TEMPLATES_DIR`` holds
``<form code>.docx`` (``agreement.docx`` …), that form is filled from it with docxtpl (Jinja2 tags
in the document, the names of :data:`~mediation_core.exports.forms.TEMPLATE_FIELDS`, every value
inserted as text), keeping the template's letterhead, wording and page set-up; any other form is
laid out as above. docs/templates.md is the field reference.
"""

from __future__ import annotations

import io
import itertools
import os
from pathlib import Path
from typing import Any

from mediation_core.exports.forms import Block, Fields, FormDocument, Paragraph, Signatures, Table, template_fields

TEMPLATES_ENV = "MEDIATION_TEMPLATES_DIR"
"""The environment variable naming a county's template directory (``<form code>.docx`` files)."""


class TemplateError(ValueError):
    """A county template cannot be filled: it names a field the form does not have, or its tags are
    not valid Jinja2. Nothing is written."""


TITLE_FONTS = ("方正小标宋简体", "华文中宋", "宋体")
"""The title's font and its fallbacks, best first (小标宋 is what GB/T 9704 §7.3.1 names)."""
BODY_FONTS = ("仿宋_GB2312", "仿宋", "FangSong")
"""The body's font and its fallbacks, best first (仿宋, GB/T 9704 §5.2.2)."""
LATIN_FONT = "Times New Roman"

PAGE_MM = (210, 297)
"""A4 (GB/T 9704-2012 §5.1, GB/T 148)."""
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
"""GB/T 9704-2012 §5.2.1: 天头 37 mm, 订口 28 mm, 版心 156 mm × 225 mm."""
TITLE_PT = 22  # 2号
BODY_PT = 16  # 3号
TABLE_PT = 14  # 4号: a form's bordered table keeps a label and its value on one line


def _set_fonts(element: Any, chain: tuple[str, ...]) -> None:
    """Name the chain's first font as the east-asian font of a run or a style (w:rFonts)."""
    from docx.oxml.ns import qn  # noqa: PLC0415

    r_pr = element.get_or_add_rPr()
    fonts = r_pr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), chain[0])
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _font_table(word: Any) -> None:
    """Give every font of each chain the next as its alternate name in word/fontTable.xml."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: PLC0415
    from docx.opc.oxml import parse_xml, serialize_part_xml  # noqa: PLC0415
    from docx.oxml import OxmlElement  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415

    def child(parent: Any, tag: str, value: str) -> None:
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        parent.append(element)

    part = word.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    for chain in (TITLE_FONTS, BODY_FONTS):
        for name, alternate in itertools.pairwise(chain):
            font = OxmlElement("w:font")
            font.set(qn("w:name"), name)
            child(font, "w:altName", alternate)
            child(font, "w:charset", "86")  # GB2312
            child(font, "w:family", "modern" if "仿宋" in name else "roman")
            root.append(font)
    part._blob = serialize_part_xml(root)  # noqa: SLF001


class _Writer:
    """Writes one document's runs, tables and sections on the 公文 layout."""

    def __init__(self, doc: FormDocument) -> None:
        from docx import Document  # noqa: PLC0415 - the optional extra, only when a document is made
        from docx.shared import Pt  # noqa: PLC0415

        self.word = Document()
        style = self.word.styles["Normal"]
        style.font.name = LATIN_FONT
        style.font.size = Pt(BODY_PT)
        _set_fonts(style.element, BODY_FONTS)
        _font_table(self.word)
        self.word.core_properties.title = doc.title
        self.word.core_properties.subject = doc.number
        self.word.core_properties.keywords = f"{doc.form.value}{' masked' if doc.masked else ''}"

    @staticmethod
    def layout(section: Any) -> None:
        from docx.shared import Mm  # noqa: PLC0415

        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])

    @staticmethod
    def run(
        para: Any, text: str, *, size: int = BODY_PT, chain: tuple[str, ...] = BODY_FONTS, bold: bool = False
    ) -> None:
        from docx.shared import Pt  # noqa: PLC0415

        r = para.add_run(text)
        r.bold = bold
        r.font.size = Pt(size)
        r.font.name = LATIN_FONT
        _set_fonts(r._element, chain)  # noqa: SLF001

    def line(self, text: str, align: Any, **kwargs: Any) -> None:
        para = self.word.add_paragraph()
        para.alignment = align
        self.run(para, text, **kwargs)

    def table(self, rows: list[tuple[str, ...]], cols: int) -> None:
        table = self.word.add_table(rows=0, cols=cols)
        table.style = "Table Grid"
        for row in rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                self.run(cell.paragraphs[0], value, size=TABLE_PT)

    def block(self, item: Block) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415

        if isinstance(item, Fields):
            self.table([(f.label, f.value) for f in item.items], 2)
        elif isinstance(item, Table):
            self.table([item.headers, *item.rows], len(item.headers))
        elif isinstance(item, Paragraph):
            self.run(self.word.add_paragraph(), item.text, bold=item.heading)
        elif isinstance(item, Signatures):
            for text in item.lines:
                self.line(text, WD_ALIGN_PARAGRAPH.RIGHT)


def county_template(doc: FormDocument, directory: str | None = None) -> Path | None:
    """The county's template for this form, if its directory (``MEDIATION_TEMPLATES_DIR``) has one."""
    folder = os.environ.get(TEMPLATES_ENV, "") if directory is None else directory
    path = Path(folder) / f"{doc.form.value}.docx" if folder else None
    return path if path is not None and path.is_file() else None


def template_docx(doc: FormDocument, template: Path) -> bytes:
    """Fill a county template with the form's fields; an unknown field or a broken tag is a
    :class:`TemplateError` naming the template and the field, and nothing is returned."""
    import jinja2  # noqa: PLC0415 - the optional extra, only when a county template is used
    from docxtpl import DocxTemplate  # noqa: PLC0415

    tpl = DocxTemplate(str(template))
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        tpl.render(template_fields(doc), env, autoescape=True)
    except jinja2.UndefinedError as e:
        raise TemplateError(
            f"模板 {template} 使用了表单 {doc.form.value} 没有的字段：{e.message} / "
            f"template {template} uses a field form {doc.form.value} does not have: {e.message} "
            "(see docs/templates.md)"
        ) from e
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(
            f"模板 {template} 的标记有误（第{e.lineno}行）：{e.message} / "
            f"template {template} has a broken tag (line {e.lineno}): {e.message}"
        ) from e
    tpl.docx.core_properties.title = doc.title
    tpl.docx.core_properties.subject = doc.number
    tpl.docx.core_properties.keywords = f"{doc.form.value}{' masked' if doc.masked else ''}"
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def document_docx(doc: FormDocument) -> bytes:
    """The form as Word: from the county's template for it if there is one, else the built-in layout."""
    template = county_template(doc)
    if template is not None:
        return template_docx(doc, template)
    return _builtin_docx(doc)


def _builtin_docx(doc: FormDocument) -> bytes:
    from docx.enum.section import WD_SECTION  # noqa: PLC0415
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415

    w = _Writer(doc)
    w.layout(w.word.sections[0])
    for n, page in enumerate(doc.pages):
        if n:
            w.layout(w.word.add_section(WD_SECTION.NEW_PAGE))
        w.line(doc.organisation, WD_ALIGN_PARAGRAPH.CENTER)
        w.line(doc.title, WD_ALIGN_PARAGRAPH.CENTER, size=TITLE_PT, chain=TITLE_FONTS)
        if doc.number:
            w.line(doc.number, WD_ALIGN_PARAGRAPH.RIGHT)
        if page.caption:
            w.line(page.caption, WD_ALIGN_PARAGRAPH.RIGHT)
        for item in page.blocks:
            w.block(item)
    out = io.BytesIO()
    w.word.save(out)
    return out.getvalue()
