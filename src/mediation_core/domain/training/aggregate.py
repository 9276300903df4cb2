"""Training records (培训): who was trained, when, how long, counted in person-times.

人民调解法 art. 14 requires the county justice bureau to train mediators regularly; the seed
report counts "培训专(兼)职工作人员306人(次)" through legal courses, shadowing rotations and
exchange visits. A session is recorded once with its trainees; a correction of the attendance
list keeps the reason. Person-times are trainees × sessions; the evaluation counts the sessions
each mediator attended.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, ClassVar

from attrs import frozen

from mediation_core.domain.case.events import DomainEvent
from mediation_core.domain.case.rules.common import date_not_in_future
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.decider import Decider, lifecycle_rule
from mediation_core.domain.kernel.lifecycle import Lifecycle, blank
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.reporting.statistics import in_scope
from mediation_core.domain.values.organisations import Registry
from mediation_core.domain.values.periods import Period

TRAINING_BASIS = "人民调解法 第14条 (定期进行业务培训); 培训记录 (地方实践; see docs/legal-basis.md §10.6)"


class TrainingKind(enum.Enum):
    LEGAL_COURSE = "legal_course"  # 专题法律法规培训
    SHADOWING = "shadowing"  # 跟班轮训
    EXCHANGE = "exchange"  # 外出交流学习
    OTHER = "other"

    @property
    def title_zh(self) -> str:
        return {
            "legal_course": "专题法律法规培训",
            "shadowing": "跟班轮训",
            "exchange": "外出交流学习",
            "other": "其他",
        }[self.value]


_KIND_TITLES = {
    "legal_course": "专题法律法规培训",
    "shadowing": "跟班轮训",
    "exchange": "外出交流学习",
    "other": "其他",
}


class TrainingStatus(enum.Enum):
    RECORDED = "recorded"

    @property
    def title_zh(self) -> str:
        return "已登记"


@frozen(kw_only=True)
class Trainee:
    """A person trained, and the organisation they work for (a room, an office, a station)."""

    person_id: str
    name: str
    org_id: str


@frozen(kw_only=True)
class TrainingCommand:
    training_id: str

    @property
    def stream_id(self) -> str:
        return self.training_id


@frozen(kw_only=True)
class RecordTraining(TrainingCommand):
    """登记培训: ``org_id`` organised it; ``hours`` is the length of the session."""

    org_id: str
    on: dt.date
    title: str
    kind: TrainingKind
    hours: Decimal
    trainees: tuple[Trainee, ...]


@frozen(kw_only=True)
class CorrectTrainees(TrainingCommand):
    """Replace the attendance list, saying why."""

    on: dt.date
    trainees: tuple[Trainee, ...]
    reason: str


@frozen(kw_only=True)
class TrainingRecorded(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "training.recorded"
    org_id: str
    on: dt.date
    title: str
    kind: TrainingKind
    hours: Decimal
    trainees: tuple[Trainee, ...]


@frozen(kw_only=True)
class TraineesCorrected(DomainEvent):
    EVENT_TYPE: ClassVar[str] = "training.trainees_corrected"
    on: dt.date
    trainees: tuple[Trainee, ...]
    reason: str


@frozen(kw_only=True)
class TrainingSession:
    """A training session as the fold of its events."""

    stream_id: str
    version: int
    status: TrainingStatus
    org_id: str
    on: dt.date
    title: str
    kind: TrainingKind
    hours: Decimal
    trainees: tuple[Trainee, ...]
    corrections: int = 0

    def attended(self, person_id: str) -> bool:
        return any(t.person_id == person_id for t in self.trainees)


def _trainees_valid(rule_: Any, trainees: tuple[Trainee, ...], registry: Registry) -> Iterator[Violation]:
    if not trainees:
        yield rule_.violation("trainees", "须登记参训人员", "no trainees recorded")
    seen: set[str] = set()
    for i, t in enumerate(trainees):
        if blank(t.person_id) or blank(t.name) or registry.org(t.org_id) is None:
            yield rule_.violation(
                f"trainees[{i}]", "参训人员须有身份、姓名和登记的单位", "a trainee needs an id, a name and a known body"
            )
        if t.person_id in seen:
            yield rule_.violation(f"trainees[{i}]", f"{t.name} 重复登记", f"{t.person_id} is listed twice")
        seen.add(t.person_id)


@rule(
    "training_recorded",
    basis=TRAINING_BASIS,
    kind=RuleKind.STANDARD,
    zh="培训须登记主办单位、名称、时长和参训人员（不得重复）",
    en="a training records its organiser, title, length and trainees, each once",
)
def training_recorded(cmd: RecordTraining, state: Any, ctx: DecisionContext) -> Iterator[Violation]:
    if ctx.registry.org(cmd.org_id) is None:
        yield training_recorded.violation("org_id", f"{cmd.org_id} 不是登记的单位", f"{cmd.org_id} is not registered")
    if blank(cmd.title):
        yield training_recorded.violation("title", "培训名称不得为空", "the title must not be blank")
    if cmd.hours <= 0:
        yield training_recorded.violation("hours", "培训时长须大于0", "the length must be positive")
    yield from _trainees_valid(training_recorded, cmd.trainees, ctx.registry)


@rule(
    "training_correction_explained",
    basis=f"{TRAINING_BASIS}; 更正留痕",
    kind=RuleKind.STANDARD,
    zh="更正参训名单须说明理由，名单须有变化且有效",
    en="a corrected attendance list gives its reason, changes the list and is itself valid",
)
def training_correction_explained(
    cmd: CorrectTrainees, state: TrainingSession, ctx: DecisionContext
) -> Iterator[Violation]:
    if blank(cmd.reason):
        yield training_correction_explained.violation("reason", "须说明更正理由", "the reason must not be blank")
    if set(cmd.trainees) == set(state.trainees):
        yield training_correction_explained.violation("trainees", "名单无变化", "the list did not change")
    yield from _trainees_valid(training_correction_explained, cmd.trainees, ctx.registry)


def _recorded(cmd: RecordTraining, state: None, ctx: DecisionContext) -> list[DomainEvent]:
    return [
        TrainingRecorded(
            org_id=cmd.org_id, on=cmd.on, title=cmd.title, kind=cmd.kind, hours=cmd.hours, trainees=cmd.trainees
        )
    ]


def _start(stream_id: str, e: TrainingRecorded) -> TrainingSession:
    return TrainingSession(
        stream_id=stream_id,
        version=0,
        status=TrainingStatus.RECORDED,
        org_id=e.org_id,
        on=e.on,
        title=e.title,
        kind=e.kind,
        hours=e.hours,
        trainees=e.trainees,
    )


TRANSITIONS = {
    (None, TrainingRecorded): TrainingStatus.RECORDED,
    (TrainingStatus.RECORDED, TraineesCorrected): TrainingStatus.RECORDED,
}
DECIDERS: dict[type, Decider] = {}
training_lifecycle = lifecycle_rule(
    "training_lifecycle",
    what_zh="培训记录",
    what_en="training record",
    id_field="training_id",
    deciders=DECIDERS,
    transitions=TRANSITIONS,
    creating=TrainingRecorded,
    basis=TRAINING_BASIS,
)
DECIDERS.update(
    {
        RecordTraining: Decider(
            emits=TrainingRecorded, rules=(training_lifecycle, date_not_in_future, training_recorded), build=_recorded
        ),
        CorrectTrainees: Decider(
            emits=TraineesCorrected,
            rules=(training_lifecycle, date_not_in_future, training_correction_explained),
            build=lambda cmd, state, ctx: [TraineesCorrected(on=cmd.on, trainees=cmd.trainees, reason=cmd.reason)],
        ),
    }
)
TRAININGS = Lifecycle(
    name="training",
    transitions=TRANSITIONS,
    start=_start,
    apply={TraineesCorrected: lambda s, e: {"trainees": e.trainees, "corrections": s.corrections + 1}},
    deciders=DECIDERS,
)


# -- report ----------------------------------------------------------------------------------------
@frozen(kw_only=True)
class TrainingLine:
    """Training of one organisation's staff in a period."""

    org_id: str
    org_name: str
    sessions: int
    person_times: int
    persons: int
    hours: Decimal


def training_report(
    sessions: Iterable[TrainingSession], registry: Registry, scope_id: str, period: Period
) -> list[TrainingLine]:
    """Person-times per organisation in scope: each trainee of each session held in the period
    counts once for the organisation they work for."""
    lines: dict[str, dict[str, Any]] = {}
    for session in sessions:
        if session.on not in period:
            continue
        for t in session.trainees:
            if not in_scope(registry, scope_id, t.org_id):
                continue
            line = lines.setdefault(t.org_id, {"sessions": set(), "times": 0, "persons": set(), "hours": Decimal(0)})
            line["sessions"].add(session.stream_id)
            line["times"] += 1
            line["persons"].add(t.person_id)
            line["hours"] += session.hours
    return [
        TrainingLine(
            org_id=org_id,
            org_name=(org.name if (org := registry.org(org_id)) else org_id),
            sessions=len(v["sessions"]),
            person_times=v["times"],
            persons=len(v["persons"]),
            hours=v["hours"],
        )
        for org_id, v in sorted(lines.items())
    ]


def sessions_attended(sessions: Iterable[TrainingSession], person_id: str, period: Period) -> int:
    return sum(1 for s in sessions if s.on in period and s.attended(person_id))
