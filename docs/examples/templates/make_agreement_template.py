"""Writes agreement.docx: an example county template for the 人民调解协议书, with the county's own
letterhead and wording and docxtpl (Jinja2) tags for the form's fields (docs/templates.md).

Run it to rebuild the template after editing: ``python docs/examples/templates/make_agreement_template.py``.
A county edits a copy of the .docx in Word instead; the tags are plain text in the document.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

LETTERHEAD = "示范县司法局 · 示范县人民调解工作专用"
WORDING = "经本委员会主持调解，双方当事人本着平等自愿、互谅互让的原则，自愿达成如下协议："


def build(target: Path) -> Path:
    word = Document()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    def line(text: str, *, centre: bool = False, size: int = 16, bold: bool = False) -> None:
        para = word.add_paragraph()
        if centre:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = para.add_run(text)
        run.font.size, run.bold = Pt(size), bold

    line(LETTERHEAD, centre=True, size=12)
    line("{{ committee_name }}", centre=True)
    line("{{ title }}", centre=True, size=22, bold=True)
    line("编号：{{ case_number }}")
    line("当事人", bold=True)
    line("{%p for p in parties %}")
    line("{{ p.side }}：{{ p.name }}")
    line("{%p endfor %}")
    line(WORDING)
    line("{%p for text in paragraphs %}")
    line("{{ text }}")
    line("{%p endfor %}")
    line("履行方式：{{ fields['履行方式'] }}")
    line("履行地点：{{ fields['履行地点'] }}")
    line("履行期限：{{ fields['履行期限'] }}")
    line("当事人（签名）：")
    line("人民调解员（签名）：")
    line("（{{ committee_name }}印章）")
    target.parent.mkdir(parents=True, exist_ok=True)
    word.save(str(target))
    return target


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("agreement.docx"))
