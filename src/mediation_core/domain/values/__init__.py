"""Values every aggregate shares: actors, parties, identifiers, periods, the county's policy and
calendar, organisations, deadlines, notices and the reader's view of personal data."""
