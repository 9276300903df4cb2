"""``mediation sweep``, ``deliver``, ``dead-letters`` and ``requeue``: deadlines and the outbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mediation_core.cli.output import requeued, table, to_json
from mediation_core.cli.session import Session
from mediation_core.domain.values.deadlines import Urgency
from mediation_core.serialization import unstructure

URGENCY_TITLES = {Urgency.DUE_SOON: "即将到期", Urgency.DUE_TODAY: "今日到期", Urgency.OVERDUE: "已逾期"}


def register(add: Callable[..., Any]) -> None:
    add("sweep", "find deadlines due soon, due today or overdue, and put their reminders in the outbox", run_sweep)
    deliver = add(
        "deliver",
        "sweep the deadlines, then deliver the outbox through the configured notifiers (run it on a timer)",
        run_deliver,
    )
    deliver.add_argument("--limit", type=int, default=None, help="deliver at most this many notices")
    deliver.add_argument("--no-sweep", action="store_true", help="deliver only; do not look for due deadlines")
    add("dead-letters", "list the notices the outbox gave up on, with their last error", run_dead_letters)
    requeue = add("requeue", "put dead letters back in the queue once the cause is fixed", run_requeue)
    requeue.add_argument("keys", nargs="+", help="notice keys, as dead-letters lists them")


def run_sweep(session: Session) -> int:
    args = session.args
    with session.service() as service:
        items = service.sweep(actor=session.job_actor)
        queued = len(service.store.outbox())
    if args.json:
        args.stdout.write(to_json({"due": [unstructure(i) for i in items], "outbox": queued}))
        return 0
    if items:
        args.stdout.write(
            table(
                ["到期", "期限", "记录", "紧急程度"],
                [(i.deadline.due, i.deadline.kind.title_zh, i.stream_id, URGENCY_TITLES[i.urgency]) for i in items],
            )
        )
    args.stdout.write(f"deadlines due: {len(items)}; notices in the outbox: {queued}\n")
    return 0


def run_deliver(session: Session) -> int:
    args = session.args
    with session.service() as service:
        due = [] if args.no_sweep else service.sweep(actor=session.job_actor)
        report = service.deliver_pending(limit=args.limit, actor=session.job_actor)
        delivered = [e for e in map(service.store.outbox_entry, report.delivered) if e is not None]
    if args.json:
        args.stdout.write(
            to_json(
                {
                    "deadlines_due": len(due),
                    "delivered": len(report.delivered),
                    "notices": [
                        {
                            "key": e.notice.key,
                            "kind": e.notice.kind.value,
                            "case_id": e.notice.case_id,
                            "subject": e.notice.subject,
                            "delivered_by": list(e.delivered_by),
                        }
                        for e in delivered
                    ],
                    "retrying": len(report.retrying),
                    "dead": len(report.dead),
                    "claimed_elsewhere": len(report.skipped),
                }
            )
        )
        return 0
    if delivered:
        args.stdout.write(
            table(
                ["通知", "案件", "事由", "送达渠道"],
                [
                    (e.notice.key, e.notice.case_id or "—", e.notice.subject, "、".join(e.delivered_by))
                    for e in delivered
                ],
            )
        )
    args.stdout.write(
        f"deadlines due: {len(due)}; delivered: {len(report.delivered)}; retrying: {len(report.retrying)}; "
        f"dead: {len(report.dead)}; claimed elsewhere: {len(report.skipped)}\n"
    )
    return 0


def run_dead_letters(session: Session) -> int:
    args = session.args
    with session.service(writes=False) as service:
        entries = service.dead_letters(session.actor)
    if args.json:
        args.stdout.write(to_json([unstructure(e) for e in entries]))
        return 0
    lines = [
        f"{e.notice.key}\t{e.notice.kind.value}\t{e.attempts}\t{e.notice.subject}\t{e.last_error}" for e in entries
    ]
    args.stdout.write("".join(f"{line}\n" for line in lines) or "no dead letters\n")
    return 0


def run_requeue(session: Session) -> int:
    args = session.args
    with session.service() as service:
        done = service.requeue(args.keys, session.writer(service))
    return requeued(args.stdout, args.keys, done, as_json=args.json)
