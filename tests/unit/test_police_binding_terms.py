"""A people's-mediation agreement settles civil rights and duties: it cannot decide for the police."""

from __future__ import annotations

import attrs
import pytest

from builders import D0, day, terms
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import Responsibility
from mediation_core.domain.case.state import CaseStatus
from mediation_core.domain.values.policy import Policy
from story import Story


def fields_of(err: Exception, rule: str) -> list[str]:
    return [v.field for v in err.violations if v.rule == rule]  # type: ignore[attr-defined]


@pytest.mark.rule("agreement_binds_no_police")
def test_an_agreement_may_not_promise_what_the_police_decide() -> None:
    story = Story().mediating().session()
    err = story.refuse(c.ReachOralAgreement(case_id="c1", on=D0, content="李海赔偿800元，公安机关不予处罚"))
    assert fields_of(err, "agreement_binds_no_police") == ["content"]
    assert "公安机关不予处罚" in err.violations[0].message_zh  # type: ignore[attr-defined]
    written = attrs.evolve(
        terms(day(1), ("p1", "p2")),
        obligations="李海赔偿800元；双方同意撤销案件",
        responsibilities=(
            Responsibility(party_id="p1", text="无"),
            Responsibility(party_id="p2", text="负主要责任，派出所不予追究"),
        ),
        facts="派出所已受案，双方申请调解",
    )
    err = story.refuse(c.DraftWrittenAgreement(case_id="c1", on=day(1), terms=written))
    assert fields_of(err, "agreement_binds_no_police") == ["terms.obligations", "terms.responsibilities[1]"]
    story.oral(content="李海赔偿800元，双方今后互不追究")
    assert story.s.status is CaseStatus.AGREED


def test_a_county_adds_terms_but_cannot_remove_the_built_in_ones() -> None:
    stricter = Story(policy=Policy(police_binding_terms=("不予警告",))).mediating().session()
    err = stricter.refuse(c.ReachOralAgreement(case_id="c1", on=D0, content="赔偿800元，不予警告"))
    assert fields_of(err, "agreement_binds_no_police") == ["content"]
    emptied = Story(policy=Policy(police_binding_terms=())).mediating().session()
    err = emptied.refuse(c.ReachOralAgreement(case_id="c1", on=D0, content="赔偿800元，撤销案件"))
    assert fields_of(err, "agreement_binds_no_police") == ["content"]
