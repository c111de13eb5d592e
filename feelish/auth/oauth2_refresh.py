"""OAuth2 refresh token grant (RFC 6749 §6), with rotation: a new refresh token replaces the old one
in the cache and reaches the caller."""
from __future__ import annotations

from .config_fields import Fields
from .oauth2_flow import OAuth2Authentication, OnToken, TokenGrant, key_parts, read_client
from .token_cache import TokenCache, digest


def grant_from_config(fields: Fields) -> TokenGrant:
    client = read_client(fields, secret_required=False)
    refresh_token = fields.text("refreshToken", required=True, secret=True, aliases=("refresh_token",))
    scopes = fields.scopes()
    params = dict(client["extras"], refresh_token=refresh_token)
    if scopes:
        params["scope"] = " ".join(scopes)
    return TokenGrant(
        grant_type="refresh_token", endpoint=client["endpoint"], client_id=client["client_id"],
        client_secret=client["client_secret"], client_auth=client["client_auth"], params=params,
        key_parts=key_parts(client, scopes=sorted(scopes), refresh=digest(refresh_token)),
        secrets=frozenset(fields.secrets), uses_refresh=True)


def from_config(fields: Fields, *, cache: TokenCache, on_token: OnToken | None = None) -> OAuth2Authentication:
    return OAuth2Authentication(grant_from_config(fields), cache=cache, on_token=on_token)
