"""Misconduct findings against mediators (人民调解法 art. 15) and recusal breaches.

Art. 15 names four prohibited acts: favouring a party, insulting a party, soliciting or
accepting property or other improper benefit, and leaking a party's privacy or trade secrets.
A confirmed finding is met at least with criticism and an order to correct; only a serious
one allows removal or dismissal (docs/legal-basis.md §1.3.6, §9 rule 11). A breach of the duty to step aside
(应当回避而未回避, 人民调解工作若干规定) is recorded the same way. Findings feed the year-end
evaluation's discipline dimension; a finding overturned on review is revoked, not deleted.

Its parts, as for the case: ``commands``, ``events``, ``state``, ``rules`` and ``decide``
(with :data:`~mediation_core.domain.misconduct.decide.FINDINGS`); besides them ``kinds`` (the
acts and the sanctions). Until 0.2 this name was one module; its names still resolve here,
with a ``DeprecationWarning``.
"""

from mediation_core._moved import forward

__getattr__ = forward(
    __name__,
    *(
        f"mediation_core.domain.misconduct.{part}"
        for part in ("kinds", "commands", "events", "state", "rules", "decide")
    ),
)
