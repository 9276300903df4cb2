"""Documents in the Ministry's forms as Word files (python-docx).

Lays out a :class:`~mediation_core.exports.forms.FormDocument`: the committee and the title
centred, the number on the right, then each page (a copy of an agreement, one session's record)
on a new page with its caption; label/value fields and tables as bordered tables, signatures as
lines left for pen and seal. Text is set in 宋体 so it prints in Chinese on any Word.
"""

from __future__ import annotations

import io

from mediation_core.exports.forms import Block, Fields, FormDocument, Paragraph, Signatures, Table

FONT = "宋体"


def document_docx(doc: FormDocument) -> bytes:
    from docx import Document  # noqa: PLC0415 - the optional extra, only when a document is made
    from docx.enum.section import WD_SECTION  # noqa: PLC0415
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415
    from docx.shared import Pt  # noqa: PLC0415

    word = Document()
    style = word.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    word.core_properties.title = doc.title
    word.core_properties.subject = doc.number
    word.core_properties.keywords = f"{doc.form.value}{' masked' if doc.masked else ''}"

    def heading(text: str, size: int, align: object) -> None:
        para = word.add_paragraph()
        para.alignment = align  # type: ignore[assignment]
        run = para.add_run(text)
        run.bold = True
        run.font.size = Pt(size)

    def block(item: Block) -> None:
        if isinstance(item, Fields):
            table = word.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for field in item.items:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = field.label, field.value
        elif isinstance(item, Table):
            table = word.add_table(rows=1, cols=len(item.headers))
            table.style = "Table Grid"
            for cell, header in zip(table.rows[0].cells, item.headers, strict=True):
                cell.text = header
            for row in item.rows:
                for cell, value in zip(table.add_row().cells, row, strict=True):
                    cell.text = value
        elif isinstance(item, Paragraph):
            para = word.add_paragraph()
            run = para.add_run(item.text)
            run.bold = item.heading
        elif isinstance(item, Signatures):
            for line in item.lines:
                para = word.add_paragraph(line)
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    for n, page in enumerate(doc.pages):
        if n:
            word.add_section(WD_SECTION.NEW_PAGE)
        heading(doc.organisation, 14, WD_ALIGN_PARAGRAPH.CENTER)
        heading(doc.title, 18, WD_ALIGN_PARAGRAPH.CENTER)
        if doc.number:
            word.add_paragraph(doc.number).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if page.caption:
            word.add_paragraph(page.caption).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for item in page.blocks:
            block(item)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
