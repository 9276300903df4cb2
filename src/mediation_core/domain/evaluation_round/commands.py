"""Round commands: conclude a scope's year, or revise it with a reason. A round's stream is
named by its scope and year."""

from __future__ import annotations

import datetime as dt

from attrs import frozen


def round_id(scope_id: str, year: int) -> str:
    return f"evaluation:{scope_id}:{year}"


@frozen(kw_only=True)
class RoundCommand:
    scope_id: str
    year: int

    @property
    def stream_id(self) -> str:
        return round_id(self.scope_id, self.year)


@frozen(kw_only=True)
class ConcludeEvaluation(RoundCommand):
    on: dt.date


@frozen(kw_only=True)
class ReviseEvaluation(RoundCommand):
    on: dt.date
    reason: str
