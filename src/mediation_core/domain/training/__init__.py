"""Training records (培训): who was trained, when, how long, counted in person-times."""

from mediation_core._moved import forward

__getattr__ = forward(__name__, "mediation_core.domain.training.aggregate")
