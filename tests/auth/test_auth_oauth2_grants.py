"""Each OAuth2 grant against the real authlib authorization server, then the protected API."""
from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from feelish import AuthError
from feelish.auth import TOKEN_REQUEST_EXTENSION, TokenCache, authorization_url, build_auth
from tests.auth import helpers


def me(url: str, auth, client: httpx2.Client | None = None) -> httpx2.Response:
    if client is not None:
        return client.get(f"{url}/api/me", auth=auth)
    with httpx2.Client(timeout=10) as c:
        return c.get(f"{url}/api/me", auth=auth)


def test_client_credentials_in_the_body(oauth):
    auth = build_auth(helpers.client_credentials(oauth.url, scopes="read write"), cache=TokenCache())
    response = me(oauth.url, auth)
    assert response.status_code == 200
    assert response.json() == {"client_id": "post-client", "user": None, "scope": "read write"}
    form = oauth.state.last_form
    assert form["grant_type"] == "client_credentials"
    assert form["client_id"] == "post-client" and form["client_secret"] == "post-secret-1"
    assert "authorization" not in {k.lower() for k in oauth.state.last_headers}


def test_client_credentials_as_a_basic_header(oauth):
    auth = build_auth(helpers.client_credentials(oauth.url, "basic-client"), cache=TokenCache())
    assert me(oauth.url, auth).json()["client_id"] == "basic-client"
    header = oauth.state.last_headers["Authorization"]
    assert base64.b64decode(header.split()[1]) == b"basic-client:basic-secret-2"
    assert "client_secret" not in oauth.state.last_form


def test_wrong_client_authentication_method_is_refused(oauth):
    config = helpers.client_credentials(oauth.url, "basic-client", clientAuthentication="body")
    with pytest.raises(AuthError) as info:
        me(oauth.url, build_auth(config, cache=TokenCache()))
    assert info.value.code == "invalid_client"
    assert info.value.status == 401


def test_audience_and_extra_parameters_are_sent(oauth):
    config = helpers.client_credentials(oauth.url, audience="https://api.example",
                                        extraParameters={"resource": "orders"})
    assert me(oauth.url, build_auth(config, cache=TokenCache())).status_code == 200
    assert oauth.state.last_form["audience"] == "https://api.example"
    assert oauth.state.last_form["resource"] == "orders"
    assert "scope" not in oauth.state.last_form  # blank scopes are not sent


def test_token_request_goes_through_the_callers_client(oauth):
    seen = []
    hooks = {"request": [lambda r: seen.append((r.url.path, r.extensions.get(TOKEN_REQUEST_EXTENSION)))]}
    with httpx2.Client(timeout=10, event_hooks=hooks) as client:
        assert me(oauth.url, build_auth(helpers.client_credentials(oauth.url), cache=TokenCache()),
                  client).status_code == 200
    assert seen == [("/token", True), ("/api/me", None)]


def test_password_grant(oauth):
    auth = build_auth(helpers.password(oauth.url, scopes=["read"]), cache=TokenCache())
    response = me(oauth.url, auth)
    assert response.json() == {"client_id": "post-client", "user": "alice", "scope": "read"}
    assert oauth.state.last_form["username"] == "alice"
    assert auth.last_token["refresh_token"]


def test_password_grant_wrong_password(oauth):
    with pytest.raises(AuthError) as info:
        me(oauth.url, build_auth(helpers.password(oauth.url, password="guess"), cache=TokenCache()))
    assert info.value.code == "invalid_request"  # what authlib answers for bad user credentials
    assert "guess" not in str(info.value)


def test_authorization_url_helper():
    step = authorization_url("https://idp.example/authorize", "app", redirect_uri="https://app/cb",
                             scopes=["read", "write"], extra={"prompt": "consent"})
    query = parse_qs(urlsplit(step["url"]).query)
    assert query["response_type"] == ["code"] and query["client_id"] == ["app"]
    assert query["scope"] == ["read write"] and query["state"] == [step["state"]]
    assert query["code_challenge_method"] == ["S256"] and query["prompt"] == ["consent"]
    assert query["code_challenge"] == [step["code_challenge"]]
    assert 43 <= len(step["code_verifier"]) <= 128
    other = authorization_url("https://idp.example/authorize", "app")
    assert other["state"] != step["state"] and other["code_verifier"] != step["code_verifier"]
    plain = authorization_url("https://idp.example/authorize", "app", pkce=False)
    assert plain["code_verifier"] is None and "code_challenge" not in plain["url"]


