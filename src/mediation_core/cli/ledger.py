"""``mediation export`` and ``import``: the ledger (台账) as a file, and back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from mediation_core.cli.output import to_json
from mediation_core.cli.session import Session, UsageError


def register(add: Callable[..., Any]) -> None:
    export = add("export", "the ledger (台账) with Chinese headers, masked for the acting role", run_export)
    export.add_argument(
        "--format", default="", help="xlsx, csv, json or a plugin's format (default: from -o, else csv)"
    )
    export.add_argument("--room", action="append", default=None, help="only this room (repeatable)")
    export.add_argument("-o", "--output", help="the file to write (csv and json go to stdout without it)")
    imported = add(
        "import", "import a ledger file: every row in one transaction, or none (each bad cell listed)", run_import
    )
    imported.add_argument("file")
    imported.add_argument(
        "--format", default="", help="xlsx, csv, json or a plugin's reader (default: from the file's suffix)"
    )
    imported.add_argument(
        "--source", default="", help="where the rows came from (recorded on each; default: the file's digest)"
    )


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
        rows = service.import_ledger(data, _format(args.format, args.file, ""), session.actor, args.source or path.name)
    if args.json:
        args.stdout.write(to_json({"imported": len(rows), "case_ids": [r.case_id for r in rows]}))
    else:
        args.stdout.write(f"imported {len(rows)} ledger row(s) from {path.name}\n")
    return 0
