"""Who is asking: the default ``mediation_authenticate``, a bearer JWT checked against a key
set, and the check every authenticated actor passes before a request reaches the service.

The token's signature (a public-key algorithm only), issuer, audience, expiry and not-before
are verified with PyJWT; its subject claim names the actor, who must be registered: a mediator
or liaison of the store's registry, or an actor of the deployment's actors file
(``MEDIATION_HTTP_ACTORS``). Anything else is refused before the service is called.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import jwt

from mediation_core.app.bootstrap import ConfigurationError
from mediation_core.cli.session import read_operators, unregistered
from mediation_core.domain.errors import AuthenticationError, AuthorisationError
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.organisations import Registry
from mediation_core.plugins import hookimpl
from mediation_http.settings import ACTORS_ENV, ALGORITHMS, HttpSettings

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class KeySet:
    """The keys tokens are checked with: a JWKS file read once, or a URL fetched (and
    cached for five minutes) by PyJWT's client; ``http://`` only from this machine."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._client: jwt.PyJWKClient | None = None
        self._keys: jwt.PyJWKSet | None = None
        if source.startswith("http://") and urlsplit(source).hostname not in LOOPBACK:
            msg = f"the key set {source}: fetch it over https (plain http only from this machine)"
            raise ConfigurationError(msg)
        if source.startswith(("https://", "http://")):
            self._client = jwt.PyJWKClient(source, cache_keys=True, lifespan=300, timeout=10)
        else:
            try:
                self._keys = jwt.PyJWKSet.from_dict(json.loads(Path(source).read_text(encoding="utf-8")))
            except (OSError, ValueError, jwt.PyJWKSetError) as exc:
                msg = f"the key set {source}: {exc}"
                raise ConfigurationError(msg) from None

    def key_for(self, token: str) -> jwt.PyJWK:
        try:
            if self._client is not None:
                return self._client.get_signing_key_from_jwt(token)
            kid = jwt.get_unverified_header(token).get("kid")
            assert self._keys is not None
            keys = self._keys.keys
            if kid is None and len(keys) == 1:
                return keys[0]
            return self._keys[str(kid)]
        except KeyError:
            msg = "the token is signed with a key the key set does not hold"
            raise AuthenticationError(msg) from None
        except jwt.PyJWTError as exc:
            msg = f"the token cannot be read: {exc}"
            raise AuthenticationError(msg) from None


class JwtAuthenticator:
    """The ``mediation_authenticate`` the HTTP API registers last: ``Authorization: Bearer``
    with a JWT, verified, its subject mapped to a registered actor."""

    def __init__(self, settings: HttpSettings, registry: Callable[[], Registry]) -> None:
        self.settings = settings
        self.keys = KeySet(settings.jwks)
        self.registry = registry
        self.actors: Mapping[str, Actor] = read_operators(settings.actors) if settings.actors else {}

    @hookimpl(trylast=True)
    def mediation_authenticate(self, headers: Mapping[str, str], method: str, path: str) -> Actor | None:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        claims = self.verify(token.strip())
        subject = claims.get(self.settings.subject_claim)
        if not isinstance(subject, str) or not subject:
            msg = f"the token has no {self.settings.subject_claim!r} claim naming the actor"
            raise AuthenticationError(msg)
        return self.actor_of(subject)

    def verify(self, token: str) -> dict[str, object]:
        key = self.keys.key_for(token)
        try:
            claims: dict[str, object] = jwt.decode(
                token,
                key.key,
                algorithms=list(ALGORITHMS),
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=self.settings.leeway,
                options={"require": ["exp", "iss", "aud", self.settings.subject_claim]},
            )
        except jwt.ExpiredSignatureError:
            msg = "the token has expired"
            raise AuthenticationError(msg) from None
        except jwt.PyJWTError as exc:
            msg = f"the token is not valid: {exc}"
            raise AuthenticationError(msg) from None
        return claims

    def actor_of(self, subject: str) -> Actor:
        """The registered actor ``subject`` names: the actors file first, then the registry's
        mediators (a director as room director) and liaisons."""
        if subject in self.actors:
            return self.actors[subject]
        registry = self.registry()
        mediator = registry.mediators.get(subject)
        if mediator is not None:
            role = Role.ROOM_DIRECTOR if mediator.director else Role.MEDIATOR
            return Actor(actor_id=subject, role=role, scope_id=mediator.room_id, name=mediator.name)
        liaison = registry.liaisons.get(subject)
        if liaison is not None:
            return Actor(actor_id=subject, role=Role.STATION_LIAISON, scope_id=liaison.room_id, name=liaison.name)
        where = self.settings.actors or "the actors file"
        msg = f"the token's subject {subject!r} is not a registered actor (the registry or {where})"
        raise AuthorisationError(msg, action="authenticate")


def registered(actor: Actor, registry: Registry, actors: Mapping[str, Actor]) -> Actor:
    """``actor`` if the deployment registered it (as for a write on the command line), else
    :class:`AuthorisationError`: whatever hook answered, an unknown actor never acts."""
    problem = unregistered(actor, registry, actors, listed_in=ACTORS_ENV)
    if problem:
        msg = f"{problem}; the request was not carried out"
        raise AuthorisationError(msg, actor=actor, action="authenticate")
    return actor
