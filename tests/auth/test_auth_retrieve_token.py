"""The token-retrieval connector's work: retrieve_token / aretrieve_token."""
from __future__ import annotations

import asyncio
import time

import httpx2
import pytest

from feelish import ConnectorError
from feelish.auth import TokenCache, aretrieve_token, build_auth, retrieve_token
from tests.auth import helpers

FIELDS = {"access_token", "token_type", "expires_in", "expires_at", "refresh_token", "scope"}


def test_retrieve_then_use_in_bearer_mode(oauth):
    cache = TokenCache()
    with httpx2.Client(timeout=10) as client:
        before = time.time()
        token = retrieve_token(helpers.client_credentials(oauth.url, scopes="read"), client=client,
                               cache=cache)
        assert set(token) == FIELDS
        assert token["token_type"] == "Bearer" and token["scope"] == "read"
        assert token["expires_in"] == 3600
        assert before + 3600 - 2 <= token["expires_at"] <= time.time() + 3600 + 1
        assert token["refresh_token"] is None
        bearer = build_auth({"type": "oauth2-bearer", "token": token["access_token"]}, cache=cache)
        response = client.get(f"{oauth.url}/api/me", auth=bearer)
    assert response.json()["client_id"] == "post-client"
    assert oauth.state.token_requests == 1


def test_retrieve_uses_the_cache(oauth):
    cache = TokenCache()
    with httpx2.Client(timeout=10) as client:
        first = retrieve_token(helpers.password(oauth.url), client=client, cache=cache)
        second = retrieve_token(helpers.password(oauth.url), client=client, cache=cache)
    assert first == second and first["refresh_token"]
    assert oauth.state.token_requests == 1


def test_retrieve_with_each_grant(oauth):
    cache = TokenCache()
    with httpx2.Client(timeout=10) as client:
        pw = retrieve_token(helpers.password(oauth.url), client=client, cache=cache)
        refreshed = retrieve_token(helpers.refresh(oauth.url, pw["refresh_token"]), client=client,
                                   cache=cache)
        code, verifier = helpers.authorize(oauth.url)
        coded = retrieve_token(helpers.authorization_code(oauth.url, code, verifier), client=client,
                               cache=cache)
    assert refreshed["refresh_token"] not in (None, pw["refresh_token"])  # rotated
    assert coded["scope"] == "read" and coded["refresh_token"]
    assert dict(oauth.state.counts) == {"total": 3, "password": 1, "refresh_token": 1,
                                        "authorization_code": 1}


def test_async_retrieve(oauth):
    oauth.state.token_delay = 0.2
    cache = TokenCache()

    async def main():
        async with httpx2.AsyncClient(timeout=10) as client:
            return await asyncio.gather(*[aretrieve_token(helpers.client_credentials(oauth.url),
                                                          client=client, cache=cache)
                                          for _ in range(20)])

    tokens = asyncio.run(main())
    assert len({t["access_token"] for t in tokens}) == 1
    assert oauth.state.token_requests == 1


@pytest.mark.parametrize("config", [None, {"type": "basic", "username": "u"},
                                    {"type": "oauth2-bearer", "token": "t"}])
def test_retrieve_needs_an_oauth2_grant(config):
    with httpx2.Client() as client, pytest.raises(ConnectorError) as info:
        retrieve_token(config, client=client, cache=TokenCache())
    assert info.value.code == "INPUT_ERROR" and info.value.field == "authentication.type"
