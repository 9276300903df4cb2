"""The application layer: load → decide → append (events + projections + outbox) → ack."""
