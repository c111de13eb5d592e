"""build_auth: type names and aliases, field validation, what each mode puts on a request (unit
tests on httpx2's MockTransport; the real-server tests are in the other files)."""
from __future__ import annotations

import base64
from decimal import Decimal

import httpx2
import pytest

from feelish import ConnectorError
from feelish.auth import MODES, OAuth2Authentication, TokenCache, build_auth, canonical_type


def echo_client() -> httpx2.Client:
    """A client whose transport answers with what it received (URL and headers)."""
    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json={"url": str(request.url), "headers": dict(request.headers)})
    return httpx2.Client(transport=httpx2.MockTransport(handler))


def sent(config) -> dict:
    with echo_client() as client:
        return client.get("http://api.test/x?a=1", auth=build_auth(config, cache=TokenCache())).json()


@pytest.mark.parametrize(("spelling", "canonical"), [
    ("noAuth", "none"), ("none", "none"), ("basic", "basic"), ("BASIC", "basic"),
    ("apiKey", "apiKey"), ("apikey", "apiKey"), ("digest", "digest"), ("bearer", "bearer"),
    ("oauth-client-credentials-flow", "oauth2-client-credentials"),
    ("oauth-refresh-token", "oauth2-refresh-token"),
    ("oauth2-authorization-code", "oauth2-authorization-code"),
    ("oauth2-password", "oauth2-password"), ("oauth2-bearer", "oauth2-bearer"),
])
def test_type_spellings(spelling, canonical):
    assert canonical_type({"type": spelling}) == canonical


def test_none_and_missing_config_give_no_auth():
    cache = TokenCache()
    assert build_auth(None, cache=cache) is None
    assert build_auth({}, cache=cache) is None
    assert build_auth({"type": "noAuth"}, cache=cache) is None


def test_every_registered_mode_is_buildable():
    assert set(MODES) == {"basic", "digest", "bearer", "apiKey", "headers", "oauth2-bearer",
                          "oauth2-client-credentials", "oauth2-password",
                          "oauth2-authorization-code", "oauth2-refresh-token"}


@pytest.mark.parametrize(("config", "field", "words"), [
    ({"type": "kerberos"}, "authentication.type", "is not an authentication type; expected one of none, basic"),
    ({"username": "u"}, "authentication.type", "is required"),
    ({"type": "basic"}, "authentication.username", "is required"),
    ({"type": "basic", "username": ["u"]}, "authentication.username", "must be a string"),
    ({"type": "basic", "username": "u", "preemptive": "maybe"}, "authentication.preemptive", "boolean"),
    ({"type": "basic", "username": "u", "passwrd": "p"}, "authentication.passwrd", "not a field"),
    ({"type": "bearer"}, "authentication.token", "is required"),
    ({"type": "apiKey", "name": "k"}, "authentication.value", "is required"),
    ({"type": "apiKey", "name": "bad name", "value": "v"}, "authentication.name", "header name"),
    ({"type": "apiKey", "name": "k", "value": "v", "location": "cookie"}, "authentication.location",
     '"headers", "query"'),
    ({"type": "headers"}, "authentication.headers", "is required"),
    ({"type": "headers", "headers": "X: y"}, "authentication.headers", "must be a context"),
    ({"type": "headers", "headers": {"X": {"a": 1}}}, "authentication.headers.X", "must be a string"),
    ({"type": "oauth2-client-credentials", "clientId": "c", "clientSecret": "s"},
     "authentication.tokenEndpoint", "is required"),
    ({"type": "oauth2-client-credentials", "tokenEndpoint": "idp.example/token", "clientId": "c",
      "clientSecret": "s"}, "authentication.tokenEndpoint", "http"),
    ({"type": "oauth2-client-credentials", "tokenEndpoint": "https://idp/t", "clientId": "c"},
     "authentication.clientSecret", "is required"),
    ({"type": "oauth2-client-credentials", "tokenEndpoint": "https://idp/t", "clientId": "c",
      "clientSecret": "s", "clientAuthentication": "jwt"}, "authentication.clientAuthentication",
     '"body"'),
    ({"type": "oauth2-client-credentials", "tokenEndpoint": "https://idp/t", "clientId": "c",
      "clientSecret": "s", "scopes": 5}, "authentication.scopes", "string or a list"),
    ({"type": "oauth2-password", "tokenEndpoint": "https://idp/t", "username": "u"},
     "authentication.password", "is required"),
    ({"type": "oauth2-authorization-code", "tokenEndpoint": "https://idp/t", "clientId": "c"},
     "authentication.code", "is required"),
    ({"type": "oauth2-refresh-token", "tokenEndpoint": "https://idp/t", "clientId": "c"},
     "authentication.refreshToken", "is required"),
])
def test_bad_config_names_the_field(config, field, words):
    with pytest.raises(ConnectorError) as info:
        build_auth(config, cache=TokenCache())
    assert info.value.code == "INPUT_ERROR"
    assert info.value.field == field
    assert words in info.value.message
    assert field in str(info.value)