def test_authorization_code_with_pkce(oauth):
    code, verifier = helpers.authorize(oauth.url)
    auth = build_auth(helpers.authorization_code(oauth.url, code, verifier), cache=TokenCache())
    response = me(oauth.url, auth)
    assert response.json() == {"client_id": "public-client", "user": "alice", "scope": "read"}
    form = oauth.state.last_form
    assert form["grant_type"] == "authorization_code" and form["code_verifier"] == verifier
    assert "client_secret" not in form and form["client_id"] == "public-client"


def test_authorization_code_wrong_verifier_is_refused(oauth):
    code, _ = helpers.authorize(oauth.url)
    wrong = "w" * 50
    with pytest.raises(AuthError) as info:
        me(oauth.url, build_auth(helpers.authorization_code(oauth.url, code, wrong), cache=TokenCache()))
    assert info.value.code == "invalid_grant"
    assert "a new authorization is needed" in info.value.message
    assert "Code challenge failed" in info.value.message  # the server's description is kept


def test_authorization_code_without_verifier_is_refused(oauth):
    code, _ = helpers.authorize(oauth.url)
    with pytest.raises(AuthError) as info:
        me(oauth.url, build_auth(helpers.authorization_code(oauth.url, code, None), cache=TokenCache()))
    assert info.value.code == "invalid_request"
    assert "code_verifier" in info.value.message


def test_expired_authorization_code_token_is_renewed_with_its_refresh_token(oauth):
    now = [1_000_000.0]
    cache = TokenCache(clock=lambda: now[0])
    code, verifier = helpers.authorize(oauth.url)
    auth = build_auth(helpers.authorization_code(oauth.url, code, verifier), cache=cache)
    with httpx2.Client(timeout=10) as client:
        assert me(oauth.url, auth, client).status_code == 200
        first = auth.last_token
        now[0] += 3600  # the cache now considers the token expired
        assert me(oauth.url, auth, client).status_code == 200
    assert oauth.state.counts["authorization_code"] == 1  # the single-use code was not re-sent
    assert oauth.state.counts["refresh_token"] == 1
    assert auth.last_token["access_token"] != first["access_token"]
    assert auth.last_token["refresh_token"] != first["refresh_token"]  # rotated


def test_refresh_token_rotation_reaches_the_caller(oauth):
    seed = build_auth(helpers.password(oauth.url), cache=TokenCache())
    me(oauth.url, seed)
    original = seed.last_token["refresh_token"]

    now = [1_000_000.0]
    cache = TokenCache(clock=lambda: now[0])
    received = []
    auth = build_auth(helpers.refresh(oauth.url, original), cache=cache, on_token=received.append)
    with httpx2.Client(timeout=10) as client:
        assert me(oauth.url, auth, client).json()["user"] == "alice"
        assert me(oauth.url, auth, client).status_code == 200  # cached: no second refresh
        assert oauth.state.counts["refresh_token"] == 1
        rotated = received[-1]["refresh_token"]
        assert rotated and rotated != original
        # the old refresh token is now revoked by the server; after expiry the cache refreshes
        # with the rotated one, although the configuration still holds the original
        now[0] += 7200
        assert me(oauth.url, auth, client).status_code == 200
    assert oauth.state.counts["refresh_token"] == 2
    assert oauth.state.last_form["refresh_token"] == rotated
    assert len(received) == 2 and received[-1]["refresh_token"] not in (original, rotated)
    assert auth.last_token["refresh_token"] == received[-1]["refresh_token"]


def test_revoked_refresh_token_says_reauthorisation_is_needed(oauth):
    seed = build_auth(helpers.password(oauth.url), cache=TokenCache())
    me(oauth.url, seed)
    original = seed.last_token["refresh_token"]
    me(oauth.url, build_auth(helpers.refresh(oauth.url, original), cache=TokenCache()))  # rotates
    with pytest.raises(AuthError) as info:  # a fresh runtime only knows the old one
        me(oauth.url, build_auth(helpers.refresh(oauth.url, original), cache=TokenCache()))
    assert info.value.code == "invalid_grant"
    assert "re-authorisation is needed" in info.value.message
    assert original not in str(info.value) and original not in repr(info.value)


def test_authorization_code_is_used_once(oauth):
    code, verifier = helpers.authorize(oauth.url)
    config = helpers.authorization_code(oauth.url, code, verifier)
    cache = TokenCache()
    assert me(oauth.url, build_auth(config, cache=cache)).status_code == 200
    assert me(oauth.url, build_auth(config, cache=cache)).status_code == 200  # cached token
    assert oauth.state.token_requests == 1
    with pytest.raises(AuthError) as info:  # another runtime, same code: the server refuses it
        me(oauth.url, build_auth(config, cache=TokenCache()))
    assert info.value.code == "invalid_grant" and "new authorization is needed" in info.value.message
    assert code not in str(info.value)
