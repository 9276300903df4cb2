"""An evaluation round: the year-end evaluation of a scope's mediators, concluded and locked.

The justice office or the coordination centre concludes the round for a district (or a
township, or a room) after the year ends. The service reads every mediator's recorded facts
inside the same command (``DecisionContext.evaluation``); the decision scores and grades them
together (the 优秀 quota is shared), works out the per-case subsidies and staffing flags, and
locks the result. A revision (after a finding is revoked on review, say) recomputes from the
facts as they stand and records what changed and why.

Its parts, as for the case: ``commands``, ``events``, ``state``, ``rules`` and ``decide``
(with :data:`~mediation_core.domain.evaluation_round.decide.EVALUATION_ROUNDS`); besides them
``results`` (what a round locks, and how a revision compares two sets of results). The scoring
itself is :mod:`mediation_core.domain.reporting.evaluation`.
"""
