"""``mediation init``, ``verify`` and ``walkthrough``: the store itself."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cattrs

from mediation_core.app.bootstrap import is_identity_key_stream, rekey
from mediation_core.cli.output import table, to_json
from mediation_core.cli.session import Session, UsageError
from mediation_core.domain.kernel.input import text_problems
from mediation_core.domain.values.calendar import local_date
from mediation_core.domain.values.organisations import Liaison, Mediator, Organisation, OrgKind, Registry
from mediation_core.serialization import structure


def register(add: Callable[..., Any]) -> None:
    init = add(
        "init",
        "create the store, or bring its schema up to date (SQLite at the default path unless --db)",
        run_init,
    )
    init.add_argument(
        "--registry", metavar="FILE", help="load the district's organisations, mediators and liaisons from a JSON file"
    )
    add("verify", "check every case file's hash chain; exit 8 when one is broken", run_verify)
    retention = add(
        "retention",
        "archived case files whose retention period (保管期限) has run out; --anonymise anonymises their parties",
        run_retention,
    )
    retention.add_argument("--on", type=dt.date.fromisoformat, help="as of this day (default: today)")
    retention.add_argument(
        "--anonymise",
        action="store_true",
        help="anonymise the parties of every listed case file, each in its own transaction (default: only list)",
    )
    add("walkthrough", "walk one dispute from intake to archive and print its case file (an example)", run_walkthrough)
    add(
        "rekey",
        "change the identity key on purpose: digest every case's parties again under MEDIATION_IDENTITY_KEY "
        "(stop every writer first)",
        run_rekey,
    )


def read_registry(path: Path) -> Registry:
    """A registry file: ``{"organisations": [...], "mediators": [...], "liaisons": [...]}``, each
    a list of records or a mapping of id to record (as ``unstructure(registry)`` writes it)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        msg = f"{path}: a registry file is a JSON object with organisations, mediators and liaisons"
        raise UsageError(msg)
    sections = []
    for name, cls in (("organisations", Organisation), ("mediators", Mediator), ("liaisons", Liaison)):
        records = data.get(name, [])
        records = list(records.values()) if isinstance(records, dict) else records
        try:
            sections.append(structure(records, list[cls]))  # type: ignore[valid-type]
        except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
            problems = (
                cattrs.transform_error(exc, path=f"$.{name}")
                if isinstance(exc, cattrs.BaseValidationError)
                else [str(exc)]
            )
            msg = f"{path}: {'; '.join(problems)}"
            raise UsageError(msg) from exc
    try:
        registry = Registry.of(*sections)
    except ValueError as exc:
        raise UsageError(f"{path}: {exc}") from exc
    problems = text_problems(registry)
    if problems:
        raise UsageError(f"{path}: {'; '.join(problems[:20])}")
    return registry


def run_init(session: Session) -> int:
    args = session.args
    config = session.config
    with session.store() as store:
        if args.registry:
            store.save_registry(read_registry(Path(args.registry)))
        registry = store.registry()
        streams = sum(1 for s in store.stream_ids() if not is_identity_key_stream(s))
    backend = session.plugins.store_backends()[config.store]
    facts = {
        "store": config.store,
        "url": config.url or backend.default_url,
        "streams": streams,
        "organisations": len(registry.organisations),
        "rooms": sum(1 for o in registry.organisations.values() if o.kind is OrgKind.MEDIATION_ROOM),
        "mediators": len(registry.mediators),
    }
    if args.json:
        args.stdout.write(to_json(facts))
        return 0
    args.stdout.write(
        f"store {facts['store']} ready at {facts['url'] or '(in memory)'}: {streams} stream(s); "
        f"registry: {facts['organisations']} organisation(s), {facts['rooms']} room(s), "
        f"{facts['mediators']} mediator(s)\n"
    )
    return 0


def run_verify(session: Session) -> int:
    args = session.args
    with session.service(writes=False) as service:
        streams = sum(1 for s in service.store.stream_ids() if not is_identity_key_stream(s))
        breaks = service.verify(session.actor)
    if args.json:
        args.stdout.write(
            to_json(
                {
                    "streams": streams,
                    "broken": [{"stream_id": b.stream_id, "position": b.position, "reason": b.reason} for b in breaks],
                }
            )
        )
    elif breaks:
        args.stdout.writelines(f"broken: {b}\n" for b in breaks)
        args.stdout.write(f"{len(breaks)} of {streams} stream(s) have a broken hash chain\n")
    else:
        args.stdout.write(f"{streams} stream(s); every hash chain is whole\n")
    return 8 if breaks else 0


def run_retention(session: Session) -> int:
    args = session.args
    with session.service(writes=args.anonymise) as service:
        today = args.on or local_date(service.clock())
        actor = session.writer(service) if args.anonymise else session.actor
        expired = service.anonymise_expired(today, actor, dry_run=not args.anonymise)
    rows = [(e.case_id, e.number or "", e.room_id, e.archived_on, e.retention_years, e.expired_on) for e in expired]
    if args.json:
        keys = ("case_id", "number", "room_id", "archived_on", "retention_years", "expired_on")
        listed = [
            {**dict(zip(keys, map(str, r), strict=True)), "anonymised": e.anonymised}
            for r, e in zip(rows, expired, strict=True)
        ]
        args.stdout.write(to_json(listed))
        return 0
    args.stdout.write(table(["案件", "案号", "调解室", "归档", "保管期限（年）", "期满"], rows) if rows else "")
    if args.anonymise:
        args.stdout.write(f"{len(rows)} case file(s) past their retention period on {today}: parties anonymised\n")
    else:
        args.stdout.write(f"{len(rows)} case file(s) past their retention period on {today}\n")
    return 0


def run_walkthrough(session: Session) -> int:
    from mediation_core.demo import walkthrough  # noqa: PLC0415 - only this command needs it

    config = session.config
    with session.store() as store:  # an example case has no place among real ones
        streams = next((s for s in store.stream_ids() if not is_identity_key_stream(s)), None)
        organisations = len(store.registry().organisations)
    if streams is not None or organisations:
        msg = (
            "walkthrough writes an example case and its registry: it runs on an empty store only, and this "
            "one holds records (give --db a new file, e.g. --db walkthrough.sqlite3)"
        )
        raise UsageError(msg)
    session.args.stdout.write(walkthrough.main(config))
    return 0


def run_rekey(session: Session) -> int:
    count = rekey(session.config, plugins=session.plugins)
    if session.args.json:
        session.args.stdout.write(to_json({"rekeyed": count}))
        return 0
    session.args.stdout.write(
        f"{count} case(s) re-keyed; the store now expects the identity key in MEDIATION_IDENTITY_KEY\n"
    )
    return 0
