"""A real OAuth2 authorization server for the tests, built from authlib's server components
(rfc6749 grants + the rfc7636 PKCE extension), served as a werkzeug WSGI app.

Routes:
  GET  /authorize   authorization endpoint; the test user approves at once: 302 to the
                    redirect URI with `code` and `state` (or an OAuth error).
  POST /token       token endpoint: client_credentials, password, authorization_code (+PKCE),
                    refresh_token (with rotation: the old refresh token is revoked).
  GET  /api/me      the protected API: 200 `{client_id, user, scope}` for a live bearer token,
                    else 401 with `WWW-Authenticate: Bearer error="invalid_token"`.

Clients (id / secret / token-endpoint auth method / access-token lifetime):
  post-client    post-secret-1   client_secret_post   3600 s
  basic-client   basic-secret-2  client_secret_basic  3600 s
  short-client   short-secret-3  client_secret_post   1 s
  eternal-client eternal-secret  client_secret_post   no expires_in in the answer
  public-client  (none)          none (PKCE required)  3600 s
User: alice / wonderland-pw.

`state` counts token requests (total and per grant), holds issued tokens and lets a test revoke
them all, slow the token endpoint down, or read what the last token request carried.
"""
from __future__ import annotations

import hmac
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from authlib.common.security import generate_token
from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin, OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

