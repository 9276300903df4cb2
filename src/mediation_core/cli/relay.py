"""``mediation relay``: publish recorded events to the configured subscribers (a message
broker), show how far behind they are, list and requeue the streams it gave up on."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from mediation_core.app.bootstrap import ConfigurationError
from mediation_core.app.relay import RelayReport, SubscriberConfig, close_subscribers, open_subscribers
from mediation_core.cli.output import requeued, table, to_json
from mediation_core.cli.session import Session
from mediation_core.serialization import unstructure

ACTIONS = ("run", "status", "dead-letters", "requeue")


def register(add: Callable[..., Any]) -> None:
    relay = add(
        "relay",
        "publish recorded events to the subscribers of MEDIATION_SUBSCRIBERS_FILE (run: until stopped, or --once); "
        "status; dead-letters; requeue STREAM... of a --subscriber",
        run_relay,
    )
    relay.add_argument("action", choices=ACTIONS, help="what to do")
    relay.add_argument("streams", nargs="*", help="requeue: the stream ids, as dead-letters lists them")
    relay.add_argument("--subscriber", default=None, help="only this subscriber (requeue: required)")
    relay.add_argument("--once", action="store_true", help="run: one pass over what is due, then stop")
    relay.add_argument("--limit", type=int, default=None, help="run: at most this many streams per pass")
    relay.add_argument(
        "--interval", type=float, default=5.0, help="run: seconds between passes when nothing was due (default 5)"
    )


def _selected(session: Session) -> tuple[SubscriberConfig, ...]:
    configs = session.config.subscribers
    if not configs:
        msg = "no subscriber is configured: set MEDIATION_SUBSCRIBERS_FILE (docs/events.md)"
        raise ConfigurationError(msg)
    name = session.args.subscriber
    if name is None:
        return configs
    chosen = tuple(c for c in configs if c.name == name)
    if not chosen:
        msg = f"--subscriber {name!r} is not configured; configured: {', '.join(c.name for c in configs)}"
        raise ConfigurationError(msg)
    return chosen


def run_relay(session: Session) -> int:
    action = session.args.action
    if action == "run":
        return _run(session)
    if action == "status":
        return _status(session)
    if action == "dead-letters":
        return _dead_letters(session)
    return _requeue(session)


def _line(report: RelayReport) -> str:
    return (
        f"relay {report.subscriber}: published {report.published}; caught up {len(report.caught_up)}; "
        f"retrying {len(report.retrying)}; dead {len(report.dead)}; passed over {len(report.passed_over)}; "
        f"claimed elsewhere {len(report.skipped)}\n"
    )


def _run(session: Session) -> int:
    args = session.args
    configs = _selected(session)
    with session.service(writes=False) as service:
        subscribers = open_subscribers(configs, service.plugins)
        if not args.once:  # a long-running worker: start-up's objects leave the collector's passes
            service.ready()
        try:
            while True:
                reports = [service.relay(s, limit=args.limit, actor=session.job_actor) for s in subscribers]
                for report in reports:
                    args.stdout.write(to_json(unstructure(report)) if args.json else _line(report))
                args.stdout.flush()
                if args.once:  # a timer's run: 1 when a stream failed this pass, for monitoring to see
                    return 1 if any(r.retrying or r.dead for r in reports) else 0
                if not any(r.published or r.caught_up or r.passed_over for r in reports):
                    time.sleep(max(args.interval, 0.0))
        finally:
            close_subscribers(subscribers)


def _status(session: Session) -> int:
    args = session.args
    names = [c.name for c in _selected(session)]
    with session.service(writes=False) as service:
        lags = service.relay_lag(names, session.actor)
    if args.json:
        args.stdout.write(to_json([unstructure(lag) for lag in lags]))
        return 0
    args.stdout.write(
        table(
            ["订阅方", "待发布记录", "待发布事件", "重试中", "已放弃"],
            [(lag.subscriber, lag.streams_behind, lag.events_behind, lag.retrying, lag.dead) for lag in lags],
        )
    )
    return 0


def _dead_letters(session: Session) -> int:
    args = session.args
    with session.service(writes=False) as service:
        dead = service.relay_dead_letters(session.actor, args.subscriber)
    if args.json:
        args.stdout.write(to_json([unstructure(p) for p in dead]))
        return 0
    lines = [f"{p.subscriber}\t{p.stream_id}\t{p.version}/{p.head}\t{p.attempts}\t{p.last_error}" for p in dead]
    args.stdout.write("".join(f"{line}\n" for line in lines) or "no dead letters\n")
    return 0


def _requeue(session: Session) -> int:
    args = session.args
    if not args.subscriber or not args.streams:
        msg = "relay requeue needs --subscriber NAME and the stream ids to requeue"
        raise ConfigurationError(msg)
    with session.service(writes=False) as service:
        done = service.relay_requeue(args.subscriber, args.streams, session.writer(service))
    return requeued(args.stdout, args.streams, done, as_json=args.json)