def test_basic_preemptive_header():
    headers = sent({"type": "basic", "username": "ann", "password": "pä:ss"})["headers"]
    assert headers["authorization"] == "Basic " + base64.b64encode("ann:pä:ss".encode()).decode()


def test_basic_without_password_sends_user_colon():
    headers = sent({"type": "basic", "username": "ann"})["headers"]
    assert base64.b64decode(headers["authorization"].split()[1]) == b"ann:"


def test_bearer_and_oauth2_bearer_headers():
    assert sent({"type": "bearer", "token": "t-1"})["headers"]["authorization"] == "Bearer t-1"
    got = sent({"type": "oauth2-bearer", "access_token": "t-2", "token_type": "bearer"})
    assert got["headers"]["authorization"] == "Bearer t-2"


def test_api_key_in_header_and_in_query():
    got = sent({"type": "apiKey", "name": "X-Api-Key", "value": "k1"})
    assert got["headers"]["x-api-key"] == "k1"
    got = sent({"type": "apiKey", "apiKeyLocation": "query", "name": "api_key", "value": "k 2&"})
    assert got["url"] == "http://api.test/x?a=1&api_key=k+2%26"


def test_custom_headers_numbers_become_text():
    got = sent({"type": "headers", "headers": {"X-Tenant": Decimal("42"), "X-Key": "abc"}})
    assert got["headers"]["x-tenant"] == "42" and got["headers"]["x-key"] == "abc"


def test_numbers_accepted_for_text_fields():
    got = sent({"type": "basic", "username": Decimal("1001"), "password": 7})
    assert base64.b64decode(got["headers"]["authorization"].split()[1]) == b"1001:7"


def test_camunda_oauth_spellings():
    auth = build_auth({"type": "oauth-client-credentials-flow", "oauthTokenEndpoint": "https://idp/t",
                       "clientId": "c", "clientSecret": "s", "clientAuthentication": "basicAuthHeader",
                       "scopes": "b a", "audience": "api"}, cache=TokenCache())
    assert isinstance(auth, OAuth2Authentication)
    assert auth.grant.client_auth == "basic"
    assert auth.grant.params == {"scope": "b a", "audience": "api"}


def test_cache_key_changes_with_everything_that_changes_the_token():
    cache = TokenCache()
    base = {"type": "oauth2-client-credentials", "tokenEndpoint": "https://idp/t", "clientId": "c",
            "clientSecret": "s", "scopes": "a b"}
    key = build_auth(base, cache=cache).key
    assert build_auth({**base, "scopes": "b a"}, cache=cache).key == key  # order does not matter
    for change in [{"tokenEndpoint": "https://idp/u"}, {"clientId": "d"}, {"clientSecret": "t"},
                   {"scopes": "a"}, {"audience": "x"}, {"clientAuthentication": "basic"},
                   {"extraParameters": {"resource": "r"}}]:
        assert build_auth({**base, **change}, cache=cache).key != key, change
