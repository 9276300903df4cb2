"""The case (案件): a dispute registered by a room, from intake to the archived case file.

Its parts: ``commands``, ``events``, ``state`` (the one transition table and ``evolve``),
``rules`` (every check with its legal basis) and ``decide``. Until 0.2 this name was the
state module itself; its names still resolve here, with a ``DeprecationWarning``.
"""

from mediation_core._moved import forward

__getattr__ = forward(__name__, "mediation_core.domain.case.state")
