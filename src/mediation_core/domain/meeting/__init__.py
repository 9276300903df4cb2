"""The standing meetings (双例会): each township's monthly joint meeting and each room's
case-analysis meeting, scheduled on working days with an agenda taken from the ledger."""
