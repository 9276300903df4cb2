"""Return commands: submit, or resubmit with a reason. A return's stream is named by its
organisation and period, so a second submission for the same period is refused."""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from mediation_core.domain.values.periods import Period


def return_id(org_id: str, period: Period) -> str:
    """The stream id of ``org_id``'s return for ``period``."""
    return f"return:{org_id}:{period.label}"


@frozen(kw_only=True)
class ReturnCommand:
    """Base of the return commands: the submitting organisation and the period."""

    org_id: str
    period: Period

    @property
    def stream_id(self) -> str:
        return return_id(self.org_id, self.period)


@frozen(kw_only=True)
class SubmitReturn(ReturnCommand):
    """报送: lock the scope's figures for the period; ``nil`` states a 零上报."""

    on: dt.date
    nil: bool = False
    note: str = ""


@frozen(kw_only=True)
class ResubmitReturn(ReturnCommand):
    """补报/更正: lock the current figures again, with the reason and the diff recorded."""

    on: dt.date
    reason: str
