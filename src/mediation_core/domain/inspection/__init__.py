"""Supervision inspections (督导检查) of rooms and townships, and their rectification (整改).

District practice (docs/legal-basis.md §10.7) is routine supervision of the 公调对接 rooms by the justice
bureau, solving their problems as they are found. An inspection records who inspected whom,
what was found and the problems; problems need a rectification date, which becomes a
deadline until the rectification is recorded (late ones are marked).

Its parts, as for the case: ``commands``, ``events``, ``state``, ``rules`` and ``decide``
(with :data:`~mediation_core.domain.inspection.decide.INSPECTIONS`); besides them ``report``
(where each inspected body's rectifications stand).
"""
