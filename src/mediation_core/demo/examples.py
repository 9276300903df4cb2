"""An example of every command, taken from a real run: the demo's story, then its continuation.

The reference (docs/schemas.md) shows, for each command type, the first command of that type in
:func:`example_story`: the demo district's half-year (a small scale of :func:`~mediation_core.
demo.plan.plan`), then :func:`continuation`, which issues the commands the half-year never does
(a recusal, a police case settled by the parties themselves, a traffic mediation terminated …),
each made from a command of the story with its own identifiers. The whole story runs through the
service's rules in the tests, so every example is one the service accepts in its place.

The commands only a decision issues (a referral's outcome report, the room's feedback to a
station …) are refused from callers; their examples are the follow-ons the story's decisions
issued, read back from the records of a run (:func:`follow_ons`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs
from attrs import frozen

from mediation_core.app.bootstrap import DEMO_IDENTITY_KEY, Config, open_service
from mediation_core.app.service import MediationService
from mediation_core.demo.district import (
    ADMIN,
    CENTRE_STAFF,
    DISTRICT,
    District,
    build_district,
    mediator_actor,
)
from mediation_core.demo.plan import PERIOD, TRAFFIC_OFFICER, Step, plan
from mediation_core.demo.run import DemoError
from mediation_core.demo.walkthrough import StoryClock
from mediation_core.domain.case import commands as c
from mediation_core.domain.case.decide import CASES
from mediation_core.domain.case.outcomes import DeclineReason, Route
from mediation_core.domain.dispatch import commands as dc
from mediation_core.domain.dispatch.decide import DISPATCHES
from mediation_core.domain.errors import DomainError
from mediation_core.domain.evaluation_round.commands import ConcludeEvaluation, ReviseEvaluation
from mediation_core.domain.inspection.commands import RecordInspection, RecordRectification
from mediation_core.domain.kernel.lifecycle import Lifecycle
from mediation_core.domain.linkage import (
    case_follow_ons,
    dispatch_follow_ons,
    police_follow_ons,
    referral_follow_ons,
    traffic_follow_ons,
)
from mediation_core.domain.meeting.commands import CancelMeeting, CompleteActionItem, HoldMeeting, ScheduleMeeting
from mediation_core.domain.misconduct.commands import RecordMisconduct, RevokeFinding
from mediation_core.domain.misconduct.kinds import MisconductKind
from mediation_core.domain.police_case import commands as pc
from mediation_core.domain.police_case.decide import POLICE_CASES
from mediation_core.domain.police_case.mediability import (
    Exclusion,
    Incident,
    OnTheSpotConditions,
    PoliceAgreementTerms,
    SettlementRoute,
)
from mediation_core.domain.referral import commands as rc
from mediation_core.domain.referral.decide import REFERRALS
from mediation_core.domain.screening.commands import ActOnFinding, CloseScreening, RecordFinding, RecordScreening
from mediation_core.domain.screening.kinds import ScreeningAction, ScreeningRisk
from mediation_core.domain.statistical_return.commands import ResubmitReturn, SubmitReturn
from mediation_core.domain.traffic import commands as tc
from mediation_core.domain.traffic.accident import Damage, DamageKind, TrafficTermination
from mediation_core.domain.traffic.decide import TRAFFIC
from mediation_core.domain.training.commands import CorrectTrainees, RecordTraining
from mediation_core.domain.values.actors import Actor
from mediation_core.domain.values.calendar import CHINA_TZ, WorkingDayCalendar
from mediation_core.domain.values.organisations import Mediator
from mediation_core.records import RecordedEvent
from mediation_core.serialization import event_from_body

SEED = 7
SCALE = 0.02
"""The demo's story the examples are taken from: seed 7 at a fiftieth of the source volume."""


@frozen(kw_only=True)
class Example:
    """The example of one command type: the command, who issued it and when, and where from
    (``demo``: the demo's story; ``continuation``: :func:`continuation`; ``follow-on``: issued by a
    decision, :func:`follow_ons`). ``actor`` is written as the records write it."""

    name: str
    at: dt.datetime
    actor: str
    command: Any
    origin: str


