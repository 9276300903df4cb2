"""Misconduct findings against mediators (人民调解法 art. 15) and recusal breaches."""

from mediation_core._moved import forward

__getattr__ = forward(__name__, "mediation_core.domain.misconduct.aggregate")
