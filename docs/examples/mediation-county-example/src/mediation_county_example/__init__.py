"""An example county package for mediation-core (示范县): the county's SMS platform, a local
referral check, the county's briefing format and its policy, registered by entry point."""

from __future__ import annotations

REGION = "example-county"
"""The region this package serves; a deployment selects it with ``MEDIATION_REGION``."""
POLICY_ID = "example-county"
"""The county's policy id: recorded on every deadline, and how the referral check knows it is home."""

__all__ = ["POLICY_ID", "REGION"]