class _Story:
    """The demo's steps, and the continuation's as they are added beside them."""

    def __init__(self, steps: tuple[Step, ...], district: District) -> None:
        self.steps = steps
        self.district = district
        self.added: list[Step] = []

    def first(self, cls: type) -> Step:
        return next(s for s in self.steps if type(s.command) is cls)

    def stream(self, key: str, value: str) -> list[Step]:
        return [s for s in self.steps if getattr(s.command, key, None) == value]

    def add(self, at: dt.datetime | dt.date, actor: Actor, command: Any) -> None:
        """Add ``command`` at ``at`` (a day: 20:00 that day, after the day's own steps)."""
        if not isinstance(at, dt.datetime):
            at = dt.datetime.combine(at, dt.time(20), CHINA_TZ)
        at += dt.timedelta(seconds=len(self.added))
        self.added.append(Step(at=at, seq=len(self.steps) + len(self.added), actor=actor, command=command))

    def copy(self, key: str, value: str, new: str, until: tuple[type, ...] = ()) -> list[Step]:
        """The steps of the stream ``key == value`` again, at the same moments, as the stream
        ``new``, up to the first of a type in ``until``."""
        copied: list[Step] = []
        for step in self.stream(key, value):
            if isinstance(step.command, until):
                break
            command = attrs.evolve(step.command, **{key: new})
            self.add(step.at, step.actor, command)
            copied.append(self.added[-1])
        return copied


def _cases(story: _Story) -> None:
    """A recusal, a party's consent, an invited participant, a scheduled session and a mediation
    ended by a lawsuit; a written agreement sent for judicial confirmation, then the file archived
    for a year and anonymised when the year is out."""
    received = story.first(c.ReceiveDispute)
    case = "example-recusal"
    steps = story.copy("case_id", received.command.case_id, case, until=(c.NotifyRights,))
    room = received.command.room_id
    day = steps[-1].at
    actor = steps[-1].actor
    assigned = next(s.command for s in steps if isinstance(s.command, c.AssignMediator))
    other = next(
        m.mediator_id
        for m in story.district.registry.mediators.values()
        if m.room_id == room and m.mediator_id != assigned.mediator_id
    )
    party = received.command.parties[0].party_id
    ids = tuple(p.party_id for p in received.command.parties)
    on = day.date()
    for command in (
        c.RequestRecusal(
            case_id=case, party_id=party, mediator_id=assigned.mediator_id, reason="调解员与对方当事人系亲属", on=on
        ),
        c.AssignMediator(case_id=case, mediator_id=other, on=on, presiding=True),
        c.NotifyRights(case_id=case, on=on),
        c.RecordConsent(case_id=case, party_id=party, consents=True, on=on, note="当事人同意由新指派的调解员调解"),
        c.StartMediation(case_id=case, on=on),
        c.InviteParticipant(
            case_id=case, name="村委会主任", relation="当事人所在村委会", consenting_party_ids=ids, on=on
        ),
        c.ScheduleSession(case_id=case, on=on, session_on=on + dt.timedelta(days=3), place="调解室"),
        c.ExtendTerm(case_id=case, on=on + dt.timedelta(days=1), consenting_party_ids=ids),
        c.EndForProceedings(
            case_id=case, on=on + dt.timedelta(days=2), party_id=party, route=Route.LITIGATION, body="市中区人民法院"
        ),
    ):
        story.add(max(day, dt.datetime.combine(command.on, dt.time(20), CHINA_TZ)), actor, command)

    declined = "example-declined"
    story.copy("case_id", received.command.case_id, declined, until=(c.AcceptCase,))
    story.add(
        received.at,
        received.actor,
        c.DeclineCase(case_id=declined, on=received.at.date(), reason=DeclineReason.ALREADY_HANDLED, note="法院已受理"),
    )

    confirmed = "example-confirmed"
    steps = story.copy("case_id", received.command.case_id, confirmed, until=(c.ArchiveCase,))
    signed = [s for s in steps if isinstance(s.command, c.SignAgreement)][-1]
    on = signed.at.date()
    story.add(
        signed.at,
        signed.actor,
        c.ApplyJudicialConfirmation(case_id=confirmed, on=on, applicant_ids=ids, court="市中区人民法院"),
    )
    archived = steps[-1].at.date()
    story.add(
        archived,
        signed.actor,
        c.ArchiveCase(case_id=confirmed, on=archived, archivist_id=signed.actor.actor_id, retention_years=1),
    )
    expired = dt.date(archived.year + 1, archived.month, archived.day) + dt.timedelta(days=1)
    story.add(expired, ADMIN, c.AnonymiseParties(case_id=confirmed, on=expired))


