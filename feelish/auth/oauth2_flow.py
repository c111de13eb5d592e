"""The machinery every OAuth2 grant shares: an `httpx2.Auth` that gets a token from the cache or the
token endpoint (through the caller's client), puts it on the request, and on a 401 with a cached
token fetches once more and retries once."""
from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx2
from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.rfc6749.parameters import prepare_token_request

from ..secrets import Redactor
from .config_fields import Fields, input_error
from .token_cache import Token, TokenCache, digest, make_key, token_from_body
from .token_errors import OAuthTokenError, atoken_body, parse_expires_in, parse_token_response, token_body

log = logging.getLogger("feelish.auth")

TOKEN_REQUEST_EXTENSION = "feelish.token_request"

CLIENT_AUTHENTICATION = {
    "body": "body", "credentialsBody": "body", "client_secret_post": "body", "post": "body",
    "basic": "basic", "basicAuthHeader": "basic", "client_secret_basic": "basic", "header": "basic",
}

OnToken = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class TokenGrant:
    """Everything needed to ask for a token with one grant (pure data, built from the config)."""

    grant_type: str
    endpoint: str
    client_id: str | None
    client_secret: str | None
    client_auth: str                      # "body" | "basic"
    params: dict[str, str]                # grant parameters for the body (scope, code, ...)
    key_parts: dict[str, Any]             # what identifies the token (secrets only as digests)
    secrets: frozenset[str] = field(default=frozenset())
    uses_refresh: bool = False            # refresh a remembered refresh token when expired

    @property
    def key(self) -> str:
        return make_key(grant=self.grant_type, **self.key_parts)


def read_client(fields: Fields, *, secret_required: bool) -> dict[str, Any]:
    """The fields every grant has: endpoint, client id and secret, client authentication."""
    endpoint = fields.text("tokenEndpoint", required=True,
                           aliases=("oauthTokenEndpoint", "tokenUrl", "token_endpoint"))
    try:
        url = httpx2.URL(endpoint)
    except Exception:
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise input_error("tokenEndpoint", "must be an absolute http:// or https:// URL")
    client_id = fields.text("clientId", required=secret_required, secret=True, aliases=("client_id",))
    client_secret = fields.text("clientSecret", required=secret_required, secret=True,
                                aliases=("client_secret",))
    client_auth = fields.choice("clientAuthentication", CLIENT_AUTHENTICATION, "body")
    extras = fields.string_map("extraParameters", aliases=("extraParams",), secret_values=True)
    return {"endpoint": endpoint, "client_id": client_id, "client_secret": client_secret,
            "client_auth": client_auth, "extras": extras}


def key_parts(client: Mapping[str, Any], **more: Any) -> dict[str, Any]:
    return {"endpoint": client["endpoint"], "client_id": client["client_id"],
            "client_secret": digest(client["client_secret"]), "client_auth": client["client_auth"],
            "extras": sorted(client["extras"].items()), **more}


