"""``mediation case``: show a case file, list the ledger, record a command from JSON, print a
case's document."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mediation_core.cli import render
from mediation_core.cli.output import table, to_json
from mediation_core.cli.session import Session, common_options
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.errors import CommandFormatError
from mediation_core.exports.forms import DocumentForm
from mediation_core.serialization import command_from_json, load_json, unstructure


def register(add: Callable[..., Any]) -> None:
    case: argparse.ArgumentParser = add(
        "case", "case files: show one, list the ledger, record a command, print a document", run_case
    )
    sub = case.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help_text, description=help_text)
        common_options(parser, top=False)
        return parser

    action("show", "the case file (一案一卷): every event, its actor and hash, and the ledger line").add_argument(
        "case_id"
    )
    listed = action("list", "ledger rows, newest first")
    listed.add_argument("--room", action="append", default=None, help="only this room (repeatable)")
    listed.add_argument(
        "--status",
        type=status_arg,
        help="only cases in this status: " + ", ".join(f"{s.value} ({s.title_zh})" for s in CaseStatus),
    )
    listed.add_argument("--limit", type=int, default=50, help="at most this many rows (default 50; 0: all)")
    recorded = action(
        "record",
        'record commands from JSON: {"command": "AcceptCase", "case_id": …, "on": "2026-05-06"}, or a list of them',
    )
    recorded.add_argument("file", help="a JSON file, or - for standard input")
    doc = action("document", "a case's document in the Ministry's form, as .docx or another format")
    doc.add_argument("case_id")
    doc.add_argument("form", choices=[f.value for f in DocumentForm])
    doc.add_argument("--format", default="docx", help="a document renderer's format (default docx)")
    doc.add_argument("-o", "--output", required=True, help="the file to write")


def status_arg(text: str) -> CaseStatus:
    """A case status by its code or its Chinese title; anything else names the valid ones."""
    for status in CaseStatus:
        if text in (status.value, status.title_zh):
            return status
    valid = ", ".join(f"{s.value} ({s.title_zh})" for s in CaseStatus)
    msg = f"no status {text!r}; the statuses are: {valid}"
    raise argparse.ArgumentTypeError(msg)


def run_case(session: Session) -> int:
    return {"show": show, "list": listing, "record": record, "document": document}[session.args.action](session)


def show(session: Session) -> int:
    args = session.args
    with session.service(writes=False) as service:
        case = service.case_file(args.case_id, session.actor)
        registry = service.registry()
        names = {o.org_id: o.name for o in registry.organisations.values()}
        names |= {m.mediator_id: m.name for m in registry.mediators.values()}
        categories = {code: c.name_zh for code, c in service.categories.items()}
    if args.json:
        args.stdout.write(
            to_json(
                {
                    "state": unstructure(case.state),
                    "ledger": unstructure(case.row),
                    "records": [unstructure(r) for r in case.records],
                }
            )
        )
    else:
        args.stdout.write(render.case_file(case, names, categories))
    return 0


def listing(session: Session) -> int:
    args = session.args
    with session.service(writes=False) as service:
        rows = service.ledger(session.actor, args.room)
        categories = {code: c.name_zh for code, c in service.categories.items()}
        names = {o.org_id: o.name for o in service.registry().organisations.values()}
    if args.status:
        rows = [r for r in rows if r.status is args.status]
    rows.sort(key=lambda r: (r.received_on, r.case_id), reverse=True)
    if args.limit:
        rows = rows[: args.limit]
    if args.json:
        args.stdout.write(to_json([unstructure(r) for r in rows]))
        return 0
    args.stdout.write(
        table(
            ["案件", "案号", "调解室", "登记", "类型", "来源", "状态", "结果"],
            [
                (
                    r.case_id,
                    r.number or "",
                    names.get(r.room_id, r.room_id),
                    r.received_on,
                    categories.get(r.category, r.category),
                    render.source_title(r.source),
                    r.status.title_zh,
                    render.OUTCOME_TITLES[r.outcome],
                )
                for r in rows
            ],
        )
    )
    return 0


def _read_input(name: str) -> bytes:
    if name == "-":
        stream = getattr(sys.stdin, "buffer", None)
        return stream.read() if stream is not None else sys.stdin.read().encode()
    return Path(name).read_bytes()


def record(session: Session) -> int:
    """Every command of the file in one unit of work: all recorded, or (the first refusal
    reported) none."""
    args = session.args
    data = load_json(_read_input(args.file))
    items = data if isinstance(data, list) else [data]
    commands = []
    for n, item in enumerate(items):
        try:
            commands.append(command_from_json(item))
        except CommandFormatError as exc:
            where = f"command {n + 1} of {len(items)}: " if isinstance(data, list) else ""
            raise CommandFormatError([where + p for p in exc.problems]) from exc
    results = []
    with session.service() as service:
        actor = session.writer(service)
        with service.bulk() as batch:
            for n, command in enumerate(commands):
                try:
                    results.append(batch.handle(command, actor))
                except Exception as exc:
                    if isinstance(data, list):
                        exc.add_note(f"command {n + 1} of {len(commands)} ({type(command).__name__}) was refused")
                    raise
    if args.json:
        args.stdout.write(to_json([unstructure(s) for s in results]))
        return 0
    for command, state in zip(commands, results, strict=True):
        ident = next(
            (
                getattr(state, a)
                for a in ("case_id", "referral_id", "stream_id", "dispatch_id", "police_case_id", "traffic_id")
                if hasattr(state, a)
            ),
            "",
        )
        status = getattr(getattr(state, "status", None), "value", "")
        args.stdout.write(f"recorded {type(command).__name__}: {ident} v{getattr(state, 'version', '')} {status}\n")
    return 0


def document(session: Session) -> int:
    args = session.args
    with session.service(writes=False) as service:
        data = service.document(args.case_id, DocumentForm(args.form), session.actor, args.format)
    Path(args.output).write_bytes(data)
    if args.json:
        args.stdout.write(to_json({"file": args.output, "bytes": len(data)}))
    else:
        args.stdout.write(f"wrote {args.output} ({len(data):,} bytes)\n")
    return 0
