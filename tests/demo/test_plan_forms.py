"""What the demo's documents show an official: its people carry 民族 and 职业, a terminated
case's last session does not claim an agreement, and agreed dates are written in one style."""

from __future__ import annotations

import re

from mediation_core.calendars import national_calendar
from mediation_core.demo import build_district, plan
from mediation_core.domain.case import commands as c
from mediation_core.domain.values.parties import NaturalPerson


def test_demo_people_carry_ethnicity_and_occupation_and_terminated_sessions_agree_on_nothing() -> None:
    steps = plan(7, build_district(), national_calendar(), 0.1).steps
    received = [s.command for s in steps if isinstance(s.command, c.ReceiveDispute)]
    people = [p for cmd in received for p in cmd.parties if isinstance(p, NaturalPerson)]
    assert people
    assert all(p.ethnicity and p.occupation for p in people)
    terminated = {s.command.case_id for s in steps if isinstance(s.command, c.TerminateCase)}
    assert terminated
    last_session: dict[str, str] = {}
    for s in steps:
        if isinstance(s.command, c.HoldSession):
            last_session[s.command.case_id] = s.command.summary
    assert all(
        "协商一致" not in last_session[case] or "未能" in last_session[case]
        for case in terminated
        if case in last_session
    )
    drafted = [s.command for s in steps if isinstance(s.command, c.DraftWrittenAgreement)]
    assert drafted
    assert not any(re.search(r"年0\d月|月0\d日", d.terms.obligations) for d in drafted)
