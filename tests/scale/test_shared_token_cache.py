"""The token cache shared through a real redis-server: one token request per credential across
runtimes that share nothing else (each stands for a worker process), keys free of secrets, the
token's lifetime as the Redis TTL, refresh-token rotation kept consistent."""
from __future__ import annotations

import threading

import redis

from feelish import Connector
from feelish.auth import TokenCache, build_auth
from feelish.auth.token_cache_redis import RedisTokenCache
from tests.auth.helpers import client_credentials


def me(base: str, runtime, auth: dict | str = "") -> Connector:
    fields = {"url": f'"{base}/api/me"', "resultExpression": "{client: response.body.client_id}"}
    if isinstance(auth, str):
        fields["authenticationConfiguration"] = '"cc"'
    else:
        fields["authentication"] = auth
    return Connector.from_mapping(fields, runtime=runtime)


def test_runtimes_on_one_redis_share_one_token(oauth, runtimes, redis_url):
    base, state = oauth
    state.reset()
    config = client_credentials(base)
    first, second = runtimes(), runtimes()
    assert isinstance(first.token_cache, RedisTokenCache)
    for runtime in (first, second, first, second):
        assert me(base, runtime, config).run().outputs == {"client": "post-client"}
    assert state.token_requests == 1
    # a third runtime without Redis does not share: it asks for its own token
    alone = runtimes(redis_url=None)
    assert type(alone.token_cache) is TokenCache
    me(base, alone, config).run()
    assert state.token_requests == 2


def test_concurrent_first_calls_on_many_runtimes_make_one_request(oauth, runtimes):
    base, state = oauth
    state.reset()
    state.token_delay = 0.3  # every caller arrives while the one fetch is in flight
    config = client_credentials(base)
    connectors = [me(base, runtimes(), config) for _ in range(4)]
    results, errors = [], []

    def call(connector):
        try:
            results.append(connector.run().outputs)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
    threads = [threading.Thread(target=call, args=(c,)) for c in connectors for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert results == [{"client": "post-client"}] * 20
    assert state.token_requests == 1


def test_redis_holds_no_secret_and_the_ttl_is_the_lifetime(oauth, runtimes, redis_url):
    base, state = oauth
    runtime = runtimes(credentials={"cc": client_credentials(base)})
    me(base, runtime).run()
    client = redis.Redis.from_url(redis_url)
    keys = [k.decode() for k in client.keys("*")]
    token_keys = [k for k in keys if k.startswith("feelish:token:")]
    assert len(token_keys) == 1
    assert not [k for k in keys if k.startswith("feelish:lock:")]  # released after the fetch
    for key in keys:
        assert "post-client" not in key and "post-secret-1" not in key
    everything = b"".join(client.get(k) or b"" for k in keys if client.type(k) == b"string")
    assert b"post-secret-1" not in everything
    ttl = client.pttl(token_keys[0]) / 1000
    assert 3590 < ttl <= 3600  # the server's 3,600 s lifetime


def test_a_401_on_a_shared_token_fetches_one_new_token_for_everyone(oauth, runtimes):
    base, state = oauth
    state.reset()
    config = client_credentials(base)
    first, second = runtimes(), runtimes()
    me(base, first, config).run()
    me(base, second, config).run()
    state.revoke_all()                       # the server forgets the token
    assert me(base, first, config).run().outputs == {"client": "post-client"}
    assert state.token_requests == 2         # the first runtime fetched a new one...
    assert me(base, second, config).run().outputs == {"client": "post-client"}
    assert state.token_requests == 2         # ...which the second found in Redis after its 401


def test_rotated_refresh_tokens_stay_consistent_across_runtimes(oauth, runtimes):
    """short-client tokens live 1 s: each round after that refreshes, and the refresh token
    rotates each time (the server revokes the used one, so a runtime that used a stale one would
    fail with invalid_grant); runtimes taking turns always find the newest one in Redis."""
    import time

    import httpx2

    base, state = oauth
    state.reset()
    answer = httpx2.post(f"{base}/token", data={
        "grant_type": "password", "username": "alice", "password": "wonderland-pw",
        "client_id": "short-client", "client_secret": "short-secret-3"}, timeout=10)
    config = {"type": "oauth2-refresh-token", "tokenEndpoint": f"{base}/token",
              "clientId": "short-client", "clientSecret": "short-secret-3",
              "refreshToken": answer.json()["refresh_token"]}
    pool = [runtimes(), runtimes(), runtimes()]
    for _ in range(3):
        for runtime in pool:
            assert me(base, runtime, config).run().outputs == {"client": "short-client"}
        time.sleep(1.05)  # let the 1 s token expire (the lifetime under test, not a timing check)
    assert state.counts["refresh_token"] == 3 and state.counts["password"] == 1


def test_a_lock_left_by_a_dead_holder_expires(oauth, runtimes, redis_url):
    """A process that died while fetching leaves its Redis lock behind; it expires by itself
    (its TTL), and the next caller then fetches: one request, no deadlock."""
    base, state = oauth
    state.reset()
    runtime = runtimes(token_cache=RedisTokenCache(redis_url, lock_ttl=5))
    config = client_credentials(base)
    key = runtime.token_cache.shared.key("lock", _grant_key(config, runtime))
    client = redis.Redis.from_url(redis_url)
    assert client.set(key, "a-dead-process", px=700)
    assert me(base, runtime, config).run().outputs == {"client": "post-client"}
    assert state.token_requests == 1
    assert client.get(key) is None  # the dead holder's lock expired; ours was released


def _grant_key(config: dict, runtime) -> str:
    return build_auth(config, cache=runtime.token_cache).key
