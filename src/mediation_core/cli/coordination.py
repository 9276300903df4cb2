"""``mediation report``, ``meetings``, ``returns`` and ``evaluate``: the coordination centre's work."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mediation_core.app import exporting
from mediation_core.app.service import MediationService
from mediation_core.cli import render
from mediation_core.cli.output import to_json
from mediation_core.cli.session import Session, UsageError
from mediation_core.domain.errors import NotFoundError
from mediation_core.domain.evaluation_round.commands import ConcludeEvaluation
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.values.calendar import local_date
from mediation_core.domain.values.organisations import OrgKind, Registry
from mediation_core.domain.values.periods import Period
from mediation_core.serialization import unstructure

TEXT_FORMATS = ("text", "json")


def register(add: Callable[..., Any]) -> None:
    report = add(
        "report",
        "the coordination-centre statistics report of a district, township, station or room for a period",
        run_report,
    )
    period_option(report)
    scope_option(report)
    report.add_argument(
        "--format",
        default="text",
        help="text or json on stdout, or a statistics renderer's format into -o: xlsx, html (the dashboard), csv …",
    )
    report.add_argument("-o", "--output", help="the file to write (needed for xlsx, html and other file formats)")

    meetings = add(
        "meetings", "standing meetings (双例会): the list, compliance per month, a proposed agenda", run_meetings
    )
    scope_option(meetings)
    period_option(meetings)
    meetings.add_argument(
        "--compliance", action="store_true", help="held, without quorum, missed or pending, per month"
    )
    meetings.add_argument(
        "--agenda", choices=[k.value for k in MeetingKind], help="the agenda a meeting held today would get"
    )

    returns = add(
        "returns", "statistical returns: filed, nil, missing, late, and changed since they were locked", run_returns
    )
    scope_option(returns)
    period_option(returns)

    evaluate = add(
        "evaluate", "the year-end evaluation of mediators (考评): scores, grades, bonus, per-case subsidy", run_evaluate
    )
    scope_option(evaluate)
    evaluate.add_argument("--year", type=int, required=True)
    evaluate.add_argument("--conclude", action="store_true", help="conclude and lock the round (after the year ends)")


def period_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--period",
        type=Period.parse,
        help="2025-07, 2025-Q3, 2025-H2, 2025 or 2025-07-01..2025-09-15 (default: this year so far)",
    )


def scope_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scope", help="an organisation id: the district (default), a township, a station or a room")


def district_of(registry: Registry) -> str:
    districts = sorted(o.org_id for o in registry.organisations.values() if o.kind is OrgKind.DISTRICT)
    if len(districts) != 1:
        msg = "the registry holds no district" if not districts else f"several districts ({', '.join(districts)})"
        raise NotFoundError(f"--scope is needed: {msg}")
    return districts[0]


def scope_and_period(session: Session, service: MediationService) -> tuple[str, Period]:
    args = session.args
    scope = getattr(args, "scope", None) or district_of(service.registry())
    if service.registry().org(scope) is None:
        msg = f"no organisation {scope!r} in the registry"
        raise NotFoundError(msg)
    today = local_date(service.clock())
    period = getattr(args, "period", None) or Period(start=dt.date(today.year, 1, 1), end=today)
    return scope, period


def run_report(session: Session) -> int:
    args = session.args
    with session.service(writes=False) as service:
        scope, period = scope_and_period(session, service)
        report = service.statistics(period, scope, session.actor)
        if args.format in TEXT_FORMATS:
            text = to_json(report) if args.json or args.format == "json" else render.statistics(report)
            if not args.output:
                args.stdout.write(text)
                return 0
            data = text.encode("utf-8")
        elif args.output:
            data = exporting.render(service.plugins.renderers(), "statistics", args.format, report)
        else:
            msg = f"--format {args.format} writes a file: give -o FILE"
            raise UsageError(msg)
    Path(args.output).write_bytes(data)
    args.stdout.write(
        to_json({"file": args.output, "bytes": len(data)})
        if args.json
        else f"wrote {args.output} ({len(data):,} bytes)\n"
    )
    return 0


def run_meetings(session: Session) -> int:
    args = session.args
    with session.service(writes=False) as service:
        scope, period = scope_and_period(session, service)
        names = {o.org_id: o.name for o in service.registry().organisations.values()}
        if args.agenda:
            items = service.proposed_agenda(MeetingKind(args.agenda), scope, session.actor)
            if args.json:
                args.stdout.write(to_json([unstructure(i) for i in items]))
            else:
                for n, i in enumerate(items, 1):
                    detail = f"：{i.detail}" if i.detail else ""
                    reasons = "、".join(r.title_zh for r in i.reasons)
                    args.stdout.write(f"{n}. {i.title}{detail}（{reasons}）\n")
                if not items:
                    args.stdout.write("nothing on the agenda\n")
            return 0
        if args.compliance:
            slots = service.meeting_compliance(period, scope, session.actor)
            args.stdout.write(to_json([unstructure(s) for s in slots]) if args.json else render.compliance(slots))
            return 0
        found = [m for m in service.meetings(scope, session.actor) if (m.held_on or m.on) in period]
    args.stdout.write(to_json([unstructure(m) for m in found]) if args.json else render.meetings(found, names))
    return 0


def run_returns(session: Session) -> int:
    args = session.args
    with session.service(writes=False) as service:
        scope, period = scope_and_period(session, service)
        found = service.filings(period, scope, session.actor)
    args.stdout.write(to_json([unstructure(f) for f in found]) if args.json else render.filings(found))
    return 0


def run_evaluate(session: Session) -> int:
    args = session.args
    with session.service(writes=args.conclude) as service:
        scope = args.scope or district_of(service.registry())
        names = {o.org_id: o.name for o in service.registry().organisations.values()}
        if args.conclude:
            on = local_date(service.clock())
            service.handle(ConcludeEvaluation(scope_id=scope, year=args.year, on=on), session.writer(service))
        held: tuple[str, ...] = ()  # a concluded round is locked: what is held back now changes nothing
        try:
            locked = service.evaluation(args.year, scope, session.actor)
            results, status = locked.results, f"concluded on {locked.concluded_on}"
        except NotFoundError:
            results, status = service.evaluation_preview(args.year, scope, session.actor), "preview (not concluded)"
            held = service.held_back_imports(scope, session.actor)
    if args.json:
        args.stdout.write(
            to_json(
                {
                    "scope": scope,
                    "year": args.year,
                    "status": status,
                    "results": [unstructure(r) for r in results],
                    "held_back": list(held),
                }
            )
        )
        return 0
    args.stdout.write(f"{names.get(scope, scope)} {args.year} 年度调解员考评 — {status}\n")
    args.stdout.write(render.evaluation(results, names))
    if held:
        args.stdout.write(
            f"导入案件 {len(held)} 件待第二名管理员批准，不计入考评与以案定补 / {len(held)} imported case(s) "
            f"awaiting a second administrator's approval are left out of the evaluation and the subsidies: "
            f"{', '.join(held)}\n"
        )
    return 0
