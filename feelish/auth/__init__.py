"""Authentication modes as `httpx2.Auth` objects built from an evaluated `authentication` context
(`build_auth`), the shared `TokenCache`, token retrieval (`retrieve_token`) and the authorization
code front-end step (`authorization_url`)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx2

from ..errors import ConnectorError
from . import (
    apikey,
    basic,
    bearer,
    digest,
    headers,
    oauth2_authorization_code,
    oauth2_client_credentials,
    oauth2_password,
    oauth2_refresh,
)
from .config_fields import Fields, input_error
from .oauth2_authorization_code import authorization_url, new_code_verifier
from .oauth2_flow import TOKEN_REQUEST_EXTENSION, OAuth2Authentication, OnToken
from .token_cache import CacheStats, Token, TokenCache
from .token_errors import TOKEN_ERROR, OAuthTokenError

__all__ = [
    "MODES", "TYPE_ALIASES", "OAUTH2_MODES", "TOKEN_ERROR", "TOKEN_REQUEST_EXTENSION",
    "CacheStats", "OAuth2Authentication", "OAuthTokenError", "Token", "TokenCache",
    "aretrieve_token", "authorization_url", "build_auth", "canonical_type", "new_code_verifier",
    "retrieve_token",
]

Builder = Callable[..., httpx2.Auth]

#: canonical type -> builder(fields, cache, on_token)
MODES: dict[str, Builder] = {
    "basic": lambda f, cache, on_token: basic.from_config(f),
    "digest": lambda f, cache, on_token: digest.from_config(f),
    "bearer": lambda f, cache, on_token: bearer.from_config(f),
    "apiKey": lambda f, cache, on_token: apikey.from_config(f),
    "headers": lambda f, cache, on_token: headers.from_config(f),
    "oauth2-bearer": lambda f, cache, on_token: bearer.oauth2_from_config(f),
    "oauth2-client-credentials": lambda f, cache, on_token: oauth2_client_credentials.from_config(
        f, cache=cache, on_token=on_token),
    "oauth2-password": lambda f, cache, on_token: oauth2_password.from_config(
        f, cache=cache, on_token=on_token),
    "oauth2-authorization-code": lambda f, cache, on_token: oauth2_authorization_code.from_config(
        f, cache=cache, on_token=on_token),
    "oauth2-refresh-token": lambda f, cache, on_token: oauth2_refresh.from_config(
        f, cache=cache, on_token=on_token),
}

OAUTH2_MODES = ("oauth2-client-credentials", "oauth2-password", "oauth2-authorization-code",
                "oauth2-refresh-token")

#: other spellings (Camunda's, and a few obvious ones) -> canonical type
TYPE_ALIASES = {
    "none": "none", "noAuth": "none", "no-auth": "none",
    "apikey": "apiKey", "api-key": "apiKey", "header": "headers", "custom-headers": "headers",
    "oauth-client-credentials-flow": "oauth2-client-credentials",
    "oauth2-client-credentials-flow": "oauth2-client-credentials",
    "client-credentials": "oauth2-client-credentials",
    "oauth-refresh-token": "oauth2-refresh-token", "oauth2-refresh": "oauth2-refresh-token",
    "oauth-password": "oauth2-password", "oauth-authorization-code": "oauth2-authorization-code",
    "oauth-bearer": "oauth2-bearer",
}

_LOWER = {k.lower(): v for k, v in TYPE_ALIASES.items()} | {k.lower(): k for k in MODES}


def canonical_type(config: Mapping[str, Any] | None) -> str:
    """The canonical mode name of a config (`"none"` for None or an empty context)."""
    if config is None:
        return "none"
    if not isinstance(config, Mapping):
        raise ConnectorError("INPUT_ERROR", "authentication: expected a context with a type",
                             field="authentication")
    kind = config.get("type")
    if kind is None or kind == "":
        if not any(v is not None for v in config.values()):
            return "none"
        raise input_error("type", "is required (one of " + ", ".join(["none", *MODES]) + ")")
    if not isinstance(kind, str) or kind.lower() not in _LOWER:
        raise input_error("type", "is not an authentication type; expected one of "
                          + ", ".join(["none", *MODES]))
    return _LOWER[kind.lower()]


def build_auth(config: Mapping[str, Any] | None, *, cache: TokenCache,
               on_token: OnToken | None = None) -> httpx2.Auth | None:
    """The `httpx2.Auth` for an evaluated `authentication` context (None for type none).

    `on_token(result)` is called whenever an OAuth2 mode obtains a new token (result as
    returned by `retrieve_token`): the way a rotated refresh token reaches the caller.
    Bad config raises `ConnectorError(code="INPUT_ERROR", field="authentication.<name>")`.
    """
    kind = canonical_type(config)
    if kind == "none":
        if config:
            Fields(config, "none").finish()
        return None
    fields = Fields(config, kind)  # type: ignore[arg-type]
    auth = MODES[kind](fields, cache, on_token)
    fields.finish()
    return auth


def _oauth(config: Mapping[str, Any] | None, cache: TokenCache) -> OAuth2Authentication:
    kind = canonical_type(config)
    if kind not in OAUTH2_MODES:
        raise input_error("type", "must be an OAuth2 grant for token retrieval: " + ", ".join(OAUTH2_MODES))
    auth = build_auth(config, cache=cache)
    assert isinstance(auth, OAuth2Authentication)
    return auth


def retrieve_token(config: Mapping[str, Any] | None, *, client: httpx2.Client,
                   cache: TokenCache) -> dict[str, Any]:
    """Obtain a token: `{access_token, token_type, expires_in, expires_at, refresh_token, scope}`."""
    return _oauth(config, cache).retrieve(client)


async def aretrieve_token(config: Mapping[str, Any] | None, *, client: httpx2.AsyncClient,
                          cache: TokenCache) -> dict[str, Any]:
    """The async twin of `retrieve_token`."""
    return await _oauth(config, cache).aretrieve(client)
