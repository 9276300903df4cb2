"""The HTTP API's configuration, from the environment (docs/http.md, "Configuration")."""

from __future__ import annotations

import os
from collections.abc import Mapping

from attrs import frozen

from mediation_core.app.bootstrap import ConfigurationError

JWKS_ENV = "MEDIATION_HTTP_JWKS"
ISSUER_ENV = "MEDIATION_HTTP_ISSUER"
AUDIENCE_ENV = "MEDIATION_HTTP_AUDIENCE"
SUBJECT_CLAIM_ENV = "MEDIATION_HTTP_SUBJECT_CLAIM"
ACTORS_ENV = "MEDIATION_HTTP_ACTORS"
LEEWAY_ENV = "MEDIATION_HTTP_LEEWAY"

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
"""The signature algorithms a token may use: public-key ones only, never ``none`` nor a shared
secret (HS256), so that nobody holding the key set can forge a token."""


@frozen(kw_only=True)
class HttpSettings:
    """How bearer tokens are checked. ``jwks`` is a JSON Web Key Set: a file path or an
    ``https://`` URL (fetched and cached); ``issuer`` and ``audience`` must match the token's
    ``iss`` and ``aud``; ``subject_claim`` names the claim that holds the actor id (``sub``);
    ``actors`` is a JSON file mapping actor ids to ``ROLE:ID@SCOPE`` for the actors the registry
    does not hold (administrators, officers, the centre), as the operators file does for the
    command line; ``leeway`` the seconds of clock skew allowed on ``exp`` and ``nbf``."""

    jwks: str
    issuer: str
    audience: str
    subject_claim: str = "sub"
    actors: str = ""
    leeway: int = 30

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> HttpSettings:
        env = os.environ if environ is None else environ
        missing = [name for name in (JWKS_ENV, ISSUER_ENV, AUDIENCE_ENV) if not env.get(name)]
        if missing:
            msg = (
                f"the HTTP API checks bearer tokens and needs {', '.join(missing)} "
                "(the key set file or URL, the issuer and the audience; docs/http.md)"
            )
            raise ConfigurationError(msg)
        leeway_text = env.get(LEEWAY_ENV, "30")
        if not leeway_text.isdigit() or int(leeway_text) > 300:
            msg = f"{LEEWAY_ENV}={leeway_text!r}: a whole number of seconds from 0 to 300"
            raise ConfigurationError(msg)
        return cls(
            jwks=env[JWKS_ENV],
            issuer=env[ISSUER_ENV],
            audience=env[AUDIENCE_ENV],
            subject_claim=env.get(SUBJECT_CLAIM_ENV, "") or "sub",
            actors=env.get(ACTORS_ENV, ""),
            leeway=int(leeway_text),
        )
