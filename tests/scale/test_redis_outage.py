"""A Redis outage degrades to each process's own token cache and limits, with one warning,
instead of failing calls; when Redis answers again, sharing resumes.  Against a redis-server of
its own that the test kills (SIGKILL) and starts again on the same port."""
from __future__ import annotations

import logging
import time

import pytest

from feelish import Connector
from tests.auth.helpers import client_credentials
from tests.servers import start_redis


@pytest.fixture
def own_redis():
    server = start_redis()
    yield server
    server.close()


def me(base, runtime) -> Connector:
    return Connector.from_mapping({"url": f'"{base}/api/me"', "authenticationConfiguration": '"cc"',
                                   "resultExpression": "{client: response.body.client_id}"},
                                  runtime=runtime)


def test_calls_go_on_through_an_outage_with_one_warning(oauth, own_redis, runtimes, caplog):
    base, state = oauth
    state.reset()
    settings = {"redis_url": own_redis.url, "credentials": {"cc": client_credentials(base)},
                "rate_limits": {"127.0.0.1": {"perSecond": 200, "concurrent": 4}}}

    def make():
        runtime = runtimes(**settings)
        runtime.token_cache.shared.retry_interval = 0.2  # (the default is 5 s)
        return runtime
    first, second = make(), make()
    assert me(base, first).run().outputs == {"client": "post-client"}
    assert me(base, second).run().outputs == {"client": "post-client"}
    assert state.token_requests == 1

    own_redis.extra["kill"]()
    caplog.set_level(logging.WARNING, logger="feelish.redis")
    for _ in range(5):  # the token each runtime holds keeps working; the limits are local now
        assert me(base, first).run().outputs == {"client": "post-client"}
    late = make()  # a process that starts during the outage gets its own token
    assert me(base, late).run().outputs == {"client": "post-client"}
    assert state.token_requests == 2
    warnings = [r for r in caplog.records if r.name == "feelish.redis"]
    assert all(r.levelno == logging.WARNING for r in warnings)
    assert "unavailable" in warnings[0].getMessage() and "own token cache" in warnings[0].getMessage()
    assert len([r for r in warnings if "unavailable" in r.getMessage()]) == 2  # once per runtime
    assert "post-secret-1" not in caplog.text

    own_redis.extra["restart"]()  # empty: persistence is off
    time.sleep(0.25)  # past the retry interval
    caplog.clear()
    fresh = make()
    assert me(base, late).run().outputs == {"client": "post-client"}  # answers again: logs so
    assert any("answers again" in r.getMessage() for r in caplog.records)
    assert me(base, fresh).run().outputs == {"client": "post-client"}
    assert state.token_requests == 3  # the new Redis was empty: one fetch, now shared again
    assert me(base, make()).run().outputs == {"client": "post-client"}
    assert state.token_requests == 3
