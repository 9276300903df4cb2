"""A story that drives the pure decider step by step, with the builders' defaults."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest

from builders import D0, MEDIATOR_ID, PARTIES, REGISTRY, ROOM, terms
from mediation_core.calendars import national_calendar
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.agreements import Mark, SignatoryKind
from mediation_core.domain.case.decide import execute
from mediation_core.domain.case.events import CaseEvent
from mediation_core.domain.case.followups import Performance, Satisfaction
from mediation_core.domain.case.outcomes import TerminationReason
from mediation_core.domain.case.state import CaseState
from mediation_core.domain.errors import RuleViolationError
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.values.calendar import CHINA_TZ
from mediation_core.domain.values.casefile import CaseFileItem
from mediation_core.domain.values.digests import digest_of
from mediation_core.domain.values.parties import Party
from mediation_core.domain.values.policy import Policy
from mediation_core.domain.values.sources import CaseSource, OnlineConsent, OnScene


def online_consent(party_id: str, on: dt.date) -> OnlineConsent:
    """An applicant's consent captured online at 8 in the morning of ``on``."""
    return OnlineConsent(
        party_id=party_id,
        channel="浙里调",
        captured_at=dt.datetime.combine(on, dt.time(8), CHINA_TZ),
        reference=f"ZLT-{on:%Y%m%d}-0001",
        text_hash=digest_of("本人自愿申请人民调解".encode()),
    )


class Story:
    """A case driven through ``execute`` with the clock set to each command's date."""

    def __init__(self, *, policy: Policy | None = None, case_id: str = "c1") -> None:
        self.case_id = case_id
        self.policy = policy or Policy()
        self.state: CaseState | None = None
        self.events: list[CaseEvent] = []
        self.next_number = 1

    def context(self, on: dt.date, sequence: int | None = None) -> DecisionContext:
        return DecisionContext(
            now=dt.datetime.combine(on, dt.time(18), CHINA_TZ),
            policy=self.policy,
            calendar=national_calendar(),
            registry=REGISTRY,
            sequence=sequence,
        )

    def _prepare(self, cmd: c.CaseCommand, today: dt.date | None) -> tuple[c.CaseCommand, DecisionContext]:
        cmd = attrs.evolve(cmd, case_id=self.case_id)
        on = today or getattr(cmd, "on", None) or getattr(cmd, "received_on", D0)
        seq = self.next_number if isinstance(cmd, c.AcceptCase) else None
        return cmd, self.context(on, seq)

    def do(self, cmd: c.CaseCommand, today: dt.date | None = None) -> list[CaseEvent]:
        cmd, ctx = self._prepare(cmd, today)
        events, self.state = execute(cmd, self.state, ctx)
        self.events += events
        if isinstance(cmd, c.AcceptCase):
            self.next_number += 1
        return events

    def refuse(self, cmd: c.CaseCommand, today: dt.date | None = None) -> RuleViolationError:
        """Assert ``cmd`` is refused and changes nothing; return the error."""
        before = self.state
        cmd, ctx = self._prepare(cmd, today)
        with pytest.raises(RuleViolationError) as caught:
            execute(cmd, self.state, ctx)
        assert self.state is before
        return caught.value

    @property
    def s(self) -> CaseState:
        assert self.state is not None
        return self.state

    # -- shortcuts through the lifecycle ------------------------------------------------------
    def receive(self, parties: tuple[Party, ...] = PARTIES, on: dt.date = D0, **kw: Any) -> Story:
        """Register the dispute; one a mediator went to on their own records their arrival that morning."""
        source = kw.pop("source", CaseSource.WALK_IN)
        if source is CaseSource.MEDIATOR_ON_SCENE and "on_scene" not in kw:
            arrived = dt.datetime.combine(on, dt.time(9), CHINA_TZ)
            kw["on_scene"] = OnScene(mediator_id=MEDIATOR_ID, arrived_at=arrived, place="幸福路1号")
        if source is CaseSource.ONLINE_APPLICATION and "online_consents" not in kw:
            kw["online_consents"] = (online_consent(parties[0].party_id, on),)
        self.do(
            c.ReceiveDispute(
                case_id=self.case_id,
                room_id=ROOM,
                received_on=on,
                source=source,
                category=kw.pop("category", "neighbourhood"),
                summary=kw.pop("summary", "邻里纠纷"),
                parties=parties,
                amount_involved=kw.pop("amount_involved", Decimal(0)),
                **kw,
            )
        )
        return self

    def accept(self, on: dt.date = D0) -> Story:
        self.do(c.AcceptCase(case_id=self.case_id, on=on))
        return self

    def prepare(self, on: dt.date = D0) -> Story:
        """Assign the presiding mediator, notify rights, file identity proof."""
        self.do(c.AssignMediator(case_id=self.case_id, mediator_id=MEDIATOR_ID, presiding=True, on=on))
        self.do(c.NotifyRights(case_id=self.case_id, on=on))
        self.do(c.FileDocument(case_id=self.case_id, item=CaseFileItem.IDENTITY_PROOF, title="身份证", on=on))
        return self

    def start(self, on: dt.date = D0) -> Story:
        self.do(c.StartMediation(case_id=self.case_id, on=on))
        return self

    def session(self, on: dt.date = D0, **kw: Any) -> Story:
        self.do(
            c.HoldSession(
                case_id=self.case_id,
                on=on,
                place="调解室",
                mediator_ids=(MEDIATOR_ID,),
                party_ids=self.s.party_ids,
                summary="调解",
                **kw,
            )
        )
        return self

    def mediating(self, on: dt.date = D0) -> Story:
        return self.receive(on=on).accept(on).prepare(on).start(on)

    def oral(self, on: dt.date = D0, **kw: Any) -> Story:
        self.do(c.ReachOralAgreement(case_id=self.case_id, on=on, content=kw.pop("content", "当场赔偿200元"), **kw))
        return self

    def draft(self, on: dt.date = D0, **kw: Any) -> Story:
        self.do(c.DraftWrittenAgreement(case_id=self.case_id, on=on, terms=terms(on, self.s.party_ids, **kw)))
        return self

    def sign_all(self, on: dt.date = D0) -> Story:
        for pid in self.s.party_ids:
            self.do(
                c.SignAgreement(
                    case_id=self.case_id, kind=SignatoryKind.PARTY, signer_id=pid, on=on, mark=Mark.FINGERPRINT
                )
            )
        self.do(c.SignAgreement(case_id=self.case_id, kind=SignatoryKind.MEDIATOR, signer_id=MEDIATOR_ID, on=on))
        self.do(c.SignAgreement(case_id=self.case_id, kind=SignatoryKind.COMMITTEE_SEAL, on=on, mark=Mark.SEAL))
        return self

    def written(self, on: dt.date = D0) -> Story:
        return self.session(on).draft(on).sign_all(on)

    def terminate(self, on: dt.date = D0, reason: TerminationReason = TerminationReason.FAILED) -> Story:
        self.do(c.TerminateCase(case_id=self.case_id, on=on, reason=reason))
        return self

    def follow_up(self, on: dt.date, performance: Performance | None = Performance.PERFORMED) -> Story:
        self.do(
            c.RecordFollowUp(
                case_id=self.case_id,
                on=on,
                visitor_id=MEDIATOR_ID,
                party_id="p1",
                performance=performance,
                satisfaction=Satisfaction.SATISFIED,
            )
        )
        return self
