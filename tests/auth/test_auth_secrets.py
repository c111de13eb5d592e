"""Every mode runs with known secret values; no log record (DEBUG, every logger on the client
side), error, warning or repr produced may contain any of them, nor any token the server issued.

Records of the test servers' own loggers (werkzeug's access log, authlib's server-side debug
lines) are left out: they are fixtures, not feelish.
"""
from __future__ import annotations

import logging
import warnings

import httpx2
import pytest

from feelish import AuthError
from feelish.auth import TokenCache, build_auth, retrieve_token
from tests.auth import helpers
from tests.auth.challenge_server import make_challenge_app
from tests.servers import serve_wsgi

USER, PASSWORD = "user-sekret-5150", "pass-sekret-8008"
OTHER = {
    "bearer": "bearer-sekret-4242", "api-header": "apikey-sekret-1111",
    "api-query": "apikey-sekret-2222", "custom": "custom-sekret-3333",
    "earlier": "earlier-sekret-6464",
}
SERVER_SIDE = ("werkzeug", "authlib", "tests.")


@pytest.fixture(scope="module")
def challenge_url(request):
    running = serve_wsgi(make_challenge_app(USER, PASSWORD))
    request.addfinalizer(running.close)
    return running.url


@pytest.fixture
def front_end_code(oauth):
    """The browser's part of the authorization code grant, done before the test body so that
    httpcore's DEBUG trace of the redirect (a Location header with the code) is not in caplog:
    it is the test playing the user agent, not feelish."""
    return helpers.authorize(oauth.url)


def test_no_secret_escapes(oauth, front_end_code, odd, httpbin_url, challenge_url, caplog):
    caplog.set_level(logging.DEBUG)
    produced: list[str] = []  # every error text and repr we saw
    cache = TokenCache()

    def run(client, url, config, **kw):
        auth = build_auth(config, cache=cache, on_token=lambda token: None)
        produced.append(repr(auth))
        try:
            response = client.get(url, auth=auth, **kw)
        except AuthError as exc:
            produced.extend([str(exc), repr(exc), str(exc.to_dict()), str(exc.variables)])
            return None
        return response

    with warnings.catch_warnings(record=True) as caught, httpx2.Client(timeout=10) as client:
        warnings.simplefilter("always")
        basic = {"type": "basic", "username": USER, "password": PASSWORD}
        assert run(client, f"{challenge_url}/basic", basic).status_code == 200
        assert run(client, f"{challenge_url}/basic", {**basic, "preemptive": False}).status_code == 200
        assert run(client, f"{challenge_url}/digest", {**basic, "type": "digest"}).status_code == 200
        assert run(client, f"{challenge_url}/digest", {**basic, "type": "digest",
                                                        "password": "x"}).status_code == 401
        assert run(client, f"{httpbin_url}/bearer", {"type": "bearer", "token": OTHER["bearer"]}).status_code == 200
        assert run(client, f"{httpbin_url}/bearer", {"type": "oauth2-bearer",
                                                     "token": OTHER["earlier"]}).status_code == 200
        assert run(client, f"{httpbin_url}/get", {"type": "apiKey", "name": "X-Key",
                                                  "value": OTHER["api-header"]}).status_code == 200
        assert run(client, f"{httpbin_url}/get", {"type": "apiKey", "location": "query", "name": "key",
                                                  "value": OTHER["api-query"]}).status_code == 200
        assert run(client, f"{httpbin_url}/get", {"type": "headers",
                                                  "headers": {"X-C": OTHER["custom"]}}).status_code == 200

        api = f"{oauth.url}/api/me"
        assert run(client, api, helpers.client_credentials(oauth.url)).status_code == 200
        assert run(client, api, helpers.client_credentials(oauth.url, "basic-client")).status_code == 200
        assert run(client, api, helpers.password(oauth.url)).status_code == 200
        code, verifier = front_end_code
        assert run(client, api, helpers.authorization_code(oauth.url, code, verifier)).status_code == 200
        issued = retrieve_token(helpers.password(oauth.url, scopes="read"), client=client, cache=cache)
        assert run(client, api, helpers.refresh(oauth.url, issued["refresh_token"])).status_code == 200
        oauth.state.revoke_all()
        assert run(client, api, helpers.client_credentials(oauth.url)).status_code == 200  # 401 path

        # failures
        assert run(client, api, helpers.client_credentials(oauth.url, clientSecret=PASSWORD)) is None
        assert run(client, api, helpers.password(oauth.url, password=PASSWORD)) is None
        assert run(client, api, helpers.refresh(oauth.url, issued["refresh_token"])) is None  # rotated away
        assert run(client, api, helpers.authorization_code(oauth.url, code, verifier)) is None  # used
        assert run(client, api, {"type": "oauth2-client-credentials", "tokenEndpoint": f"{odd.url}/pm-token",
                                 "clientId": USER, "clientSecret": PASSWORD}) is None
        for bad in ({"type": "basic", "username": USER, "password": PASSWORD, "extra": PASSWORD},
                    {"type": "basic", "username": USER, "password": [PASSWORD]},
                    {"type": "apiKey", "name": "k", "value": OTHER["api-header"], "location": PASSWORD}):
            with pytest.raises(Exception) as info:
                build_auth(bad, cache=cache)
            produced.extend([str(info.value), repr(info.value)])
        produced.append(repr(cache))

    secrets = {USER, PASSWORD, *OTHER.values(), *helpers.SECRETS.values(), "wonderland-pw",
               code, verifier, *oauth.state.tokens, *(t.refresh_token for t in oauth.state.tokens.values()
                                                      if t.refresh_token)}
    secrets.discard(None)
    assert len(oauth.state.tokens) >= 7  # the tokens issued are part of what must not leak

    records = [r for r in caplog.records if not r.name.startswith(SERVER_SIDE)]
    assert any(r.name == "feelish.auth" for r in records)  # we did log, at DEBUG
    assert any(r.name == "httpx2" and "key=***" in r.getMessage() for r in records)
    texts = [r.getMessage() for r in records] + [str(w.message) for w in caught] + produced
    leaks = sorted({s for s in secrets for text in texts if s in text})
    where = [t[:300] for t in texts if any(s in t for s in leaks)]
    assert leaks == [], where
