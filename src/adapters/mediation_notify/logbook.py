"""The log notifier: one line per delivery, through the standard ``logging`` module."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from mediation_core.app.logs import logger
from mediation_core.plugins.types import Deliver, Delivery
from mediation_notify.settings import known

SETTINGS = ("logger", "level")


def open_log(settings: Mapping[str, str]) -> Deliver:
    known(settings, SETTINGS)
    log = logger(settings.get("logger", "mediation.notices"))
    level_name = settings.get("level", "INFO").upper()
    level = logging.getLevelNamesMapping().get(level_name)
    if level is None:
        msg = f"setting 'level' must be a logging level name, not {level_name!r}"
        raise ValueError(msg)

    def deliver(delivery: Delivery) -> None:
        notice = delivery.notice
        to = ", ".join(f"{a.name}({a.role})" for a in delivery.addressees) or "-"
        missed = ", ".join(f"{r.role}@{r.org_id or r.person_id}" for r in delivery.unresolved)
        log.log(
            level,
            "notice %s [%s] %s | to: %s%s | attempt %d",
            delivery.key,
            notice.kind.value,
            notice.subject,
            to,
            f" | unresolved: {missed}" if missed else "",
            delivery.attempt,
        )

    return deliver
