"""``mediation schema``: the JSON Schema of a command, event or query result (docs/schemas.md).

Without a name it lists every name with its Chinese title, for an official choosing what to ask
a county system for; with a name it prints that schema; ``--all`` prints the whole document.
Nothing here opens a store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mediation_core import schemas
from mediation_core.cli.output import table, to_json
from mediation_core.cli.session import Session, UsageError

KINDS_ZH = {"command": "指令", "event": "事件", "result": "查询结果"}


def register(add: Callable[..., Any]) -> None:
    parser = add(
        "schema",
        "JSON Schema of a command, event or query result; without NAME, every name with its Chinese title",
        run_schema,
    )
    parser.add_argument(
        "name", nargs="?", metavar="NAME", help="a command (AcceptCase), event (case.received) or result (CaseFile)"
    )
    parser.add_argument("--all", action="store_true", help="the whole document: every schema and the shared $defs")


def _names() -> list[tuple[str, str]]:
    return [
        *(("command", n) for n in schemas.command_names()),
        *(("event", n) for n in schemas.event_names()),
        *(("result", n) for n in schemas.result_names()),
    ]


def schema_of(name: str) -> dict[str, Any]:
    """The schema named ``name``: a command, an event tag or a result name (they never clash)."""
    for kind, lookup in (
        ("command", schemas.command_schema),
        ("event", schemas.event_schema),
        ("result", schemas.result_schema),
    ):
        if (kind, name) in set(_names()):
            return lookup(name)
    msg = f"no command, event or query result is named {name!r} (run `mediation schema` for the names)"
    raise UsageError(msg)


def run_schema(session: Session) -> int:
    args = session.args
    if args.all and args.name:
        msg = "give NAME or --all, not both"
        raise UsageError(msg)
    if args.all:
        args.stdout.write(to_json(schemas.schema_document()))
        return 0
    if args.name:
        args.stdout.write(to_json(schema_of(args.name)))
        return 0
    entries = [{"kind": k, "name": n, "title_zh": schemas.title_zh(k, n)} for k, n in _names()]
    if args.json:
        args.stdout.write(to_json(entries))
        return 0
    rows = [(KINDS_ZH[e["kind"]], e["name"], e["title_zh"]) for e in entries]
    args.stdout.write(table(("类别", "名称", "中文名称"), rows))
    return 0
