"""The shared token cache: reuse, expiry with skew, single flight under 100 concurrent calls
(threads and asyncio tasks), 401 -> drop, fetch once, retry once."""
from __future__ import annotations

import asyncio
import threading
import time

import httpx2
import pytest

from feelish.auth import Token, TokenCache, build_auth, retrieve_token
from tests.auth import helpers


def test_reuse_until_shortly_before_expiry(oauth):
    now = [1_000_000.0]
    cache = TokenCache(clock=lambda: now[0], skew=30)
    auth = build_auth(helpers.client_credentials(oauth.url), cache=cache)
    with httpx2.Client(timeout=10) as client:
        for _ in range(5):
            assert client.get(f"{oauth.url}/api/me", auth=auth).status_code == 200
        assert oauth.state.token_requests == 1
        now[0] += 3600 - 31  # still outside the skew window
        client.get(f"{oauth.url}/api/me", auth=auth)
        assert oauth.state.token_requests == 1
        now[0] += 2  # now inside it: refreshed ahead of expiry
        assert client.get(f"{oauth.url}/api/me", auth=auth).status_code == 200
        assert oauth.state.token_requests == 2
    assert cache.stats.token_requests == 2 and cache.stats.hits == 5


def test_short_lived_token_from_the_server(oauth):
    cache = TokenCache()  # skew 30 s shrinks to half of a 1 s lifetime
    auth = build_auth(helpers.client_credentials(oauth.url, "short-client"), cache=cache)
    with httpx2.Client(timeout=10) as client:
        client.get(f"{oauth.url}/api/me", auth=auth)
        client.get(f"{oauth.url}/api/me", auth=auth)
        assert oauth.state.token_requests == 1
        time.sleep(0.6)
        assert client.get(f"{oauth.url}/api/me", auth=auth).status_code == 200
    assert oauth.state.token_requests == 2


def test_token_without_expires_in_is_not_cached(oauth):
    cache = TokenCache()
    auth = build_auth(helpers.client_credentials(oauth.url, "eternal-client"), cache=cache)
    with httpx2.Client(timeout=10) as client:
        for _ in range(3):
            assert client.get(f"{oauth.url}/api/me", auth=auth).status_code == 200
    assert oauth.state.token_requests == 3 and len(cache) == 0
    assert auth.last_token["expires_in"] is None and auth.last_token["expires_at"] is None


def test_expires_in_as_a_string_is_understood(odd):
    cache = TokenCache()
    config = {"type": "oauth2-client-credentials", "tokenEndpoint": f"{odd.url}/string-expiry",
              "clientId": "c", "clientSecret": "s"}
    with httpx2.Client(timeout=10) as client:
        first = retrieve_token(config, client=client, cache=cache)
        second = retrieve_token(config, client=client, cache=cache)
    assert first == second and first["expires_in"] == 3600
    assert odd.state.counts["/string-expiry"] == 1


def test_different_scopes_are_different_tokens(oauth):
    cache = TokenCache()
    with httpx2.Client(timeout=10) as client:
        for scopes in ("read", "write", "read", "write read", "read write"):
            auth = build_auth(helpers.client_credentials(oauth.url, scopes=scopes), cache=cache)
            client.get(f"{oauth.url}/api/me", auth=auth)
    assert oauth.state.token_requests == 3


