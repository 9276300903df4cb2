"""The ``mediation`` console script."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from mediation_core.domain.errors import DomainError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mediation", description="公调对接 mediation core")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("walkthrough", help="walk one dispute from intake to archive and print its file")
    deliver = sub.add_parser(
        "deliver",
        help="sweep the deadlines, then deliver the outbox through the configured notifiers (run it on a timer)",
    )
    deliver.add_argument("--limit", type=int, default=None, help="deliver at most this many notices")
    deliver.add_argument("--no-sweep", action="store_true", help="deliver only; do not look for due deadlines")
    sub.add_parser("dead-letters", help="list the notices the outbox gave up on, with their last error")
    requeue = sub.add_parser("requeue", help="put dead letters back in the queue once the cause is fixed")
    requeue.add_argument("keys", nargs="+", help="notice keys, as dead-letters lists them")
    args = parser.parse_args(argv)
    from mediation_core.app.bootstrap import ConfigurationError  # noqa: PLC0415 - keep --help instant
    from mediation_core.plugins.manager import PluginError  # noqa: PLC0415

    try:
        if args.command == "walkthrough":
            from mediation_core.walkthrough import main as walk  # noqa: PLC0415

            sys.stdout.write(walk())
        else:
            sys.stdout.write(_outbox_command(args))
    except (DomainError, ConfigurationError, PluginError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    return 0


def _outbox_command(args: argparse.Namespace) -> str:
    """``deliver``, ``dead-letters`` and ``requeue`` on the configured deployment."""
    from mediation_core.app.bootstrap import open_service  # noqa: PLC0415
    from mediation_core.domain.actors import Actor, Role  # noqa: PLC0415

    operator = Actor(actor_id="cli", role=Role.ADMINISTRATOR, scope_id="*", name="mediation CLI")
    service = open_service()
    try:
        if args.command == "deliver":
            due = [] if args.no_sweep else service.sweep()
            report = service.deliver_pending(limit=args.limit)
            return (
                f"deadlines due: {len(due)}; delivered: {len(report.delivered)}; retrying: {len(report.retrying)}; "
                f"dead: {len(report.dead)}; claimed elsewhere: {len(report.skipped)}\n"
            )
        if args.command == "dead-letters":
            lines = [
                f"{e.notice.key}\t{e.notice.kind.value}\t{e.attempts}\t{e.notice.subject}\t{e.last_error}"
                for e in service.dead_letters(operator)
            ]
            return "".join(f"{line}\n" for line in lines) or "no dead letters\n"
        done = service.requeue(args.keys, operator)
        skipped = sorted(set(args.keys) - set(done))
        return f"requeued: {len(done)}" + (f"; not dead letters: {', '.join(skipped)}" if skipped else "") + "\n"
    finally:
        service.store.close()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
