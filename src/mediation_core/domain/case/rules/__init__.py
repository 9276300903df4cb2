"""The rulebook, grouped by theme. Importing this package declares every case rule."""

from mediation_core.domain.case.rules import (
    agreement,
    archive,
    common,
    confirmation,
    consent,
    escalation,
    followup,
    intake,
    mediators,
    retention,
    sessions,
    termination,
    terms,
)

__all__ = [
    "agreement",
    "archive",
    "common",
    "confirmation",
    "consent",
    "escalation",
    "followup",
    "intake",
    "mediators",
    "retention",
    "sessions",
    "termination",
    "terms",
]
