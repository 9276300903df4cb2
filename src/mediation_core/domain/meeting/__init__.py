"""The standing meetings (双例会): the monthly joint meeting of each township and the
case-analysis meeting of each mediation room (docs/legal-basis.md §10.3; docs/meetings.md).

The joint meeting (联席例会) brings together the township's justice office (司法所), its
governance office (综治办) and its police station(s) (派出所); it has its quorum only when every
one of them attends. The case-analysis meeting (案情分析会) is held inside a room; its quorum is a
policy share of the room's mediators. Meetings are scheduled on working days (a proposed date
per cadence block comes from policy), take their agenda from the ledger, and record minutes,
decisions and action items whose due dates become deadlines. A meeting held without its
quorum is recorded as such, not refused: the compliance report lists it.

Its parts, as for the case: ``commands``, ``events``, ``state``, ``rules`` and ``decide``
(with :data:`~mediation_core.domain.meeting.decide.MEETINGS`); besides them ``kinds`` (who
holds a meeting and who must attend), ``minutes``, ``schedule``, ``agenda`` and ``compliance``.
"""