ALL_METHODS = ["client_secret_basic", "client_secret_post", "none"]
USERS = {"alice": "wonderland-pw"}
REDIRECT_URI = "http://127.0.0.1/callback"


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str | None
    auth_method: str
    expires_in: int | None = 3600
    scope: str = "read write admin"
    redirect_uris: tuple[str, ...] = (REDIRECT_URI,)
    grant_types: tuple[str, ...] = ("client_credentials", "password", "authorization_code",
                                    "refresh_token")

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        if not scope:
            return ""
        allowed = set(self.scope.split())
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return self.client_secret is not None and hmac.compare_digest(self.client_secret, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint != "token" or method == self.auth_method

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type in self.grant_types


CLIENTS = {c.client_id: c for c in [
    Client("post-client", "post-secret-1", "client_secret_post"),
    Client("basic-client", "basic-secret-2", "client_secret_basic"),
    Client("short-client", "short-secret-3", "client_secret_post", expires_in=1),
    Client("eternal-client", "eternal-secret", "client_secret_post", expires_in=None),
    Client("public-client", None, "none"),
]}


@dataclass
class Issued:
    """An issued token (access + optional refresh) as the server remembers it."""

    client_id: str
    user: str | None
    scope: str
    access_token: str
    refresh_token: str | None
    issued_at: float
    expires_in: int | None
    revoked: bool = False

    def live(self) -> bool:
        if self.revoked:
            return False
        return self.expires_in is None or time.time() < self.issued_at + self.expires_in

    # authlib's TokenMixin, as the refresh token grant uses it
    def check_client(self, client):
        return client.client_id == self.client_id

    def get_scope(self):
        return self.scope

    def is_revoked(self):
        return self.revoked

    def is_expired(self):
        return False


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str | None
    scope: str
    user: str
    code_challenge: str | None
    code_challenge_method: str | None

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope


@dataclass
class State:
    """What the server did, for assertions; all access under `lock`."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: Counter = field(default_factory=Counter)   # "total" and per grant_type
    tokens: dict[str, Issued] = field(default_factory=dict)       # by access token
    refresh: dict[str, Issued] = field(default_factory=dict)      # by refresh token
    codes: dict[str, Code] = field(default_factory=dict)
    last_form: dict[str, str] = field(default_factory=dict)
    last_headers: dict[str, str] = field(default_factory=dict)
    token_delay: float = 0.0
    api_calls: int = 0

    @property
    def token_requests(self) -> int:
        return self.counts["total"]

    def reset(self) -> None:
        with self.lock:
            self.counts.clear()
            self.tokens.clear()
            self.refresh.clear()
            self.codes.clear()
            self.last_form, self.last_headers = {}, {}
            self.token_delay = 0.0
            self.api_calls = 0

    def revoke_all(self) -> None:
        with self.lock:
            for issued in self.tokens.values():
                issued.revoked = True


class _Payload(OAuth2Payload):
    def __init__(self, values: MultiDict):
        self._values = values

    @property
    def data(self):
        return self._values

    @property
    def datalist(self):
        return {k: self._values.getlist(k) for k in self._values}


class _OAuth2Request(OAuth2Request):
    def __init__(self, request: Request):
        super().__init__(request.method, request.url, headers=request.headers)
        self._request = request
        self.payload = _Payload(request.values)

    @property
    def args(self):
        return self._request.args

    @property
    def form(self):
        return self._request.form


class _Server(AuthorizationServer):
    def __init__(self, state: State):
        super().__init__()
        self.state = state

    def query_client(self, client_id):
        return CLIENTS.get(client_id)

    def save_token(self, token, request):
        client = request.client
        user = getattr(request, "user", None)
        issued = Issued(client.client_id, user, token.get("scope", ""), token["access_token"],
                        token.get("refresh_token"), time.time(), client.expires_in)
        with self.state.lock:
            self.state.tokens[issued.access_token] = issued
            if issued.refresh_token:
                self.state.refresh[issued.refresh_token] = issued

    def create_oauth2_request(self, request):
        return _OAuth2Request(request)

    def create_json_request(self, request):  # pragma: no cover - no JSON endpoints here
        raise NotImplementedError

    def handle_response(self, status, body, headers):
        if isinstance(body, dict):
            if body.get("expires_in") is None:
                body.pop("expires_in", None)
            body = json.dumps(body)
        return Response(body, status=status, headers=headers)

    def send_signal(self, name, *args, **kwargs):
        pass


class _ClientCredentials(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ALL_METHODS


class _Password(grants.ResourceOwnerPasswordCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ALL_METHODS

    def authenticate_user(self, username, password):
        expected = USERS.get(username)
        return username if expected and hmac.compare_digest(expected, password) else None


class _AuthorizationCode(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ALL_METHODS

    def save_authorization_code(self, code, request):
        data = request.payload.data
        item = Code(code, request.client.client_id, data.get("redirect_uri"), request.payload.scope or "",
                    request.user, data.get("code_challenge"), data.get("code_challenge_method"))
        with self.server.state.lock:
            self.server.state.codes[code] = item

    def query_authorization_code(self, code, client):
        item = self.server.state.codes.get(code)
        return item if item and item.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code):
        with self.server.state.lock:
            self.server.state.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code):
        return authorization_code.user


class _Refresh(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ALL_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation

    def authenticate_refresh_token(self, refresh_token):
        issued = self.server.state.refresh.get(refresh_token)
        return issued if issued and not issued.revoked else None

    def authenticate_user(self, refresh_token):
        return refresh_token.user

    def revoke_old_credential(self, refresh_token):
        with self.server.state.lock:
            refresh_token.revoked = True
            self.server.state.refresh.pop(refresh_token.refresh_token, None)


def _expires(client, grant_type):
    return client.expires_in or 0  # 0: authlib leaves expires_in out of the answer


def make_app(state: State):
    server = _Server(state)
    server.register_token_generator("default", BearerTokenGenerator(
        lambda **_: generate_token(40), lambda **_: generate_token(48), _expires))
    server.register_grant(_ClientCredentials)
    server.register_grant(_Password)
    server.register_grant(_AuthorizationCode, [CodeChallenge(required=True)])
    server.register_grant(_Refresh)

    def app(environ, start_response):
        request = Request(environ)
        if request.path == "/token" and request.method == "POST":
            with state.lock:
                state.counts["total"] += 1
                state.counts[request.form.get("grant_type", "?")] += 1
                state.last_form = dict(request.form)
                state.last_headers = dict(request.headers)
                delay = state.token_delay
            if delay:
                time.sleep(delay)
            response = server.create_token_response(request)
        elif request.path == "/authorize":
            grant = server.get_consent_grant(request, end_user="alice")
            response = server.create_authorization_response(request, grant_user="alice", grant=grant)
        elif request.path == "/api/me":
            response = _api(request, state)
        else:
            response = Response("not found", status=404)
        return response(environ, start_response)

    return app


def _api(request: Request, state: State) -> Response:
    with state.lock:
        state.api_calls += 1
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    issued = state.tokens.get(value) if scheme.lower() == "bearer" else None
    if issued is None or not issued.live():
        return Response(json.dumps({"error": "invalid_token"}), status=401,
                        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                        content_type="application/json")
    body: dict[str, Any] = {"client_id": issued.client_id, "user": issued.user, "scope": issued.scope}
    return Response(json.dumps(body), content_type="application/json")
