"""``mediation report``, ``meetings``, ``returns`` and ``evaluate``: the coordination centre's work."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mediation_core.app.service import MediationService
from mediation_core.cli import render
from mediation_core.cli.output import to_json
from mediation_core.cli.session import Session, UsageError
from mediation_core.domain.errors import NotFoundError
from mediation_core.domain.evaluation_round.commands import ConcludeEvaluation
from mediation_core.domain.meeting.kinds import MeetingKind
from mediation_core.domain.reporting.evaluation import MediatorResult
from mediation_core.domain.reporting.statistics import in_scope
from mediation_core.domain.values.actors import Actor
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
        default=None,
        help="text (default) or json on stdout, or a statistics renderer's format into -o: xlsx, html (the "
        "dashboard), csv …; with -o the file's suffix names the format, and a format the suffix contradicts is refused",
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
    evaluate.add_argument(
        "--year",
        type=int,
        default=None,
        help="the year to evaluate; without it the latest year the scope's ledger has a case received or "
        "concluded in (the current year when the ledger has none), named on stderr",
    )
    evaluate.add_argument("--conclude", action="store_true", help="conclude and lock the round (after the year ends)")


def period_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--period",
        type=period_arg,
        help="2025-07, 2025-Q3, 2025-H2, 2025 or 2025-07-01..2025-09-15 (default: this year so far)",
    )


def period_arg(text: str) -> Period:
    """A period label, or an error that says what is wrong with it (``2025-13``: no month 13)."""
    found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text)
    if found and not 1 <= int(found[2]) <= 12:
        msg = f"{text!r}: there is no month {int(found[2])}; a month is 01 to 12 (2025-07)"
        raise argparse.ArgumentTypeError(msg)
    try:
        return Period.parse(text)
    except ValueError as exc:
        detail = str(exc)
        if "not a period label" not in detail:
            detail = f"not a calendar date ({detail}); write 2025-07, 2025-Q3, 2025-H2, 2025 or 2025-07-01..2025-09-15"
        raise argparse.ArgumentTypeError(f"{text!r}: {detail}") from None


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
        offered = {r.format for r in service.plugins.renderers().values() if r.subject == "statistics"}
        fmt = report_format(args.format, args.output, offered)
        report = service.statistics(period, scope, session.actor)
        if fmt in TEXT_FORMATS:
            text = to_json(report) if args.json or fmt == "json" else render.statistics(report)
            if not args.output:
                args.stdout.write(text)
                return 0
            data = text.encode("utf-8")
        elif args.output:
            data = service.statistics_file(period, scope, session.actor, fmt)  # html: with its comparisons
        else:
            msg = f"--format {fmt} writes a file: give -o FILE"
            raise UsageError(msg)
    Path(args.output).write_bytes(data)
    args.stdout.write(
        to_json({"file": args.output, "bytes": len(data)})
        if args.json
        else f"wrote {args.output} ({len(data):,} bytes)\n"
    )
    return 0


SUFFIX_FORMATS = {".txt": "text", ".text": "text", ".json": "json"}


def report_format(given: str | None, output: str | None, offered: set[str]) -> str:
    """The report's format: ``--format``, else the output file's suffix (``r.xlsx`` → ``xlsx``),
    else text. A file whose suffix names another format than ``--format`` is refused, so a file
    named ``.xlsx`` never holds plain text."""
    if not output:
        return given or "text"
    suffix = Path(output).suffix.lower()
    named = SUFFIX_FORMATS.get(suffix) or (suffix[1:] if suffix[1:] in offered else None)
    if given is None:
        if named is None and suffix:
            known = ", ".join(sorted({*SUFFIX_FORMATS, *(f".{f}" for f in offered)}))
            msg = f"-o {output}: no report format for the suffix {suffix!r} (known: {known}); give --format"
            raise UsageError(msg)
        return named or "text"
    if named is not None and named != given:
        msg = f"-o {output}: the suffix {suffix!r} names the format {named}, not --format {given}; nothing was written"
        raise UsageError(msg)
    return given


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
        every = service.meetings(scope, session.actor)
        found = [m for m in every if (m.held_on or m.on) in period]
        note = ""
        if not found and every:
            latest = max((m.held_on or m.on) for m in every)
            if args.period is None:
                period = Period.year(latest.year)
                found = [m for m in every if (m.held_on or m.on) in period]
                note = (
                    f"本年度无例会，显示有记录的最近年度 {latest.year} / "
                    f"none this year: the latest year with meetings, {latest.year}\n"
                )
            else:
                note = (
                    f"{period.label} 无例会；最近一次 {latest.isoformat()} / "
                    f"no meetings in {period.label}; the latest was on {latest.isoformat()}\n"
                )
        elif not found:
            note = f"{names.get(scope, scope)} 尚无例会记录 / no meeting of {scope} is recorded\n"
    if args.json:
        args.stdout.write(to_json([unstructure(m) for m in found]))
        return 0
    args.stdout.write(note + (render.meetings(found, names) if found else ""))
    return 0


def run_returns(session: Session) -> int:
    args = session.args
    with session.service(writes=False) as service:
        scope, period = scope_and_period(session, service)
        found = service.filings(period, scope, session.actor)
    args.stdout.write(to_json([unstructure(f) for f in found]) if args.json else render.filings(found))
    return 0


def nothing_recorded(results: Sequence[MediatorResult]) -> bool:
    """No mediator has any fact recorded for the year: grading them would grade the absence of
    data (everyone 不称职), so the command says so instead."""
    counted = (
        "meetings_attended", "call_outs", "follow_ups_due", "files_due", "trainings", "misconduct",
        "serious_misconduct", "removals", "recusal_breaches", "concluded",
    )  # fmt: skip
    return all(not any(getattr(r.facts, name) for name in counted) for r in results)


def latest_year(service: MediationService, scope: str, actor: Actor) -> int | None:
    """The latest year a case of ``scope``'s rooms was received or concluded in, or ``None``."""
    registry = service.registry()
    rooms = [r.org_id for r in registry.rooms() if in_scope(registry, scope, r.org_id)]
    if not rooms:
        return None
    years = [d.year for row in service.ledger(actor, rooms) for d in (row.received_on, row.concluded_on) if d]
    return max(years, default=None)


