"""``mediation export`` and ``import``: the ledger (台账) as a file, and back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from mediation_core.cli.output import table, to_json
from mediation_core.cli.session import Session, UsageError


def register(add: Callable[..., Any]) -> None:
    export = add("export", "the ledger (台账) with Chinese headers, masked for the acting role", run_export)
    export.add_argument(
        "--format", default="", help="xlsx, csv, json or a plugin's format (default: from -o, else csv)"
    )
    export.add_argument("--room", action="append", default=None, help="only this room (repeatable)")
    export.add_argument("-o", "--output", help="the file to write (csv and json go to stdout without it)")
    imported = add(
        "import",
        "import a ledger file: checked whole first (each bad cell listed, nothing written), then written in chunks",
        run_import,
    )
    imported.add_argument("file")
    imported.add_argument(
        "--format", default="", help="xlsx, csv, json or a plugin's reader (default: from the file's suffix)"
    )
    imported.add_argument(
        "--source", default="", help="where the rows came from (recorded on each; default: the file's digest)"
    )
    imported.add_argument(
        "--resume", metavar="BATCH", default="", help="finish an interrupted import of the same file (its batch id)"
    )
    batches = add(
        "imports",
        "imported batches (administrators): list them, or --approve BATCH as a second administrator so that "
        "their rows count in evaluations and subsidies",
        run_imports,
    )
    batches.add_argument("--approve", metavar="BATCH", help="approve this batch (not one you imported)")


def _format(explicit: str, path: str | None, fallback: str) -> str:
    if explicit:
        return explicit
    suffix = Path(path).suffix.lower().lstrip(".") if path else ""
    return suffix or fallback


def run_export(session: Session) -> int:
    args = session.args
    fmt = _format(args.format, args.output, "csv")
    with session.service(writes=False) as service:
        data = service.export_ledger(session.actor, fmt, args.room)
    if args.output:
        Path(args.output).write_bytes(data)
        args.stdout.write(
            to_json({"file": args.output, "bytes": len(data)})
            if args.json
            else f"wrote {args.output} ({len(data):,} bytes)\n"
        )
    elif fmt in ("csv", "json"):
        args.stdout.write(data.decode("utf-8-sig"))
    else:
        msg = f"--format {fmt} writes a file: give -o FILE"
        raise UsageError(msg)
    return 0


def run_import(session: Session) -> int:
    args = session.args
    path = Path(args.file)
    data = path.read_bytes()
    with session.service() as service:
        actor = session.writer(service)
        fmt = _format(args.format, args.file, "")
        done = service.import_ledger(data, fmt, actor, args.source or path.name, resume=args.resume)
    if args.json:
        args.stdout.write(to_json({"imported": len(done), "batch": done.batch, "case_ids": list(done.case_ids)}))
    else:
        args.stdout.write(
            f"imported {len(done)} ledger row(s) from {path.name} as batch {done.batch}; they count in evaluations "
            f"and subsidies once another administrator runs: mediation imports --approve {done.batch}\n"
        )
    return 0


def run_imports(session: Session) -> int:
    args = session.args
    with session.service(writes=bool(args.approve)) as service:
        if args.approve:
            service.approve_import(args.approve, session.writer(service))
        batches = service.import_batches(session.writer(service) if args.approve else session.actor)
    listed = [
        {
            "batch": d.key,
            "source": d.body["source"],
            "cases": len(d.body["case_ids"]),
            "imported_by": d.body["imported_by"],
            "imported_at": d.body["imported_at"],
            "approved_by": d.body["approved_by"],
            "complete": d.body.get("complete", True),
        }
        for d in batches
    ]
    if args.json:
        args.stdout.write(to_json(listed))
        return 0
    args.stdout.write(
        table(
            ["批次 batch", "来源 source", "案件 cases", "导入 imported by", "批准 approved by"],
            [
                (
                    b["batch"],
                    b["source"],
                    b["cases"],
                    b["imported_by"],
                    b["approved_by"] or ("待批准 awaiting" if b["complete"] else "未完成 incomplete: --resume"),
                )
                for b in listed
            ],
        )
        if listed
        else "no imported batches\n"
    )
    return 0