def _police_cases(story: _Story) -> None:
    """Police mediation with an assessment and a performed agreement; an extended time limit and a
    failed mediation; an exclusion found; an on-the-spot settlement; the parties' own settlement."""
    opened = story.first(pc.OpenPoliceCase)
    officer = opened.actor
    at = opened.at
    on = opened.command.accepted_on
    parties = tuple(p.party_id for p in opened.command.parties)
    n = 0

    def open_(suffix: str) -> str:
        nonlocal n
        n += 1
        pid = f"example-police-{suffix}"
        number = opened.command.case_number.replace("〕", f"〕9{n}")
        story.add(at, officer, attrs.evolve(opened.command, police_case_id=pid, case_number=number))
        return pid

    def session(pid: str, day: dt.date) -> pc.HoldPoliceSession:
        return pc.HoldPoliceSession(
            police_case_id=pid,
            on=day,
            presiding_officer="值班民警",
            place="派出所调解室",
            party_ids=parties,
            summary="双方陈述事实，民警释法说理",
        )

    later = on + dt.timedelta(days=1)
    assessed = open_("assessed")
    story.add(at, officer, pc.StartAssessment(police_case_id=assessed, on=on, kind="伤情鉴定"))
    story.add(later, officer, pc.RecordAssessment(police_case_id=assessed, on=later, kind="伤情鉴定", result="轻微伤"))
    story.add(later, officer, session(assessed, later))
    terms = PoliceAgreementTerms(
        organ_name="派出所",
        presiding_officer="值班民警",
        present_party_ids=parties,
        incident=Incident(
            time=f"{on.year}年{on.month}月{on.day}日",
            place="辖区居民楼下",
            persons="双方当事人",
            cause="邻里琐事",
            course="双方争执后推搡",
            circumstances="情节轻微",
            result="一方轻微伤",
        ),
        terms="违法嫌疑人赔偿医药费800元并赔礼道歉",
        performance_deadline=later + dt.timedelta(days=3),
        performance_method="现金当面支付",
    )
    story.add(
        later, officer, pc.RecordPoliceAgreement(police_case_id=assessed, on=later, terms=terms, signed_by=parties)
    )
    paid = later + dt.timedelta(days=2)
    story.add(paid, officer, pc.RecordPolicePerformance(police_case_id=assessed, on=paid, performed=True))

    failed = open_("failed")
    story.add(
        at, officer, pc.ExtendTimeLimit(police_case_id=failed, on=on, approved_by="市中区公安分局", reason="案情复杂")
    )
    story.add(later, officer, session(failed, later))
    story.add(
        later, officer, pc.RecordPoliceMediationFailed(police_case_id=failed, on=later, reason="双方对赔偿数额分歧较大")
    )

    excluded = open_("excluded")
    story.add(later, officer, session(excluded, later))
    story.add(later, officer, pc.RecordExclusion(police_case_id=excluded, on=later, exclusion=Exclusion.SUSPECT_FLED))

    spot = open_("spot")
    conditions = OnTheSpotConditions(
        minor=True, facts_clear=True, causation_clear=True, losses_undisputed=True,
        agree_on_the_spot=True, perform_on_the_spot=True,
    )  # fmt: skip
    story.add(
        at,
        officer,
        pc.MediateOnTheSpot(
            police_case_id=spot,
            on=on,
            officer="值班民警",
            party_ids=parties,
            conditions=conditions,
            content="违法嫌疑人当场赔礼道歉并赔偿医药费300元",
            written=False,
            body_camera_ref="执法记录仪 DSJ-01",
        ),
    )

    own = open_("own")
    story.add(
        at,
        officer,
        pc.RecordOwnSettlement(
            police_case_id=own, on=on, route=SettlementRoute.OWN, party_ids=parties, content="双方自行和解，赔偿500元"
        ),
    )
    story.add(later, officer, pc.RecordOwnSettlementPerformed(police_case_id=own, on=later, evidence="收条"))