def run_evaluate(session: Session) -> int:
    args = session.args
    if args.year is None and args.conclude:
        msg = "--conclude 需指定 --year / --conclude needs --year: a round is locked for a year named on purpose"
        raise UsageError(msg)
    with session.service(writes=args.conclude) as service:
        scope = args.scope or district_of(service.registry())
        names = {o.org_id: o.name for o in service.registry().organisations.values()}
        if args.year is None:
            this_year = local_date(service.clock()).year
            latest = latest_year(service, scope, session.actor)
            if latest is None:
                args.year = this_year
                args.stderr.write(
                    f"未指定 --year，台账无案件记录，考评本年度 {this_year} 年 / no --year given and no case "
                    f"recorded: evaluating the current year {this_year}\n"
                )
            else:
                args.year = min(latest, this_year)
                args.stderr.write(
                    f"未指定 --year，考评有案件记录的最近年度 {args.year} 年 / no --year given: evaluating "
                    f"{args.year}, the latest year with a case received or concluded\n"
                )
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
                    "nothing_recorded": bool(results) and nothing_recorded(results),
                }
            )
        )
        return 0
    args.stdout.write(f"{names.get(scope, scope)} {args.year} 年度调解员考评 — {status}\n")
    if not results:
        args.stdout.write(f"{names.get(scope, scope)} 无在册调解员 / no mediator of {scope} in the registry\n")
    elif nothing_recorded(results):
        args.stdout.write(
            f"{args.year} 年无考评依据：没有办结的案件、参加的例会、出警、回访、卷宗或培训记录，不评等次 / nothing "
            f"recorded for {args.year} (no concluded case, meeting, call-out, follow-up, file or training): nobody "
            "is graded on no data\n"
        )
    else:
        args.stdout.write(render.evaluation(results, names))
    if held:
        args.stdout.write(
            f"导入案件 {len(held)} 件待第二名管理员批准，不计入考评与以案定补 / {len(held)} imported case(s) "
            f"awaiting a second administrator's approval are left out of the evaluation and the subsidies: "
            f"{', '.join(held)}\n"
        )
    return 0
