"""``mediation county``: the counties of a deployment on one PostgreSQL database (add one,
list them, the province's report) and ``mediation db upgrade --all-counties``.

The deployment file is ``--deployment FILE`` or ``MEDIATION_DEPLOYMENT_FILE``
(:func:`mediation_core.app.counties.deployment_config`, docs/counties.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mediation_core.app.bootstrap import ConfigurationError
from mediation_core.app.counties import (
    COUNTY_STORE,
    Deployment,
    ProvinceStatistics,
    check_county_id,
    check_schema,
    county_url,
    deployment_config,
)
from mediation_core.app.service import utc_now
from mediation_core.calendars import NATIONAL
from mediation_core.cli import render
from mediation_core.cli.coordination import period_arg
from mediation_core.cli.output import table, to_json
from mediation_core.cli.session import Session, UsageError
from mediation_core.domain.reporting import rollups
from mediation_core.domain.values.calendar import local_date
from mediation_core.domain.values.periods import Period
from mediation_core.plugins.types import StoreBackend

DEPLOYMENT_ENV = "MEDIATION_DEPLOYMENT_FILE"


def register(add: Callable[..., Any]) -> None:
    county = add(
        "county",
        "the counties of a deployment sharing one PostgreSQL database: add one (creates and migrates its schema), "
        "list them with their schema revisions, or the province's statistics report (report)",
        run_county,
    )
    county.add_argument("action", choices=("add", "list", "report"), help="add, list or report")
    county.add_argument("county_id", nargs="?", help="add: the new county's id (lower-case letters, digits, _ or -)")
    deployment_option(county)
    county.add_argument("--name", help="add: the county's name, as officials read it (市中区)")
    county.add_argument("--schema", help="add: its PostgreSQL schema (lower-case letters, digits, _)")
    county.add_argument("--scope", help="add: the id of the county's own organisation (its district) in its registry")
    county.add_argument("--region", default=NATIONAL, help="add: its policy region (default: national)")
    county.add_argument(
        "--identity-key-env", metavar="NAME", help="add: the environment variable holding its identity key"
    )
    county.add_argument("--seal-keys-file", metavar="FILE", help="add: its seal-key file (optional)")
    county.add_argument(
        "--disable-plugin", action="append", default=[], metavar="NAME", help="add: a plugin it leaves out (repeat)"
    )
    county.add_argument(
        "--period",
        type=period_arg,
        help="report: whole months, 2025-07, 2025-Q3, 2025-H2 or 2025 (default: this year's months so far)",
    )


def deployment_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--deployment", metavar="FILE", help=f"the deployment file listing the counties (default: ${DEPLOYMENT_ENV})"
    )


def deployment_path(session: Session) -> Path:
    path = getattr(session.args, "deployment", None) or os.environ.get(DEPLOYMENT_ENV, "")
    if not path:
        msg = f"no deployment file: give --deployment FILE or set {DEPLOYMENT_ENV} (docs/counties.md)"
        raise ConfigurationError(msg)
    return Path(path)


def load_deployment(session: Session) -> Deployment:
    path = deployment_path(session)
    try:
        return deployment_config(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        msg = f"deployment file {path} does not exist (docs/counties.md shows one)"
        raise ConfigurationError(msg) from exc


def county_backend(session: Session) -> StoreBackend:
    backend = session.plugins.store_backends().get(COUNTY_STORE)
    if backend is None or backend.upgrade is None or backend.schema is None:
        msg = "the postgresql store backend is not available (install mediation-core[postgres])"
        raise ConfigurationError(msg)
    return backend


def run_county(session: Session) -> int:
    action = session.args.action
    if action == "add":
        return add_county(session)
    if action == "list":
        return list_counties(session)
    return province_report(session)


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def add_county(session: Session) -> int:
    """Check the new county against the deployment, create and migrate its schema, then add it
    to the file: a county whose schema could not be made is not listed."""
    args = session.args
    missing = [
        option
        for option, value in (
            ("COUNTY_ID", args.county_id),
            ("--name", args.name),
            ("--schema", args.schema),
            ("--scope", args.scope),
            ("--identity-key-env", args.identity_key_env),
        )
        if not value
    ]
    if missing:
        msg = f"county add needs {', '.join(missing)}"
        raise UsageError(msg)
    check_county_id(args.county_id)
    check_schema(args.schema)
    path = deployment_path(session)
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = [
        "",
        "[[county]]",
        f"id = {_toml(args.county_id)}",
        f"name = {_toml(args.name)}",
        f"schema = {_toml(args.schema)}",
        f"scope = {_toml(args.scope)}",
        f"region = {_toml(args.region)}",
        f"identity_key = {_toml('env:' + args.identity_key_env)}",
    ]
    if args.seal_keys_file:
        lines.append(f"seal_keys_file = {_toml(args.seal_keys_file)}")
    if args.disable_plugin:
        lines.append(f"disable_plugins = [{', '.join(_toml(p) for p in args.disable_plugin)}]")
    after = before.rstrip("\n") + "\n" + "\n".join(lines) + "\n"
    if before and any(c.county_id == args.county_id for c in deployment_config(before).counties):
        msg = f"county {args.county_id!r} is already in {path}; nothing was changed"
        raise UsageError(msg)
    deployment = deployment_config(after)  # the whole file as it will be: every rule checked first
    backend = county_backend(session)
    url = county_url(deployment.url, args.schema)
    assert backend.upgrade is not None
    assert backend.schema is not None
    backend.upgrade(url)
    revision = backend.schema(url)[0]
    path.write_text(after, encoding="utf-8")
    facts = {"county": args.county_id, "name": args.name, "schema": args.schema, "revision": revision}
    args.stdout.write(
        to_json(facts)
        if args.json
        else f"county {args.county_id} ({args.name}) added to {path}: schema {args.schema} at revision {revision}\n"
    )
    return 0


def list_counties(session: Session) -> int:
    args = session.args
    deployment = load_deployment(session)
    backend = county_backend(session)
    assert backend.schema is not None
    rows = []
    for county in deployment.counties:
        revision, head = backend.schema(county_url(deployment.url, county.schema))
        rows.append(
            {
                "county": county.county_id,
                "name": county.name,
                "schema": county.schema,
                "scope": county.scope,
                "region": county.region,
                "revision": revision,
                "head": head,
            }
        )
    if args.json:
        args.stdout.write(to_json({"province": deployment.province_id, "counties": rows}))
        return 0
    args.stdout.write(f"{deployment.province_name}（{deployment.province_id}）: {len(rows)} 个县区 / counties\n")
    state = {True: "最新", False: "待升级"}
    args.stdout.write(
        table(
            ["县区", "名称", "库模式", "版本", "状态"],
            [
                (
                    r["county"],
                    r["name"],
                    r["schema"],
                    r["revision"] or "无",
                    "未建库" if r["revision"] is None else state[r["revision"] == r["head"]],
                )
                for r in rows
            ],
        )
    )
    return 0


def upgrade_all_counties(session: Session) -> int:
    """``mediation db upgrade --all-counties``: every county's schema to the newest revision,
    each in its own transaction; one that fails is reported and the others still run."""
    args = session.args
    deployment = load_deployment(session)
    backend = county_backend(session)
    assert backend.schema is not None
    assert backend.upgrade is not None
    results = []
    for county in deployment.counties:
        url = county_url(deployment.url, county.schema)
        entry: dict[str, Any] = {"county": county.county_id, "name": county.name, "schema": county.schema}
        try:
            entry["before"] = backend.schema(url)[0]
            backend.upgrade(url)
            entry["revision"] = backend.schema(url)[0]
        except Exception as error:  # noqa: BLE001 - one county's failure must not stop the others
            entry["error"] = " ".join(str(error).split())
        results.append(entry)
    failed = [r for r in results if "error" in r]
    if args.json:
        args.stdout.write(to_json({"counties": results, "failed": len(failed)}))
    else:
        for r in results:
            if "error" in r:
                args.stdout.write(f"{r['county']} ({r['name']}, schema {r['schema']}): failed: {r['error']}\n")
            else:
                done = (
                    "already up to date"
                    if r["before"] == r["revision"]
                    else f"{r['before'] or 'empty'} → {r['revision']}"
                )
                args.stdout.write(f"{r['county']} ({r['name']}, schema {r['schema']}): {done}\n")
        args.stdout.write(f"{len(results) - len(failed)} of {len(results)} counties at the newest revision\n")
    return 1 if failed else 0


def province_report(session: Session) -> int:
    """The province's (or city's) statistics for a period of whole months, for a province actor
    of the deployment (``--as coordination_centre:ID@PROVINCE``)."""
    args = session.args
    deployment = load_deployment(session)
    period = args.period
    if period is None:
        today = local_date(utc_now())
        period = Period(start=dt.date(today.year, 1, 1), end=Period.month(today.year, today.month).end)
    if not rollups.answers(period):
        msg = f"--period {period.label}: the province report is made from statistics cells, so it covers whole months"
        raise UsageError(msg)
    with ProvinceStatistics(deployment) as province:
        report = province.report(period, session.actor)
    if args.json:
        args.stdout.write(to_json(report))
        return 0
    args.stdout.write(render.statistics(report.total))
    return 0
