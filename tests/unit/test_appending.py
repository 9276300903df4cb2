"""The append rules every store applies (mediation_core.app.appending.check_append), in order."""

from __future__ import annotations

import attrs
import pytest

from mediation_core.app.appending import check_append
from mediation_core.domain.errors import ConcurrencyConflictError, IntegrityError
from mediation_core.records import GENESIS_HASH
from mediation_core.testing.storage import append_of, chain, notice, row_for

FIRST = chain("c", [{"a": 1}])
NEXT = chain("c", [{"b": 1}, {"b": 2}], after=FIRST)


def nothing_taken(key: str) -> bool:
    return False


def test_records_continuing_the_stream_pass() -> None:
    check_append(append_of("c", FIRST), 0, GENESIS_HASH, nothing_taken)
    check_append(append_of("c", NEXT, notices=[notice("n1"), notice("n2")]), 1, FIRST[-1].hash, nothing_taken)


def test_a_stream_that_moved_on_is_a_conflict_before_anything_else_is_looked_at() -> None:
    """A stale writer's records are numbered and linked for the stream it read: reporting
    them as broken would hide that reloading and retrying is the answer."""
    stale = attrs.evolve(
        append_of("c", chain("x", [{"b": 1}], after=FIRST)), row=row_for("y", 2), notices=[notice("n1"), notice("n1")]
    )
    with pytest.raises(ConcurrencyConflictError):
        check_append(stale, 2, "f" * 64, lambda key: True)


def test_an_unknown_head_leaves_only_the_first_link_unchecked() -> None:
    unlinked = chain("c", [{"b": 1}, {"b": 2}], after=[attrs.evolve(FIRST[0], hash="f" * 64)])
    check_append(append_of("c", unlinked), 1, None, nothing_taken)
    with pytest.raises(IntegrityError, match="not linked"):
        check_append(append_of("c", unlinked), 1, FIRST[-1].hash, nothing_taken)
    broken_inside = [NEXT[0], attrs.evolve(NEXT[1], prev_hash="e" * 64)]
    with pytest.raises(IntegrityError, match="not linked"):
        check_append(append_of("c", broken_inside), 1, None, nothing_taken)


def test_a_notice_key_is_refused_when_taken_or_repeated_in_the_batch() -> None:
    repeated = append_of("c", NEXT, notices=[notice("n1"), notice("n1")])
    with pytest.raises(IntegrityError, match="n1"):
        check_append(repeated, 1, FIRST[-1].hash, nothing_taken)
    taken = append_of("c", NEXT, notices=[notice("n1"), notice("n2")])
    with pytest.raises(IntegrityError, match="n2"):
        check_append(taken, 1, FIRST[-1].hash, lambda key: key == "n2")
