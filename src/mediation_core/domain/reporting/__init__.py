"""What is read off the records for the offices above: the ledger (台账), statistics and their
rollup cells, the police-side cross-check, repeat disputes, subsidies and evaluation scores."""
