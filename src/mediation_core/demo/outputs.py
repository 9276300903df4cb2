"""What the demo leaves behind: the ledger workbook, the dashboard, the statistics workbook and
sample documents, each through the renderer a plugin offers. A renderer whose optional library
is missing is skipped with the extra to install, not fatal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from attrs import frozen

from mediation_core.app.service import MediationService
from mediation_core.demo.district import CENTRE_STAFF, District, mediator_actor
from mediation_core.demo.plan import Plan
from mediation_core.domain.values.actors import Actor
from mediation_core.exports.forms import DocumentForm
from mediation_core.plugins.manager import PluginError


@frozen(kw_only=True)
class Written:
    """The files written and the ones skipped (with why)."""

    files: tuple[Path, ...]
    skipped: tuple[str, ...]


def write_outputs(service: MediationService, district: District, plan: Plan, out: Path) -> Written:
    """The coordination centre's files (masked as the centre reads them) and a room's documents."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "documents").mkdir(exist_ok=True)
    files: list[Path] = []
    skipped: list[str] = []

    def save(name: str, make: Callable[[], bytes]) -> None:
        try:
            data = make()
        except PluginError as exc:
            skipped.append(str(exc))
            return
        path = out / name
        path.write_bytes(data)
        files.append(path)

    renderers = service.plugins.renderers()
    save("台账.xlsx", lambda: service.export_ledger(CENTRE_STAFF, "xlsx"))
    for fmt, name in (("html", "dashboard.html"), ("xlsx", "统计报表.xlsx")):
        if f"statistics-{fmt}" in renderers:
            save(name, lambda fmt=fmt: service.statistics_file(plan.period, "district", CENTRE_STAFF, fmt))  # type: ignore[misc]
        else:
            skipped.append(f"{name}: no statistics-{fmt} renderer is installed")
    samples = plan.samples

    def room_actor(case_id: str) -> Actor:
        row = service.store.ledger_row(case_id)
        room = row.room_id if row else district.room_ids[0]
        return mediator_actor(district.director(room))

    documents = [
        (samples.written_agreement, DocumentForm.ACCEPTANCE_REGISTER, "受理登记表"),
        (samples.written_agreement, DocumentForm.MEDIATION_RECORD, "调解记录"),
        (samples.written_agreement, DocumentForm.AGREEMENT, "调解协议书"),
        (samples.written_agreement, DocumentForm.FOLLOW_UP_RECORD, "回访记录"),
        (samples.written_agreement, DocumentForm.FILE_COVER, "卷宗封面及目录"),
        (samples.oral_agreement, DocumentForm.AGREEMENT, "人民调解口头协议登记表"),
        (samples.on_scene, DocumentForm.AGREEMENT, "人民调解口头协议登记表（现场调解）"),
        (samples.terminated, DocumentForm.MEDIATION_RECORD, "终止调解案件调解记录"),
        (samples.terminated, DocumentForm.TERMINATION_NOTICE, "终止人民调解告知书"),
    ]
    for case_id, form, title in documents:
        if case_id:
            save(
                f"documents/{case_id}-{title}.docx",
                lambda case_id=case_id, form=form: service.document(case_id, form, room_actor(case_id)),  # type: ignore[misc]
            )
    for referral_id, form, title in (
        (samples.referral, DocumentForm.REFERRAL_LETTER, "移送人民调解函"),
        (samples.declined_referral, DocumentForm.REFERRAL_REPLY, "不予调解函"),
    ):
        if referral_id:
            referral = service.referral(referral_id, CENTRE_STAFF)
            actor = mediator_actor(district.director(referral.room_id))
            save(
                f"documents/{referral_id}-{title}.docx",
                lambda rid=referral_id, form=form, actor=actor: service.referral_document(rid, form, actor),  # type: ignore[misc]
            )
    return Written(files=tuple(files), skipped=tuple(dict.fromkeys(skipped)))
