"""The pure domain: no I/O, no clock, no randomness. Imports only the standard library and attrs.

``kernel`` is the engine (rules, deciders, the fold, the decision inputs); ``values`` what every
aggregate shares; one package per aggregate (``case``, ``referral``, ``police_case``,
``dispatch``, ``traffic``, ``meeting``, ``statistical_return``, ``evaluation_round``,
``misconduct``, ``training``, ``inspection``), each with ``commands``, ``events``, ``state``,
``rules`` and ``decide``; ``reporting`` what is read off the records for the offices above;
``aggregates`` the list of them all and the rulebook read off their decider tables.
"""