def _dispatch_and_referrals(story: _Story) -> None:
    """A 110 call the station keeps; referrals withdrawn and returned."""
    dispatch = story.first(dc.RecordDispatch)
    story.add(
        dispatch.at,
        dispatch.actor,
        attrs.evolve(dispatch.command, dispatch_id="example-110", incident_number="JJ2025070499999"),
    )
    on = dispatch.at.date()
    story.add(
        dispatch.at + dt.timedelta(minutes=30),
        dispatch.actor,
        dc.KeepAsPoliceMatter(dispatch_id="example-110", on=on, reason="涉嫌违反治安管理，依法受案查处"),
    )
    issued = story.first(rc.IssueReferral)
    on = issued.command.issued_on
    for rid, command in (
        ("example-withdrawn", rc.WithdrawReferral(referral_id="example-withdrawn", on=on, reason="当事人已自行和解")),
        (
            "example-returned",
            rc.ReturnReferral(referral_id="example-returned", on=on, reason="移送函缺少当事人联系方式"),
        ),
    ):
        story.add(issued.at, issued.actor, attrs.evolve(issued.command, referral_id=rid, letter_number=""))
        receiver = (
            issued.actor
            if isinstance(command, rc.WithdrawReferral)
            else mediator_actor(_director(story, issued.command.room_id))
        )
        story.add(issued.at + dt.timedelta(minutes=5), receiver, command)


def _director(story: _Story, room: str) -> Mediator:
    return next(m for m in story.district.registry.mediators.values() if m.room_id == room and m.director)


def _traffic(story: _Story) -> None:
    """An accident settled on the spot; one whose police mediation is rescheduled and terminated."""
    registered = story.first(tc.RegisterAccident)
    at, on = registered.at, registered.at.date()
    parties = tuple(p.party_id for p in registered.command.parties)
    spot = "example-traffic-spot"
    story.add(
        at,
        TRAFFIC_OFFICER,
        attrs.evolve(registered.command, traffic_id=spot, accident_number="5111021202510299991", simple_procedure=True),
    )
    story.add(
        at,
        TRAFFIC_OFFICER,
        tc.MediateAccidentOnTheSpot(
            traffic_id=spot,
            on=on,
            officer="交警",
            requested_by=parties,
            signed_by=parties,
            determination_disputed=False,
            content="双方对事故认定无异议，当场达成赔偿协议",
        ),
    )
    ended = "example-traffic-ended"
    story.add(
        at, TRAFFIC_OFFICER, attrs.evolve(registered.command, traffic_id=ended, accident_number="5111021202510299992")
    )
    story.add(
        at, TRAFFIC_OFFICER, tc.ApplyPoliceMediation(traffic_id=ended, on=on, applicant_ids=parties, written=True)
    )
    injured = (Damage(kind=DamageKind.INJURY),)
    story.add(at, TRAFFIC_OFFICER, tc.AcceptPoliceMediation(traffic_id=ended, on=on, damages=injured))
    later = on + dt.timedelta(days=20)
    story.add(later, TRAFFIC_OFFICER, tc.RecordDamageDetermined(traffic_id=ended, on=later, kind=DamageKind.INJURY))
    story.add(
        later,
        TRAFFIC_OFFICER,
        tc.ScheduleTrafficSession(
            traffic_id=ended, on=later, session_on=later + dt.timedelta(days=3), place="交通事故纠纷联合调解室"
        ),
    )
    story.add(
        later,
        TRAFFIC_OFFICER,
        tc.RequestSessionChange(traffic_id=ended, on=later, requested_by=parties[0], reason="当事人住院治疗"),
    )
    story.add(
        later + dt.timedelta(days=1),
        TRAFFIC_OFFICER,
        tc.TerminateTrafficMediation(
            traffic_id=ended,
            on=later + dt.timedelta(days=1),
            reason=TrafficTermination.LAWSUIT,
            party_id=parties[0],
            note="当事人已向法院起诉",
        ),
    )


