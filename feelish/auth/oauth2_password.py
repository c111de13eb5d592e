"""OAuth2 resource-owner password credentials grant (RFC 6749 §4.3)."""
from __future__ import annotations

from .config_fields import Fields
from .oauth2_flow import OAuth2Authentication, OnToken, TokenGrant, key_parts, read_client
from .token_cache import TokenCache, digest


def grant_from_config(fields: Fields) -> TokenGrant:
    client = read_client(fields, secret_required=False)
    username = fields.text("username", required=True, secret=True)
    password = fields.text("password", required=True, secret=True)
    scopes = fields.scopes()
    audience = fields.text("audience")
    params = dict(client["extras"], username=username, password=password)
    if scopes:
        params["scope"] = " ".join(scopes)
    if audience:
        params["audience"] = audience
    return TokenGrant(
        grant_type="password", endpoint=client["endpoint"], client_id=client["client_id"],
        client_secret=client["client_secret"], client_auth=client["client_auth"], params=params,
        key_parts=key_parts(client, scopes=sorted(scopes), audience=audience,
                            user=digest(username), password=digest(password)),
        secrets=frozenset(fields.secrets))


def from_config(fields: Fields, *, cache: TokenCache, on_token: OnToken | None = None) -> OAuth2Authentication:
    return OAuth2Authentication(grant_from_config(fields), cache=cache, on_token=on_token)
