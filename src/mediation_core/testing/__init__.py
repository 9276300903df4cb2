"""Public test kit for adapter authors: hypothesis strategies and the storage contract.

``StoryClock`` (a clock a test sets) and ``demo_registry()`` (a small district) are here for a
county's own tests. The strategies and the contract need the ``testing`` extra (pytest and
hypothesis): ``pip install "mediation-core[testing]"``.
"""

from mediation_core.demo.walkthrough import StoryClock, demo_registry

__all__ = ["StoryClock", "demo_registry"]