def test_100_threads_make_one_token_request(oauth):
    oauth.state.token_delay = 0.3  # every caller arrives while the first fetch is in flight
    cache = TokenCache()
    config = helpers.client_credentials(oauth.url)
    barrier = threading.Barrier(100)
    statuses: list[int] = []
    lock = threading.Lock()

    def worker(client):
        auth = build_auth(config, cache=cache)  # each call builds its own auth, as a runtime does
        barrier.wait()
        status = client.get(f"{oauth.url}/api/me", auth=auth).status_code
        with lock:
            statuses.append(status)

    with httpx2.Client(timeout=30, limits=httpx2.Limits(max_connections=200)) as client:
        threads = [threading.Thread(target=worker, args=(client,)) for _ in range(100)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert statuses == [200] * 100
    assert oauth.state.token_requests == 1
    assert cache.stats.token_requests == 1


def test_100_async_tasks_make_one_token_request(oauth):
    oauth.state.token_delay = 0.3
    cache = TokenCache()
    config = helpers.client_credentials(oauth.url, "basic-client")

    async def main():
        limits = httpx2.Limits(max_connections=200)
        async with httpx2.AsyncClient(timeout=30, limits=limits) as client:
            calls = [client.get(f"{oauth.url}/api/me", auth=build_auth(config, cache=cache))
                     for _ in range(100)]
            return [r.status_code for r in await asyncio.gather(*calls)]

    assert asyncio.run(main()) == [200] * 100
    assert oauth.state.token_requests == 1


def test_a_cache_survives_several_event_loops(oauth):
    cache = TokenCache()
    config = helpers.client_credentials(oauth.url)

    async def once():
        async with httpx2.AsyncClient(timeout=10) as client:
            return (await client.get(f"{oauth.url}/api/me", auth=build_auth(config, cache=cache))).status_code

    assert [asyncio.run(once()) for _ in range(3)] == [200, 200, 200]
    assert oauth.state.token_requests == 1


def test_401_with_a_cached_token_refetches_once_and_retries(oauth):
    cache = TokenCache()
    auth = build_auth(helpers.client_credentials(oauth.url), cache=cache)
    with httpx2.Client(timeout=10) as client:
        assert client.get(f"{oauth.url}/api/me", auth=auth).status_code == 200
        oauth.state.revoke_all()  # the IdP forgot the token the cache still holds
        response = client.post(f"{oauth.url}/api/me", auth=auth, content=b"payload")
    assert response.status_code == 200
    assert oauth.state.token_requests == 2
    assert oauth.state.api_calls == 3
    assert cache.stats.invalidations == 1


def test_401_async_path(oauth):
    cache = TokenCache()
    config = helpers.client_credentials(oauth.url)

    async def main():
        async with httpx2.AsyncClient(timeout=10) as client:
            auth = build_auth(config, cache=cache)
            await client.get(f"{oauth.url}/api/me", auth=auth)
            oauth.state.revoke_all()
            return (await client.get(f"{oauth.url}/api/me", auth=auth)).status_code

    assert asyncio.run(main()) == 200
    assert oauth.state.token_requests == 2 and oauth.state.api_calls == 3


class CountingIdP:
    """A MockTransport handler: a token endpoint that always works and an API that always says 401."""

    def __init__(self):
        self.tokens = 0
        self.api = 0

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/token":
            self.tokens += 1
            return httpx2.Response(200, json={"access_token": f"t{self.tokens}", "expires_in": 600})
        self.api += 1
        return httpx2.Response(401)


@pytest.mark.parametrize("cached_first", [False, True])
def test_401_never_loops(cached_first):
    idp = CountingIdP()
    cache = TokenCache()
    config = {"type": "oauth2-client-credentials", "tokenEndpoint": "http://idp.test/token",
              "clientId": "c", "clientSecret": "s"}
    if cached_first:
        cache.put(build_auth(config, cache=cache).key, Token("old", expires_in=600, obtained_at=time.time()))
    with httpx2.Client(transport=httpx2.MockTransport(idp)) as client:
        response = client.get("http://api.test/x", auth=build_auth(config, cache=cache))
    assert response.status_code == 401
    # a fresh token that is refused is not fetched again; a cached one is, once
    assert (idp.tokens, idp.api) == ((1, 2) if cached_first else (1, 1))


# ----------------------------------------------------------------------------- unit


def test_invalidate_only_the_token_that_failed():
    cache = TokenCache()
    old, new = Token("a", expires_in=60, obtained_at=time.time()), Token("b", expires_in=60,
                                                                          obtained_at=time.time())
    cache.put("k", new)
    assert cache.invalidate("k", old) is False  # someone already replaced it
    assert cache.get("k") is new
    assert cache.invalidate("k") is True and cache.get("k") is None


def test_entries_are_bounded():
    cache = TokenCache(max_entries=3)
    for i in range(5):
        cache.put(f"k{i}", Token(f"t{i}", expires_in=60, obtained_at=time.time()))
    assert len(cache) == 3 and cache.get("k0") is None and cache.get("k4") is not None


def test_skew_is_configurable_and_validated():
    now = [0.0]
    cache = TokenCache(skew=100, clock=lambda: now[0])
    cache.put("k", Token("t", expires_in=1000, obtained_at=0.0))
    now[0] = 899
    assert cache.get("k") is not None
    now[0] = 901
    assert cache.get("k") is None
    with pytest.raises(ValueError):
        TokenCache(skew=-1)


def test_token_repr_hides_values():
    token = Token("access-xyz", refresh_token="refresh-xyz", expires_in=10)
    assert "access-xyz" not in repr(token) and "refresh-xyz" not in repr(token)
    assert "xyz" not in repr(TokenCache())
