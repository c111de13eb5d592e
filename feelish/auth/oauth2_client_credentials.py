"""OAuth2 client credentials grant (RFC 6749 §4.4): scopes, audience and other extra parameters;
client authentication in the body (`credentialsBody`) or as a Basic header (`basicAuthHeader`)."""
from __future__ import annotations

from .config_fields import Fields
from .oauth2_flow import OAuth2Authentication, OnToken, TokenGrant, key_parts, read_client
from .token_cache import TokenCache


def grant_from_config(fields: Fields) -> TokenGrant:
    client = read_client(fields, secret_required=True)
    scopes = fields.scopes()
    audience = fields.text("audience")
    params = dict(client["extras"])
    if scopes:
        params["scope"] = " ".join(scopes)
    if audience:
        params["audience"] = audience
    return TokenGrant(
        grant_type="client_credentials", endpoint=client["endpoint"], client_id=client["client_id"],
        client_secret=client["client_secret"], client_auth=client["client_auth"], params=params,
        key_parts=key_parts(client, scopes=sorted(scopes), audience=audience),
        secrets=frozenset(fields.secrets))


def from_config(fields: Fields, *, cache: TokenCache, on_token: OnToken | None = None) -> OAuth2Authentication:
    return OAuth2Authentication(grant_from_config(fields), cache=cache, on_token=on_token)
