"""OAuth2 authorization code grant (RFC 6749 §4.1) with PKCE (RFC 7636), and its front-end step
`authorization_url(...)`; the single-use code is never sent twice."""
from __future__ import annotations

import secrets as _random
from collections.abc import Iterable, Mapping
from typing import Any

from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from .config_fields import Fields
from .oauth2_flow import OAuth2Authentication, OnToken, TokenGrant, key_parts, read_client
from .token_cache import TokenCache, digest


def new_code_verifier() -> str:
    """A PKCE code verifier: 64 URL-safe characters (RFC 7636 §4.1 allows 43-128)."""
    return _random.token_urlsafe(48)


def authorization_url(authorization_endpoint: str, client_id: str, *, redirect_uri: str | None = None,
                      scopes: str | Iterable[str] | None = None, state: str | None = None,
                      code_verifier: str | None = None, pkce: bool = True,
                      extra: Mapping[str, str] | None = None) -> dict[str, Any]:
    """`{"url", "state", "code_verifier", "code_challenge"}` for the front-end step.

    Keep `state` and `code_verifier` server-side; check `state` on the redirect back.
    """
    state = state or _random.token_urlsafe(24)
    params: dict[str, Any] = dict(extra or {})
    challenge = None
    if pkce:
        code_verifier = code_verifier or new_code_verifier()
        challenge = create_s256_code_challenge(code_verifier)
        params.update(code_challenge=challenge, code_challenge_method="S256")
    else:
        code_verifier = None
    if isinstance(scopes, str):
        scopes = scopes.replace(",", " ").split()
    url = prepare_grant_uri(authorization_endpoint, client_id, "code", redirect_uri=redirect_uri,
                            scope=list(scopes) if scopes else None, state=state, **params)
    return {"url": url, "state": state, "code_verifier": code_verifier, "code_challenge": challenge}


def grant_from_config(fields: Fields) -> TokenGrant:
    client = read_client(fields, secret_required=False)
    code = fields.text("code", required=True, secret=True, aliases=("authorizationCode",))
    redirect_uri = fields.text("redirectUri", aliases=("redirect_uri",))
    verifier = fields.text("codeVerifier", secret=True, aliases=("code_verifier",))
    params = dict(client["extras"], code=code)
    if redirect_uri:
        params["redirect_uri"] = redirect_uri
    if verifier:
        params["code_verifier"] = verifier
    return TokenGrant(
        grant_type="authorization_code", endpoint=client["endpoint"], client_id=client["client_id"],
        client_secret=client["client_secret"], client_auth=client["client_auth"], params=params,
        key_parts=key_parts(client, code=digest(code), redirect_uri=redirect_uri,
                            verifier=digest(verifier)),
        secrets=frozenset(fields.secrets), uses_refresh=True)


def from_config(fields: Fields, *, cache: TokenCache, on_token: OnToken | None = None) -> OAuth2Authentication:
    return OAuth2Authentication(grant_from_config(fields), cache=cache, on_token=on_token)
