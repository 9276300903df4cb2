"""``python -m mediation_http``: the same as ``mediation-http``."""

from __future__ import annotations

import sys

from mediation_http.serve import main

if __name__ == "__main__":
    sys.exit(main())
