"""The training rules, each with its legal basis: organiser, title, length and each trainee
once, and a reason for a corrected list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.kernel.lifecycle import blank
from mediation_core.domain.kernel.rulebook import RuleKind, Violation, rule
from mediation_core.domain.training.commands import CorrectTrainees, RecordTraining
from mediation_core.domain.training.state import TrainingSession
from mediation_core.domain.training.trainees import Trainee
from mediation_core.domain.values.organisations import Registry

TRAINING_BASIS = "人民调解法 第14条 (定期进行业务培训); 培训记录 (地方实践; see docs/legal-basis.md §10.6)"


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
