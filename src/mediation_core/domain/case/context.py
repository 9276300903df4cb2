"""What a case decision reads besides the common decision inputs: what the shell looked up
for it. Nothing here is a secret: party identities arrive already digested."""

from __future__ import annotations

from attrs import frozen

from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.reporting.repeats import EarlierCase


@frozen(kw_only=True)
class CaseContext(DecisionContext):
    """``earlier_cases`` are the earlier cases sharing a party with an intake and
    ``party_keys`` the intake's parties' keyed digests, so that the decision can link a
    repeat dispute; ``stream_head`` is the hash of the case file's last record, which
    anonymising the file records before it is sealed again."""

    earlier_cases: tuple[EarlierCase, ...] = ()
    party_keys: tuple[str, ...] = ()
    stream_head: str = ""
