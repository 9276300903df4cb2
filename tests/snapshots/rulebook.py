"""Rewrite ``rulebook.json`` from the rulebook: run it in the commit that changes a rule's name,
kind or basis, so the change shows in review as a change to the snapshot."""

import json
from pathlib import Path

from mediation_core.domain.aggregates import RULEBOOK

if __name__ == "__main__":
    entries = [
        {"name": r.name, "kind": r.kind.value, "basis": r.basis}
        for r in sorted(RULEBOOK.values(), key=lambda r: r.name)
    ]
    (Path(__file__).parent / "rulebook.json").write_text(
        json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8"
    )
