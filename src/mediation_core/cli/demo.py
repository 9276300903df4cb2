"""``mediation demo``: a deterministic synthetic district, its half-year report and its files."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from mediation_core.app.bootstrap import Config, open_service
from mediation_core.cli import render
from mediation_core.cli.output import Progress, table, to_json
from mediation_core.cli.session import Session, backend_of
from mediation_core.demo import PERIOD, DemoError, DemoOutcome, run_demo
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.values.calendar import CHINA_TZ

__all__ = ["DemoError", "register"]

DEFAULT_OUT = "mediation-demo"
DB_NAME = "demo.sqlite3"
GRADES = {"excellent": "优秀", "competent": "称职", "basic": "基本称职", "incompetent": "不称职"}


def register(add: Callable[..., Any]) -> None:
    demo = add(
        "demo",
        "build a synthetic district from --seed (18 station rooms and the traffic joint room, half a year of "
        "disputes), print its coordination-centre report and write the ledger, the dashboard and documents",
        run,
    )
    demo.add_argument(
        "--seed", type=int, default=2018, help="the story's seed (default 2018); the same seed, the same district"
    )
    demo.add_argument(
        "--scale", type=float, default=1.0, help="the volume of disputes relative to the source report (default 1)"
    )
    demo.add_argument(
        "--out", default=DEFAULT_OUT, help=f"where the files and the database go (default ./{DEFAULT_OUT})"
    )


def demo_config(session: Session, out: Path) -> Config:
    """The demo's store: ``--db``/``--store`` when given (it must be empty), else a fresh SQLite
    file in the output folder, replaced on every run."""
    args = session.args
    config = session.config
    if not (args.db or args.store):
        path = out / DB_NAME
        for stale in (path, path.with_name(DB_NAME + "-wal"), path.with_name(DB_NAME + "-shm")):
            stale.unlink(missing_ok=True)
        config = attrs.evolve(config, store=backend_of(str(path)), url=str(path))
    # the demo's store keeps data: never the public demonstration key, a random one unless set
    return attrs.evolve(config, identity_key=config.identity_key or secrets.token_urlsafe(32))


def run(session: Session) -> int:
    args = session.args
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    config = demo_config(session, out)
    clock = StoryClock(dt.datetime.combine(PERIOD.start, dt.time(8), CHINA_TZ))
    service = open_service(config, plugins=session.plugins, clock=clock)
    progress = Progress("building the district", enabled=not args.quiet and not args.json, stream=args.stderr)
    try:
        outcome = run_demo(service, clock, seed=args.seed, scale=args.scale, out=out, progress=progress)
    finally:
        service.store.close()
    if args.json:
        args.stdout.write(to_json(summary(outcome, config)))
    else:
        args.stdout.write(text(outcome, config))
    return 0


def summary(outcome: DemoOutcome, config: Config) -> dict[str, object]:
    return {
        "seed": outcome.seed,
        "scale": outcome.scale,
        "period": outcome.report.period.label,
        "store": {"backend": config.store, "url": config.url},
        "disputes": outcome.disputes,
        "commands": outcome.commands,
        "seconds": round(outcome.seconds, 1),
        "figures": {
            key: {"cases": t.cases, "persons": t.persons, "amount": str(t.amount)}
            for key, t in outcome.report.total.figures.items()
        },
        "rates": {
            key: str(r.percent()) if r.value is not None else None for key, r in outcome.report.total.rates.items()
        },
        "source": [
            {"figure": c.key, "source": str(c.source), "demo": str(c.demo), "difference_percent": str(c.relative)}
            for c in outcome.comparisons
        ],
        "meetings": outcome.meetings,
        "returns": outcome.returns,
        "grades": outcome.grades,
        "broken_chains": outcome.broken_chains,
        "files": [str(p) for p in outcome.written.files],
        "skipped": list(outcome.written.skipped),
    }


def text(outcome: DemoOutcome, config: Config) -> str:
    r = outcome.report
    lines = [
        f"示范区 / demo district (seed {outcome.seed}): {outcome.disputes} disputes, {outcome.commands} commands "
        f"through the service in {outcome.seconds:.1f} s on {config.store}",
        "",
        "区矛盾纠纷多元化解协调中心报表 / the coordination-centre report",
        render.statistics(r),
        "与来源报告对照 / against the source report (18 rooms, 2018)"
        + (f", its figures × {outcome.scale:g}" if outcome.scale != 1 else ""),
        table(
            ["", "来源 source", "示范 demo", "差 difference"],
            [
                (c.title_zh, c.source, c.demo, f"{c.relative:+} %" if c.key != "success_rate" else f"{c.difference:+}")
                for c in outcome.comparisons
            ],
            numeric=(False, True, True, True),
        ),
        "双例会 / standing meetings: "
        + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(outcome.meetings.items())),
        f"统计报表 / returns: {outcome.returns['filed']} filed, {outcome.returns['late']} late, "
        f"{outcome.returns['missing']} missing",
        "2025年度考评 / evaluation: " + ", ".join(f"{GRADES.get(k, k)} {v}" for k, v in sorted(outcome.grades.items())),
        "一案一卷 / case files: "
        + (f"{outcome.broken_chains} broken hash chain(s)" if outcome.broken_chains else "every hash chain whole"),
        "",
    ]
    if outcome.written.files:
        lines.append("files:")
        lines += [f"  {p}" for p in outcome.written.files]
    lines += [f"skipped: {s}" for s in outcome.written.skipped]
    where = f"--db {config.url}" if config.url else f"--store {config.store}"
    lines += [
        "",
        "explore:",
        f"  mediation {where} report --period {r.period.label} --scope baiyang",
        f"  mediation {where} case list --room pengshanlu-room",
        f"  mediation {where} evaluate --year 2025",
        "",
    ]
    return "\n".join(lines)
