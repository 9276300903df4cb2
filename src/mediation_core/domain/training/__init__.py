"""Training records (培训): who was trained, when, how long, counted in person-times.

人民调解法 art. 14 requires the county justice bureau to train mediators regularly; the seed
report counts "培训专(兼)职工作人员306人(次)" through legal courses, shadowing rotations and
exchange visits. A session is recorded once with its trainees; a correction of the attendance
list keeps the reason. Person-times are trainees × sessions; the evaluation counts the sessions
each mediator attended.

Its parts, as for the case: ``commands``, ``events``, ``state``, ``rules`` and ``decide``
(with :data:`~mediation_core.domain.training.decide.TRAININGS`); besides them ``trainees``
(who was trained, in what kind of training) and ``report`` (person-times per body). Until 0.2
this name was one module; its names still resolve here, with a ``DeprecationWarning``.
"""

from mediation_core._moved import forward

__getattr__ = forward(
    __name__,
    *(
        f"mediation_core.domain.training.{part}"
        for part in ("trainees", "commands", "events", "state", "rules", "decide", "report")
    ),
)
