"""Records that registration hooks yield. Names are lowercase and unique across plugins."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from attrs import field, frozen

from mediation_core.app.ports import Store
from mediation_core.domain.values.notices import Notice, Recipient
from mediation_core.domain.values.recipients import Addressee
from mediation_core.exports.ledger import RawTable

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_-]*")


def _valid_name(_: object, __: object, value: str) -> None:
    if not NAME_PATTERN.fullmatch(value):
        msg = f"plugin record name {value!r} must match {NAME_PATTERN.pattern}"
        raise ValueError(msg)


@frozen(kw_only=True)
class StoreBackend:
    """A storage backend a deployment can select by name; ``open(url)`` returns the store.

    A backend with a schema offers ``schema(url)``: the revision the store at ``url`` is at
    (``None`` when there is no store there yet, which it must find out without creating one) and
    the newest revision it knows; and ``upgrade(url)``: create the store or bring its schema to
    the newest revision, on purpose (``mediation init``, ``mediation db upgrade``). Its ``open``
    refuses a store at an older revision rather than upgrading it."""

    name: str = field(validator=_valid_name)
    open: Callable[[str], Store] = field(eq=False, repr=False)
    description: str = ""
    default_url: str = ""
    schema: Callable[[str], tuple[str | None, str]] | None = field(default=None, eq=False, repr=False)
    upgrade: Callable[[str], None] | None = field(default=None, eq=False, repr=False)


@frozen(kw_only=True)
class Renderer:
    """A report or document format; ``render(subject)`` returns the file's bytes.

    ``subject`` says what it renders: ``"ledger"`` (a :class:`~mediation_core.exports.ledger.LedgerTable`),
    ``"document"`` (a :class:`~mediation_core.exports.forms.FormDocument`), ``"statistics"``
    (a :class:`~mediation_core.domain.reporting.statistics.StatisticsReport`), ``"screening"`` (the
    纠纷排查台账, a :class:`~mediation_core.exports.ledger.LedgerTable` of its own headers). Its name is
    ``<subject>-<format>`` (``ledger-xlsx``), checked when the record is made.
    ``requires`` are the modules it imports (checked first, so a missing optional extra is a
    clear error naming ``extra``)."""

    name: str = field(validator=_valid_name)
    media_type: str
    suffix: str
    render: Callable[[Any], bytes] = field(eq=False, repr=False)
    description: str = ""
    subject: str = "report"
    requires: tuple[str, ...] = ()
    extra: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.name.startswith(f"{self.subject}-") or self.name == f"{self.subject}-":
            msg = f"renderer {self.name!r}: a renderer of {self.subject!r} is named '{self.subject}-<format>'"
            raise ValueError(msg)

    @property
    def format(self) -> str:
        """The format callers ask for (``xlsx`` of ``ledger-xlsx``): a renderer is found by its
        subject and its format, and its name is the two joined by a hyphen."""
        return self.name.removeprefix(f"{self.subject}-")


class DeliveryError(Exception):
    """A notifier could not deliver. ``permanent``: retrying cannot help (a rejected payload,
    no usable address), so the notice goes straight to the dead letters."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@frozen(kw_only=True)
class Delivery:
    """One notice handed to one configured notifier.

    ``key`` is the notice's idempotency key: send it along (a header, a Message-ID) so the
    receiving end can drop a repeat. ``addressees`` are the people and duty desks the
    notice's recipients resolved to (only those of the roles this notifier serves);
    ``unresolved`` the recipients nobody is registered for. ``attempt`` counts from 1.
    ``channel`` is the configured notifier's name."""

    notice: Notice
    addressees: tuple[Addressee, ...]
    unresolved: tuple[Recipient, ...]
    attempt: int
    channel: str

    @property
    def key(self) -> str:
        return self.notice.key


Deliver = Callable[[Delivery], None]
"""Deliver one notice or raise (:class:`DeliveryError`, or any exception: a transient failure).
A deliverer that holds something open (an HTTP client, a connection) may also have a
``close()`` method: the service calls it once when it closes."""


@frozen(kw_only=True)
class Notifier:
    """A delivery channel a deployment can configure by name.

    ``open(settings)`` checks the settings and returns the function that delivers; it raises
    ``ValueError`` naming a missing or bad setting. ``requires`` are the modules it imports
    (checked before opening, so a missing optional extra is a clear error naming ``extra``);
    ``settings`` documents the keys it reads."""

    name: str = field(validator=_valid_name)
    open: Callable[[Mapping[str, str]], Deliver] = field(eq=False, repr=False)
    description: str = ""
    requires: tuple[str, ...] = ()
    extra: str = ""
    settings: tuple[str, ...] = ()


class PublishError(Exception):
    """A publisher could not get a message confirmed. ``permanent``: retrying cannot help (the
    broker refused the message itself), so the stream goes straight to the relay's dead letters."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@frozen(kw_only=True)
class EventMessage:
    """One recorded event as a subscriber receives it (docs/events.md): ``message_id`` is
    ``<stream id>:<version>``, by which a consumer drops a repeat; ``body`` the JSON of the
    event in the subscriber's view; ``routing_key`` the event type (``case.accepted``)."""

    message_id: str
    routing_key: str
    body: bytes
    headers: Mapping[str, str | int]
    content_type: str = "application/json"


class EventSink(Protocol):
    """An opened publisher: ``publish`` returns once the broker has confirmed the message (and
    raises :class:`PublishError`, or anything else for a transient failure, when it has not);
    ``close`` lets go of the connection."""

    def publish(self, message: EventMessage) -> None: ...

    def close(self) -> None: ...


@frozen(kw_only=True)
class Publisher:
    """A message broker the event relay can publish to, selected by name in a subscriber's
    configuration. ``open(settings)`` checks the settings (``ValueError`` naming a missing or
    bad one) and returns an :class:`EventSink`; ``requires`` and ``extra`` as for a
    :class:`Notifier`."""

    name: str = field(validator=_valid_name)
    open: Callable[[Mapping[str, str]], EventSink] = field(eq=False, repr=False)
    description: str = ""
    requires: tuple[str, ...] = ()
    extra: str = ""
    settings: tuple[str, ...] = ()


@frozen(kw_only=True)
class LedgerReader:
    """A ledger file format that can be imported; ``read(data)`` returns the file's header
    cells and data rows (:class:`~mediation_core.exports.ledger.RawTable`). The core checks
    every cell; a reader only unpacks the format."""

    name: str = field(validator=_valid_name)
    media_type: str
    suffix: str
    read: Callable[[bytes], RawTable] = field(eq=False, repr=False)
    description: str = ""
    requires: tuple[str, ...] = ()
    extra: str = ""
