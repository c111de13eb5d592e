"""basic, digest, bearer, apiKey and custom headers against a real httpbin on 127.0.0.1."""
from __future__ import annotations

import asyncio

import httpx2
import pytest

from feelish.auth import TokenCache, build_auth


def call(url: str, config, **kw) -> httpx2.Response:
    with httpx2.Client(timeout=10) as client:
        return client.get(url, auth=build_auth(config, cache=TokenCache()), **kw)


def test_basic_preemptive(httpbin_url):
    response = call(f"{httpbin_url}/basic-auth/ann/s3cret", {"type": "basic", "username": "ann",
                                                             "password": "s3cret"})
    assert response.status_code == 200
    assert response.json() == {"authenticated": True, "user": "ann"}
    assert len(response.history) == 0  # one request: the header went out first time


def test_basic_wrong_password_is_refused(httpbin_url):
    response = call(f"{httpbin_url}/basic-auth/ann/s3cret", {"type": "basic", "username": "ann",
                                                             "password": "nope"})
    assert response.status_code == 401


def test_basic_non_preemptive_answers_the_challenge(httpbin_url):
    config = {"type": "basic", "username": "ann", "password": "s3cret", "preemptive": False}
    seen = []
    hooks = {"request": [lambda request: seen.append("authorization" in request.headers)]}
    with httpx2.Client(timeout=10, event_hooks=hooks) as client:
        response = client.get(f"{httpbin_url}/basic-auth/ann/s3cret",
                              auth=build_auth(config, cache=TokenCache()))
    assert response.status_code == 200
    assert [r.status_code for r in response.history] == [401]
    assert seen == [False, True]


def test_basic_non_preemptive_sends_nothing_without_a_challenge(httpbin_url):
    config = {"type": "basic", "username": "ann", "password": "s3cret", "preemptive": False}
    response = call(f"{httpbin_url}/headers", config)
    assert response.status_code == 200 and response.history == []
    assert "Authorization" not in response.json()["headers"]


def test_basic_non_preemptive_replays_a_post_body(httpbin_url):
    with httpx2.Client(timeout=10) as client:
        auth = build_auth({"type": "basic", "username": "u", "password": "p", "preemptive": False},
                          cache=TokenCache())
        # httpbin's /basic-auth is GET-only; /anything has no challenge, so check the body is intact
        response = client.post(f"{httpbin_url}/anything", json={"a": 1}, auth=auth)
    assert response.json()["json"] == {"a": 1}


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256"])
def test_digest(httpbin_url, algorithm):
    config = {"type": "digest", "username": "dan", "password": "dig-pw"}
    response = call(f"{httpbin_url}/digest-auth/auth/dan/dig-pw/{algorithm}", config)
    assert response.status_code == 200
    assert response.json() == {"authenticated": True, "user": "dan"}
    assert response.request.headers["authorization"].startswith("Digest ")


def test_digest_wrong_password(httpbin_url):
    config = {"type": "digest", "username": "dan", "password": "bad"}
    assert call(f"{httpbin_url}/digest-auth/auth/dan/dig-pw/MD5", config).status_code == 401


def test_bearer(httpbin_url):
    response = call(f"{httpbin_url}/bearer", {"type": "bearer", "token": "tok-123"})
    assert response.status_code == 200 and response.json()["token"] == "tok-123"
    assert call(f"{httpbin_url}/bearer", None).status_code == 401


def test_oauth2_bearer_with_an_earlier_token(httpbin_url):
    response = call(f"{httpbin_url}/bearer", {"type": "oauth2-bearer", "token": "earlier-1"})
    assert response.json()["token"] == "earlier-1"


def test_api_key_header_and_query(httpbin_url):
    response = call(f"{httpbin_url}/headers", {"type": "apiKey", "name": "X-Api-Key", "value": "k-1"})
    assert response.json()["headers"]["X-Api-Key"] == "k-1"
    response = call(f"{httpbin_url}/get", {"type": "apiKey", "location": "query", "name": "key",
                                           "value": "k 2"}, params={"q": "x"})
    assert response.json()["args"] == {"q": "x", "key": "k 2"}


def test_custom_headers(httpbin_url):
    response = call(f"{httpbin_url}/headers", {"type": "headers",
                                               "headers": {"X-One": "1", "X-Two": "two"}})
    got = response.json()["headers"]
    assert got["X-One"] == "1" and got["X-Two"] == "two"


def test_modes_work_on_the_async_client(httpbin_url):
    async def main():
        async with httpx2.AsyncClient(timeout=10) as client:
            cache = TokenCache()
            basic = await client.get(f"{httpbin_url}/basic-auth/a/b", auth=build_auth(
                {"type": "basic", "username": "a", "password": "b", "preemptive": False}, cache=cache))
            digest = await client.get(f"{httpbin_url}/digest-auth/auth/a/b/MD5", auth=build_auth(
                {"type": "digest", "username": "a", "password": "b"}, cache=cache))
            return basic.status_code, digest.status_code
    assert asyncio.run(main()) == (200, 200)
