"""``mediation init``, ``verify`` and ``walkthrough``: the store itself."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cattrs

from mediation_core.app.anchors import AnchorError
from mediation_core.app.bootstrap import ConfigurationError, rekey
from mediation_core.app.integrity import chain_finding
from mediation_core.app.ports import recorded_streams
from mediation_core.cli.counties import deployment_option, upgrade_all_counties
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
    db = add("db", "the store's schema: the revision it is at (current), or bring it up to date (upgrade)", run_db)
    db.add_argument(
        "action",
        choices=("current", "upgrade"),
        help="current: the schema revision and the newest this version knows; upgrade: migrate to the newest "
        "(back the database up first)",
    )
    db.add_argument(
        "--all-counties",
        action="store_true",
        help="upgrade: every county's schema of the deployment file (--deployment or MEDIATION_DEPLOYMENT_FILE)",
    )
    deployment_option(db)
    verify = add(
        "verify",
        "check every stream's seal chain under the configured seal keys; exit 8 when anything is found",
        run_verify,
    )
    verify.add_argument(
        "--deep",
        action="store_true",
        help="also replay every stream against its ledger row, statistics cells, deadlines, documents, "
        "case numbers, access log and outbox (needs MEDIATION_IDENTITY_KEY)",
    )
    verify.add_argument(
        "--anchor",
        metavar="FILE",
        help="write a signed manifest of every stream's head to FILE when it does not exist; "
        "check the store against it when it does",
    )
    verify.add_argument(
        "--signed-file",
        nargs=2,
        metavar=("CASE", "FILE"),
        help="check that FILE is the file a mark on CASE's agreement recorded as signed (its SHA-256 or SM3 "
        "digest); exit 8 when no mark recorded it",
    )
    keys = add(
        "seal-keys",
        "the configured seal keys and how many records each sealed; --reseal seals every stream again "
        "with the current key",
        run_seal_keys,
    )
    keys.add_argument(
        "--reseal",
        action="store_true",
        help="seal every stream not wholly under the current key again with it, each logged in the retention log",
    )
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
    with session.store(create=True) as store:
        if args.registry:
            store.save_registry(read_registry(Path(args.registry)))
        registry = store.registry()
        streams = sum(1 for _ in recorded_streams(store))
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


def run_db(session: Session) -> int:
    args = session.args
    if args.all_counties:
        if args.action != "upgrade":
            msg = "--all-counties goes with upgrade (`mediation county list` shows every county's revision)"
            raise UsageError(msg)
        return upgrade_all_counties(session)
    found = session.schema()
    if found is None:
        msg = f"the store backend {session.config.store!r} has no schema to migrate"
        raise UsageError(msg)
    before, head = found
    if args.action == "upgrade":
        session.upgrade_store()
        after = session.schema()
        now = after[0] if after is not None else head
    else:
        now = before
    facts = {"store": session.config.store, "url": session.store_url(), "revision": now, "head": head}
    if args.action == "upgrade":
        facts["before"] = before
    if args.json:
        args.stdout.write(to_json(facts))
        return 0
    where = facts["url"] or "(in memory)"
    if args.action == "upgrade":
        done = "already up to date" if before == now else f"{before or 'empty'} → {now}"
        args.stdout.write(f"schema of {where}: {done} (newest {head})\n")
    elif now is None:
        args.stdout.write(f"schema of {where}: no store yet (newest {head}); create it with `mediation init`\n")
    elif now == head:
        args.stdout.write(f"schema of {where}: {now}, up to date\n")
    else:
        args.stdout.write(f"schema of {where}: {now}, older than {head}; run `mediation db upgrade` after a backup\n")
    return 0


def run_verify(session: Session) -> int:
    args = session.args
    if args.signed_file:
        return _verify_signed_file(session)
    if args.deep or args.anchor:
        return _verify_findings(session)
    with session.service(writes=False) as service:
        streams = sum(1 for _ in recorded_streams(service.store))
        breaks = service.verify(session.actor)
        keyed = bool(service.seal_keys.keys)
    if args.json:
        args.stdout.write(
            to_json(
                {
                    "streams": streams,
                    "keyed": keyed,
                    "broken": [{"stream_id": b.stream_id, "position": b.position, "reason": b.reason} for b in breaks],
                }
            )
        )
        return 8 if breaks else 0
    if not keyed:
        args.stdout.write(
            "no seal keys configured (MEDIATION_SEAL_KEYS_FILE): plain SHA-256 hashes, which anyone who can "
            "write to the database can recompute / 未配置封存密钥\n"
        )
    if breaks:
        args.stdout.writelines(f"broken: {b}\n" for b in breaks)
        args.stdout.write(f"{len(breaks)} of {streams} stream(s) have a broken hash chain\n")
    else:
        args.stdout.write(f"{streams} stream(s); every hash chain is whole\n")
    return 8 if breaks else 0


def _verify_signed_file(session: Session) -> int:
    """``verify --signed-file CASE FILE``: the file's digest against the case's signature evidence."""
    args = session.args
    case_id, path = args.signed_file
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        msg = f"{path}: {exc.strerror or exc}"
        raise UsageError(msg) from exc
    with session.service(writes=False) as service:
        check = service.verify_signed_file(case_id, data, session.actor)
    if args.json:
        args.stdout.write(
            to_json(
                {
                    "case_id": check.case_id,
                    "file": path,
                    "sha256": check.sha256,
                    "sm3": check.sm3,
                    "recorded": check.recorded,
                    "matches": [
                        {
                            "signatory": m.signatory.value,
                            "signer_id": m.signer_id,
                            "evidence": m.evidence.value,
                            "certificate": m.certificate,
                            "algorithm": m.algorithm.value,
                        }
                        for m in check.matches
                    ],
                }
            )
        )
        return 0 if check.ok else 8
    args.stdout.write(f"SHA-256 {check.sha256}\n")
    if check.sm3:
        args.stdout.write(f"SM3     {check.sm3}\n")
    for m in check.matches:
        args.stdout.write(
            f"相符 / matches: {m.signatory.title_zh} {m.signer_id} {m.evidence.title_zh}"
            f"{'（' + m.certificate + '）' if m.certificate else ''} {m.algorithm.title_zh}\n"
        )
    if check.ok:
        args.stdout.write(
            f"{len(check.matches)} of {check.recorded} recorded signed-file digest(s) match / 文件与签署记录相符\n"
        )
        return 0
    args.stdout.write(
        f"no mark on {check.case_id} recorded this file ({check.recorded} digest(s) recorded) / 文件与签署记录不符\n"
    )
    return 8


def _verify_findings(session: Session) -> int:
    """``verify --deep`` and ``verify --anchor FILE``: findings by kind, stream and version."""
    args = session.args
    anchor = Path(args.anchor) if args.anchor else None
    written = ""
    notes: list[str] = []
    with session.service(writes=args.deep) as service:
        if anchor is not None and not service.anchor_keys.keys:
            msg = (
                "verify --anchor needs an anchor key: an [anchor] section in the seal-key file "
                "(MEDIATION_SEAL_KEYS_FILE, docs/operations.md) / 未配置锚定密钥"
            )
            raise ConfigurationError(msg)
        streams = sum(1 for _ in service.store.stream_ids())
        findings = (
            service.verify_deep(session.actor)
            if args.deep
            else [chain_finding(b) for b in service.verify(session.actor)]
        )
        if anchor is not None and anchor.exists():
            try:
                data = json.loads(anchor.read_text(encoding="utf-8"))
                anchored, notes = service.check_anchor(data, session.actor)
            except (ValueError, AnchorError) as exc:
                msg = f"{anchor}: {exc}"
                raise UsageError(msg) from exc
            findings += anchored
        elif anchor is not None and not findings:
            anchor.write_text(to_json(service.export_anchor(session.actor)), encoding="utf-8")
            written = str(anchor)
    if args.json:
        args.stdout.write(
            to_json(
                {
                    "streams": streams,
                    "deep": bool(args.deep),
                    "anchor": str(anchor) if anchor else None,
                    "anchor_written": bool(written),
                    "findings": [f.as_json() for f in findings],
                    "notes": notes,
                }
            )
        )
        return 8 if findings else 0
    args.stdout.writelines(f"{f}\n" for f in findings)
    args.stdout.writelines(f"note: {n}\n" for n in notes)
    if findings:
        args.stdout.write(f"{len(findings)} finding(s) in {streams} stream(s) / 发现 {len(findings)} 处问题\n")
        if anchor is not None and not anchor.exists():
            args.stdout.write(f"no anchor written to {anchor}: the store has findings / 存在问题，未导出锚定清单\n")
    else:
        args.stdout.write(f"{streams} stream(s); nothing found / 未发现问题\n")
    if written:
        args.stdout.write(f"anchor written to {written}: keep it outside the system / 锚定清单已导出，请离线保存\n")
    return 8 if findings else 0


def run_seal_keys(session: Session) -> int:
    args = session.args
    with session.service(writes=args.reseal) as service:
        resealed = service.seal_again(session.actor) if args.reseal else []
        counts: dict[str, int] = {}
        for stream_id in service.store.stream_ids():
            for r in service.store.read(stream_id):
                counts[r.key_id] = counts.get(r.key_id, 0) + 1
        keys = service.seal_keys
    listed = [
        {
            "key_id": k.key_id,
            "algorithm": k.algorithm,
            "current": k.key_id == keys.current,
            "records": counts.get(k.key_id, 0),
        }
        for k in keys.keys
    ]
    unknown = {kid: n for kid, n in counts.items() if kid and keys.key(kid) is None}
    if args.json:
        args.stdout.write(
            to_json(
                {
                    "keys": listed,
                    "unkeyed_records": counts.get("", 0),
                    "unknown_key_records": unknown,
                    "resealed": [
                        {"stream_id": r.stream_id, "events": r.events_rewritten, "previous_head": r.previous_head}
                        for r in resealed
                    ],
                }
            )
        )
        return 0
    rows = [(k["key_id"], k["algorithm"], "当前 current" if k["current"] else "", k["records"]) for k in listed]
    args.stdout.write(table(["密钥标识 key id", "算法 algorithm", "", "记录数 records"], rows) if rows else "")
    if not keys.keys:
        args.stdout.write("no seal keys configured (MEDIATION_SEAL_KEYS_FILE): records get a plain SHA-256 hash\n")
    args.stdout.write(f"{counts.get('', 0)} record(s) without a seal key / 未用密钥封存的记录\n")
    for kid, n in sorted(unknown.items()):
        args.stdout.write(f"{n} record(s) sealed with unknown key {kid!r} / 未知密钥\n")
    if args.reseal:
        args.stdout.write(f"{len(resealed)} stream(s) sealed again with key {keys.current} / 已重新封存\n")
    return 0


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
    found = session.schema()
    new = found is not None and found[0] is None  # like the demo, it may make its own new store
    with session.store(create=new) as store:  # an example case has no place among real ones
        streams = next(recorded_streams(store), None)
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
    session.require_store()
    count = rekey(session.config, plugins=session.plugins)
    if session.args.json:
        session.args.stdout.write(to_json({"rekeyed": count}))
        return 0
    session.args.stdout.write(
        f"{count} case(s) re-keyed; the store now expects the identity key in MEDIATION_IDENTITY_KEY\n"
    )
    return 0