class OAuth2Authentication(httpx2.Auth):
    """An `httpx2.Auth` for one OAuth2 grant, backed by a shared `TokenCache`."""

    requires_request_body = True  # a request refused with a stale token is sent again

    def __init__(self, grant: TokenGrant, *, cache: TokenCache, on_token: OnToken | None = None):
        self.grant = grant
        self.cache = cache
        self.on_token = on_token
        self.key = grant.key
        self.last_token: dict[str, Any] | None = None

    # ------------------------------------------------------------------ token requests

    def _refresh_token(self) -> str | None:
        if not self.grant.uses_refresh:
            return None
        return self.cache.refresh_token(self.key) or self.grant.params.get("refresh_token")

    def _token_request(self, timeout: Any = None) -> tuple[httpx2.Request, str | None]:
        """Build the token request; returns it and the refresh token it uses (if any).
        `timeout`: the API request's timeouts (a token request obeys the connector's)."""
        g = self.grant
        refresh = self._refresh_token()
        if refresh is not None:
            grant_type = "refresh_token"
            params = {"refresh_token": refresh}
            if g.params.get("scope"):
                params["scope"] = g.params["scope"]
        else:
            grant_type, params = g.grant_type, dict(g.params)
        body = prepare_token_request(grant_type, **params)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
        if g.client_id is not None:
            if g.client_secret is None:
                method = "none"  # a public client (e.g. authorization code with PKCE)
            else:
                method = "client_secret_basic" if g.client_auth == "basic" else "client_secret_post"
            _, headers, body = ClientAuth(g.client_id, g.client_secret, method).prepare(
                "POST", g.endpoint, headers, body)
        self.cache.count_request()
        log.debug("requesting an OAuth2 token: grant=%s key=%s", grant_type, self.key)
        extensions: dict[str, Any] = {TOKEN_REQUEST_EXTENSION: True}
        if timeout is not None:
            extensions["timeout"] = timeout
        request = httpx2.Request("POST", g.endpoint, headers=headers, content=body.encode("utf-8"),
                                 extensions=extensions)
        return request, refresh

    def _finish(self, response: httpx2.Response, refresh: str | None, content: bytes) -> Token:
        """Parse a token response (its body read by `token_body`), cache the token and tell
        `on_token`."""
        secrets = set(self.grant.secrets) | ({refresh} if refresh else set())
        grant_type = "refresh_token" if refresh else self.grant.grant_type
        try:
            body = parse_token_response(response, grant=grant_type, redactor=Redactor(secrets),
                                        content=content)
        except OAuthTokenError as exc:
            log.debug("token request failed: grant=%s key=%s code=%s", grant_type, self.key, exc.code)
            if refresh and exc.error == "invalid_grant":
                self.cache.forget_refresh_token(self.key, refresh)
            raise
        token = token_from_body(body, now=self.cache.clock(),
                                expires_in=parse_expires_in(body.get("expires_in")))
        if token.refresh_token is None and refresh:
            token.refresh_token = refresh  # no rotation: the old refresh token stays valid
        cached = self.cache.put(self.key, token)
        log.debug("OAuth2 token obtained: grant=%s key=%s expires_in=%s cached=%s",
                  grant_type, self.key, token.expires_in, cached)
        self._use(token)
        if self.on_token is not None:
            self.on_token(token.as_result())
        return token

    def _use(self, token: Token) -> None:
        self.last_token = token.as_result()

    @staticmethod
    def _apply(request: httpx2.Request, token: Token) -> None:
        request.headers["Authorization"] = f"Bearer {token.access_token}"

    # ------------------------------------------------------------------ sync

    def _fetch(self, timeout: Any) -> Generator[httpx2.Request, httpx2.Response, Token]:
        token_request, refresh = self._token_request(timeout)
        response = yield token_request
        return self._finish(response, refresh, token_body(response))

    def _obtain(self, stale: Token | None = None, timeout: Any = None
                ) -> Generator[httpx2.Request, httpx2.Response, tuple[Token, bool]]:
        token = self.cache.get(self.key) if stale is None else None
        if token is not None:
            self._use(token)
            return token, False
        with self.cache.lock(self.key):
            token = self.cache.get(self.key)
            if token is not None and token is not stale:
                self._use(token)
                return token, False
            return (yield from self._fetch(timeout)), True

    def sync_auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response, None]:
        request.read()
        timeout = request.extensions.get("timeout")
        token, fresh = yield from self._obtain(timeout=timeout)
        self._apply(request, token)
        response = yield request
        if response.status_code == 401 and not fresh:
            log.debug("API answered 401 to a cached token: key=%s; fetching a new one", self.key)
            self.cache.invalidate(self.key, token)
            token, _ = yield from self._obtain(stale=token, timeout=timeout)
            self._apply(request, token)
            yield request

    # ------------------------------------------------------------------ async

    async def async_auth_flow(self, request: httpx2.Request) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        await request.aread()
        stale: Token | None = None
        for attempt in (1, 2):
            token = self.cache.get(self.key) if stale is None else None
            fresh = False
            if token is None:
                async with self.cache.alock(self.key):
                    token = self.cache.get(self.key)
                    if token is None or token is stale:
                        token_request, refresh = self._token_request(request.extensions.get("timeout"))
                        response = yield token_request
                        token, fresh = self._finish(response, refresh, await atoken_body(response)), True
            self._use(token)
            self._apply(request, token)
            response = yield request
            if attempt == 2 or response.status_code != 401 or fresh:
                return
            log.debug("API answered 401 to a cached token: key=%s; fetching a new one", self.key)
            self.cache.invalidate(self.key, token)
            stale = token

    # ------------------------------------------------------------------ token retrieval

    def retrieve(self, client: httpx2.Client, timeout: Any = None) -> dict[str, Any]:
        """Obtain a token (from the cache or the endpoint) with `client`; the result dict.
        `timeout`: httpx2's timeout extension for the token request."""
        token = self.cache.get(self.key)
        if token is None:
            with self.cache.lock(self.key):
                token = self.cache.get(self.key)
                if token is None:
                    token_request, refresh = self._token_request(timeout)
                    response = client.send(token_request, stream=True)
                    try:
                        content = token_body(response)
                    finally:
                        response.close()
                    token = self._finish(response, refresh, content)
        self._use(token)
        return token.as_result()

    async def aretrieve(self, client: httpx2.AsyncClient, timeout: Any = None) -> dict[str, Any]:
        token = self.cache.get(self.key)
        if token is None:
            async with self.cache.alock(self.key):
                token = self.cache.get(self.key)
                if token is None:
                    token_request, refresh = self._token_request(timeout)
                    response = await client.send(token_request, stream=True)
                    try:
                        content = await atoken_body(response)
                    finally:
                        await response.aclose()
                    token = self._finish(response, refresh, content)
        self._use(token)
        return token.as_result()

    def __repr__(self) -> str:
        return f"OAuth2Authentication(grant={self.grant.grant_type!r}, key={self.key!r})"
