"""Records that registration hooks yield. Names are lowercase and unique across plugins."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from attrs import field, frozen

from mediation_core.app.ports import Store

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_-]*")


def _valid_name(_: object, __: object, value: str) -> None:
    if not NAME_PATTERN.fullmatch(value):
        msg = f"plugin record name {value!r} must match {NAME_PATTERN.pattern}"
        raise ValueError(msg)


@frozen(kw_only=True)
class StoreBackend:
    """A storage backend a deployment can select by name; ``open(url)`` returns the store."""

    name: str = field(validator=_valid_name)
    open: Callable[[str], Store] = field(eq=False, repr=False)
    description: str = ""
    default_url: str = ""


@frozen(kw_only=True)
class Renderer:
    """A report or document format; ``render(subject)`` returns the file's bytes."""

    name: str = field(validator=_valid_name)
    media_type: str
    suffix: str
    render: Callable[[Any], bytes] = field(eq=False, repr=False)
    description: str = ""
    subject: str = "report"