def _coordination(story: _Story) -> None:
    """A screening round, a cancelled meeting, an action item done, trainees corrected, an
    inspection and its rectification, a misconduct finding revoked, a return resubmitted and the
    evaluation revised."""
    received = story.first(c.ReceiveDispute)
    room = received.command.room_id
    director = _director(story, room)
    actor = mediator_actor(director)
    day = received.at.date()
    screening = "example-screening"
    story.add(
        received.at,
        actor,
        RecordScreening(
            screening_id=screening, room_id=room, on=day, area="辖区各村（社区）", screeners=(director.mediator_id,)
        ),
    )
    story.add(
        received.at,
        actor,
        RecordFinding(
            screening_id=screening,
            on=day,
            summary="两户因宅基地界址发生争执",
            risk=ScreeningRisk.GENERAL,
            action=ScreeningAction.WATCHED,
            party_names=("张某", "李某"),
        ),
    )
    station = f"{room.removesuffix('-room')}-station"
    story.add(
        received.at,
        actor,
        ActOnFinding(
            screening_id=screening, finding_no=1, on=day, action=ScreeningAction.HANDED_TO_POLICE, station_id=station
        ),
    )
    story.add(received.at, actor, CloseScreening(screening_id=screening, on=day))

    scheduled = story.first(ScheduleMeeting)
    meeting = "example-meeting"
    story.add(scheduled.at, scheduled.actor, attrs.evolve(scheduled.command, meeting_id=meeting))
    story.add(
        scheduled.at,
        scheduled.actor,
        CancelMeeting(meeting_id=meeting, on=scheduled.at.date(), reason="与防汛工作冲突，并入下次例会"),
    )
    held = next(s for s in story.steps if isinstance(s.command, HoldMeeting) and s.command.action_items)
    story.add(
        held.at + dt.timedelta(days=3),
        held.actor,
        CompleteActionItem(
            meeting_id=held.command.meeting_id, item=1, on=held.at.date() + dt.timedelta(days=3), note="已落实"
        ),
    )

    training = story.first(RecordTraining)
    story.add(
        training.at + dt.timedelta(days=1),
        training.actor,
        CorrectTrainees(
            training_id=training.command.training_id,
            on=training.at.date() + dt.timedelta(days=1),
            trainees=training.command.trainees[:-1],
            reason="签到表重复登记一人",
        ),
    )

    on = training.at.date() + dt.timedelta(days=1)
    story.add(
        training.at + dt.timedelta(days=1),
        CENTRE_STAFF,
        RecordInspection(
            inspection_id="example-inspection",
            org_id=room,
            by_org_id=DISTRICT,
            on=on,
            inspectors=("协调中心督导组",),
            findings="台账登记不全",
            problems=("部分案件未登记回访",),
            rectification_due=on + dt.timedelta(days=14),
        ),
    )
    story.add(
        training.at + dt.timedelta(days=8),
        actor,
        RecordRectification(inspection_id="example-inspection", on=on + dt.timedelta(days=7), note="已补登回访记录"),
    )

    story.add(
        training.at + dt.timedelta(days=1),
        CENTRE_STAFF,
        RecordMisconduct(
            finding_id="example-misconduct",
            mediator_id=director.mediator_id,
            room_id=room,
            kind=MisconductKind.PARTIALITY,
            on=on,
            facts="当事人投诉调解中偏袒一方",
        ),
    )
    submitted = next(
        s for s in story.steps if isinstance(s.command, SubmitReturn) and s.command.org_id == room and not s.command.nil
    )
    late = "example-late"
    story.add(
        submitted.at + dt.timedelta(days=1),
        received.actor,
        attrs.evolve(received.command, case_id=late, received_on=submitted.command.period.end),
    )
    story.add(
        submitted.at + dt.timedelta(days=1),
        submitted.actor,
        ResubmitReturn(
            org_id=room,
            period=submitted.command.period,
            on=submitted.at.date() + dt.timedelta(days=1),
            reason="补录漏报案件",
        ),
    )

    concluded = story.first(ConcludeEvaluation)
    after = concluded.at.date() + dt.timedelta(days=1)
    story.add(after, CENTRE_STAFF, RevokeFinding(finding_id="example-misconduct", on=after, reason="复查不属实"))
    story.add(
        after,
        CENTRE_STAFF,
        ReviseEvaluation(scope_id=DISTRICT, year=concluded.command.year, on=after, reason="违纪认定经复查撤销"),
    )


