"""Statistical returns (统计报表): a scope's figures for a period, submitted and locked.

A room (or a township, or the district) submits its figures for a period to the coordination
centre (docs/legal-basis.md §10.4: 定期报送区矛盾纠纷多元化解协调中心). Submitting locks them: the ledger
may change afterwards (a late entry dated inside the period), but the submitted figures do
not. A resubmission records a reason and its diff against the locked version, and becomes the
locked version. A nil return (零上报) states that there was nothing to report and is only
accepted when the ledger agrees; a scope that submitted nothing has a *missing* return, which
is a different thing.

The figures are never typed in: the service reads the scope's ledger report for the period
inside the same command (``DecisionContext.report``) and the decision locks exactly that.

Its parts, as for the case: ``commands``, ``events``, ``state``, ``rules`` and ``decide``
(with :data:`~mediation_core.domain.statistical_return.decide.RETURNS`); besides them
``figures`` (what a return locks and the diff between two versions) and ``filing`` (when a
return is due and where each scope stands).
"""
