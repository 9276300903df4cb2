"""A posted command: decoded, handled against the version the client saw (``If-Match``),
and answered with the stream's new state in the writer's view and its ``ETag``.

The answer is built from the stream at the version the command left it, so that a retried
request (:mod:`mediation_http.idempotency`) rebuilds the same answer from the store: the
response holds personal data only as the stream does, and anonymising the case file later
anonymises a replayed answer too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import frozen

from mediation_core.app.catalogue import BY_COMMAND, BY_NAME
from mediation_core.app.runtime import event_of
from mediation_core.app.service import MediationService
from mediation_core.domain.errors import CommandFormatError, NotFoundError
from mediation_core.domain.values.actors import Actor
from mediation_core.serialization import command_from_json, unstructure

ID_ATTRIBUTE = {
    "case": "case_id",
    "referral": "referral_id",
    "police_case": "police_case_id",
    "dispatch": "dispatch_id",
    "traffic": "traffic_id",
}
"""The state attribute that holds a stream's id, by aggregate (the others: ``stream_id``)."""


@frozen(kw_only=True)
class Written:
    """Where a command left its stream: what the response and its replays are built from."""

    command: str
    aggregate: str
    stream_id: str
    version: int

    @property
    def etag(self) -> str:
        return etag(self.stream_id, self.version)


def etag(stream_id: str, version: int) -> str:
    """The strong entity tag of a stream at a version: ``"<stream>:<version>"``."""
    return f'"{stream_id}:{version}"'


def parse_command(data: Any) -> Any:
    """The command a request body holds: ``{"command": "AcceptCase", …}``, the shape
    ``mediation case record`` reads (:func:`mediation_core.serialization.command_from_json`)."""
    if not isinstance(data, Mapping):
        msg = 'the body is one command: a JSON object {"command": NAME, …fields} @ $'
        raise CommandFormatError([msg])
    return command_from_json(data)


def stream_of(command: Any) -> tuple[str, str]:
    """The aggregate and stream a command addresses (the stream is blank when the service
    assigns a fresh id, as for ``ReceiveDispute`` without a ``case_id``)."""
    aggregate = BY_COMMAND.get(type(command))
    if aggregate is None:
        msg = f"{type(command).__name__} is not a command this service handles @ $"
        raise CommandFormatError([msg])
    return aggregate.name, aggregate.stream_id(command)


def rewrites(command: Any) -> bool:
    """Whether ``command`` rewrites its stream (anonymising a case file): the store is then
    compacted, as :meth:`~mediation_core.MediationService.handle` does."""
    aggregate = BY_COMMAND.get(type(command))
    return aggregate is not None and type(command) in aggregate.rewrites


def written(command: Any, state: Any) -> Written:
    """Where ``command`` left its stream, read off the state ``handle`` returned."""
    aggregate, _ = stream_of(command)
    stream_id = str(getattr(state, ID_ATTRIBUTE.get(aggregate, "stream_id")))
    return Written(command=type(command).__name__, aggregate=aggregate, stream_id=stream_id, version=state.version)


def state_at(service: MediationService, aggregate: str, stream_id: str, version: int) -> Any:
    """The stream's state as it was at ``version`` (its first ``version`` records replayed)."""
    kind = BY_NAME[aggregate]
    records = [r for r in service.store.read(stream_id) if r.version <= version]
    state = kind.replay(stream_id, [event_of(r) for r in records])
    if state is None:
        msg = f"{aggregate} {stream_id!r} does not exist"
        raise NotFoundError(msg)
    return state


def answer(service: MediationService, result: Written, state: Any, actor: Actor) -> dict[str, Any]:
    """The response body of a command: where it left the stream, and the state in the
    writer's personal-data view."""
    view = service.state_view(result.aggregate, result.stream_id, state, actor)
    return {
        "command": result.command,
        "aggregate": result.aggregate,
        "stream_id": result.stream_id,
        "version": result.version,
        "state": unstructure(view),
    }
