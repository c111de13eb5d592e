"""Refresh-token rotation reaches the caller: `Outcome.token` and `response.token` carry the token
a call obtained, through `run` and `run_async`, against the authlib OAuth2 server of tests/auth
(its refresh grant rotates: the old refresh token is revoked when a new one is issued)."""
from __future__ import annotations

import asyncio

import httpx2
import pytest

from feelish import Connector, ConnectorError, Runtime

CLIENT_SECRET = "post-secret-1"


def first_refresh_token(base: str, scope: str = "read write") -> str:
    """A refresh token from the password grant, fetched directly (not through feelish)."""
    answer = httpx2.post(f"{base}/token", data={
        "grant_type": "password", "username": "alice", "password": "wonderland-pw",
        "client_id": "post-client", "client_secret": CLIENT_SECRET, "scope": scope}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["refresh_token"]


def refresh_connector(base: str, runtime: Runtime) -> Connector:
    return Connector.from_mapping({
        "url": f'"{base}/api/me"',
        "authentication": '{type: "oauth2-refresh-token", tokenEndpoint: "' + base + '/token", '
                          'clientId: "post-client", clientSecret: "<<secrets.CS>>", refreshToken: rt}',
        "resultExpression": "{user: response.body.user, newRefreshToken: response.token.refresh_token,"
                            " expiresAt: response.token.expires_at}",
        "readTimeoutInSeconds": 5,
    }, inputs=["rt"], runtime=runtime)


def fresh_runtime(tmp_path) -> Runtime:
    return Runtime(secrets={"CS": CLIENT_SECRET}, document_folder=tmp_path, trust_env=False)


def test_run_returns_the_rotated_refresh_token(oauth, tmp_path):
    base, state = oauth
    old = first_refresh_token(base)
    with fresh_runtime(tmp_path) as runtime:
        outcome = refresh_connector(base, runtime).run({"rt": old})
    new = outcome.token["refresh_token"]
    assert new and new != old
    assert outcome.token["access_token"] and outcome.token["expires_at"] > 0
    assert outcome.outputs == {"user": "alice", "newRefreshToken": new,
                               "expiresAt": outcome.token["expires_at"]}
    # the token stays out of the response context, the repr and the warnings
    assert "token" not in outcome.response
    assert outcome.token["access_token"] not in repr(outcome)
    assert not outcome.warnings
    # rotation really happened at the server: the old refresh token is dead, the new one works
    with fresh_runtime(tmp_path) as runtime:
        with pytest.raises(ConnectorError) as info:
            refresh_connector(base, runtime).run({"rt": old})
        assert info.value.code == "invalid_grant"
        assert old not in str(info.value) and old not in repr(info.value.to_dict())
        again = refresh_connector(base, runtime).run({"rt": new})
    assert again.token["refresh_token"] not in (old, new)


def test_a_cached_token_is_not_reported_again(oauth, tmp_path):
    base, state = oauth
    rt = first_refresh_token(base)
    with fresh_runtime(tmp_path) as runtime:
        connector = refresh_connector(base, runtime)
        first = connector.run({"rt": rt})
        second = connector.run({"rt": rt})
    assert first.token is not None
    assert second.token is None
    assert second.outputs == {"user": "alice", "newRefreshToken": None, "expiresAt": None}
    assert second.response["body"]["user"] == "alice"


def test_run_async_returns_each_call_its_own_token(oauth, tmp_path):
    base, state = oauth
    scopes = ["read", "write", "admin"]  # tells the three grants apart at the server
    olds = [first_refresh_token(base, scope) for scope in scopes]
    state.token_delay = 0.2  # the three token requests overlap

    async def main():
        async with fresh_runtime(tmp_path) as runtime:
            connector = refresh_connector(base, runtime)
            return await asyncio.gather(*(connector.run_async({"rt": old}) for old in olds))
    try:
        outcomes = asyncio.run(main())
    finally:
        state.token_delay = 0.0
    news = [o.token["refresh_token"] for o in outcomes]
    assert len(set(news)) == 3 and not set(news) & set(olds)
    for outcome, new, scope in zip(outcomes, news, scopes):
        assert outcome.outputs["newRefreshToken"] == new
        # each call got the token of its own grant (no cross-talk between concurrent calls)
        assert outcome.response["body"]["scope"] == scope
        with state.lock:
            assert state.refresh[new].scope == scope
    # the rotated tokens are usable in a later async call
    async def later():
        async with fresh_runtime(tmp_path) as runtime:
            return await refresh_connector(base, runtime).run_async({"rt": news[0]})
    assert asyncio.run(later()).token["refresh_token"] not in news


def test_token_kind_reports_a_fetched_token(oauth, tmp_path):
    base, state = oauth
    with fresh_runtime(tmp_path) as runtime:
        connector = Connector.from_mapping({
            "kind": "token",
            "authentication": '{type: "oauth2-client-credentials", tokenEndpoint: "' + base + '/token", '
                              'clientId: "post-client", clientSecret: "<<secrets.CS>>"}',
            "resultExpression": "{at: response.token.access_token}"}, runtime=runtime)
        first, second = connector.run(), connector.run()
    assert first.token["access_token"] == first.response["body"]["access_token"] == first.outputs["at"]
    assert second.token is None and second.response["body"]["access_token"] == first.token["access_token"]