def continuation(steps: tuple[Step, ...], district: District) -> tuple[Step, ...]:
    """The commands the demo's story never issues, each beside the command it follows."""
    story = _Story(steps, district)
    for part in (_cases, _police_cases, _dispatch_and_referrals, _traffic, _coordination):
        part(story)
    return tuple(story.added)


def example_story(district: District, calendar: WorkingDayCalendar) -> tuple[Step, ...]:
    """The demo's story and its continuation, in time order."""
    steps = plan(SEED, district, calendar, SCALE).steps
    return tuple(sorted((*steps, *continuation(steps, district)), key=lambda s: (s.at, s.seq)))


_LINKS: tuple[tuple[Lifecycle, Callable[[Any, Sequence[Any], Any], list[Any]]], ...] = (
    (CASES, case_follow_ons),
    (REFERRALS, referral_follow_ons),
    (POLICE_CASES, police_follow_ons),
    (DISPATCHES, dispatch_follow_ons),
    (TRAFFIC, traffic_follow_ons),
)
"""The linkage aggregates and the function that says which commands their decisions entail."""


def follow_ons(steps: Sequence[Step], read: Callable[[str], Sequence[RecordedEvent]]) -> Iterator[Example]:
    """The commands the story's decisions issued as follow-ons, in the order their causes were
    recorded: each stream the story wrote (``read`` gives its records) is folded again event by
    event, and the domain's linkage says what each event entailed."""
    by_stream: dict[str, list[Any]] = {}
    for step in steps:
        for lifecycle, _ in _LINKS:
            if type(step.command) in lifecycle.deciders:
                by_stream.setdefault(lifecycle.stream_of(step.command), []).append(step.command)
    for stream, commands in by_stream.items():
        for lifecycle, link in _LINKS:
            prefix = f"{lifecycle.name}."
            records = [r for r in read(stream) if r.event_type.startswith(prefix)]
            state = None
            for record in records:
                event = event_from_body(record.event_type, record.schema_version, record.body)
                state = lifecycle.evolve(state, event, stream)
                for command in dict.fromkeys(commands, None) if commands else [None]:
                    for follow_on in link(command, [event], state):
                        yield Example(
                            name=type(follow_on).__name__,
                            at=record.recorded_at,
                            actor=record.actor,
                            command=follow_on,
                            origin="follow-on",
                        )


def command_examples(
    district: District, calendar: WorkingDayCalendar, read: Callable[[str], Sequence[RecordedEvent]]
) -> dict[str, Example]:
    """The first command of each type in :func:`example_story`, then of each follow-on type its
    decisions issued; ``read`` gives a stream's records from a store the story ran on."""
    demo = plan(SEED, district, calendar, SCALE).steps
    added = continuation(demo, district)
    origin = {id(s): "continuation" for s in added}
    steps = sorted((*demo, *added), key=lambda s: (s.at, s.seq))
    found: dict[str, Example] = {}
    for step in steps:
        name = type(step.command).__name__
        if name not in found:
            found[name] = Example(
                name=name, at=step.at, actor=str(step.actor), command=step.command, origin=origin.get(id(step), "demo")
            )
    for example in sorted(follow_ons(steps, read), key=lambda e: e.at):
        found.setdefault(example.name, example)
    return found


def run_story(service: MediationService, clock: StoryClock, district: District) -> tuple[Step, ...]:
    """Register the district and run :func:`example_story` on ``service`` (whose store is empty),
    each command at its moment; a refused step raises, naming it."""
    steps = example_story(district, service.calendar)
    clock.now = steps[0].at
    service.register(district.registry, ADMIN)
    for step in steps:
        clock.now = step.at
        try:
            service.handle(step.command, step.actor)
        except DomainError as exc:
            msg = f"example step at {step.at:%Y-%m-%d %H:%M} ({type(step.command).__name__}): {exc}"
            raise DemoError(msg) from exc
    return steps


def examples_of_a_run() -> dict[str, Example]:
    """Run the story on a fresh in-memory service and return every command type's example."""
    district = build_district()
    clock = StoryClock(dt.datetime.combine(PERIOD.start, dt.time(8), CHINA_TZ))
    service = open_service(Config(store="memory", identity_key=DEMO_IDENTITY_KEY), clock=clock)
    run_story(service, clock, district)
    return command_examples(district, service.calendar, service.store.read)
