"""Dispute screening (纠纷排查) by a room's mediators, and what became of each dispute found.

District practice (docs/legal-basis.md §10.9) is that a room keeps a screening ledger
(纠纷排查台账) beside its registration ledger (调解登记台账): its mediators go round an area or
community on a given day, note every dispute they find with its risk, and record what was done
with it: taken into mediation (a case whose source is 纠纷排查), handed to the police station,
or kept under watch (稳控关注) until one of the two follows.

Its parts, as for every aggregate: ``commands``, ``events``, ``state``, ``rules`` and ``decide``
(with :data:`~mediation_core.domain.screening.decide.SCREENINGS`); besides them ``kinds`` (risk
levels and actions), ``context`` (the room's cases a finding may name) and ``report`` (the
screening ledger's rows).
"""
