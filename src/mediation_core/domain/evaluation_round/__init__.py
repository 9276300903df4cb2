"""An evaluation round: the year-end evaluation of a scope's mediators, concluded and locked."""
