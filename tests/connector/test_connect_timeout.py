"""A real CONNECT timeout, on loopback only (127.0.0.1, never another address).

How the connect is made to stall: a listening socket with `listen(0)` whose accept queue is
filled by connections the test opens and holds without ever accepting them.  Linux then drops
the next SYN (tcp_abort_on_overflow = 0, the default) and the client keeps resending it, so its
`connect()` hangs in the SYN stage, exactly like a firewalled host.  The fixture does not take
this on faith: it keeps connecting (each try bounded by 0.3 s) until one connect itself times
out, and fails loudly if the kernel never stalls, so these tests cannot silently pass on some
other error.  Everything is bounded: the connector's connect timeout is 1 s, each test asserts
its elapsed time, and closing the listener at the end releases every pending connect.
"""
from __future__ import annotations

import asyncio
import socket
import time

import pytest

from feelish import ConnectorError, Literal


@pytest.fixture(scope="module")
def stalled_url():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    held = []
    try:
        for _ in range(8):
            probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            probe.settimeout(0.3)
            held.append(probe)
            try:
                probe.connect(("127.0.0.1", port))
            except TimeoutError:
                break  # the queue is full: the next connect stalls too
        else:
            pytest.fail("the kernel accepted every loopback connect; no way to stall a connect here")
        yield f"http://127.0.0.1:{port}/never"
    finally:
        for sock in held:
            sock.close()
        listener.close()


def fields(url: str, **extra) -> dict:
    return {"url": Literal(url), "connectionTimeoutInSeconds": 1, "readTimeoutInSeconds": 5,
            "resultVariable": "result", "resultExpression": "{status: response.status}", **extra}


def check_connect_timeout(err: ConnectorError) -> None:
    assert err.code == "TIMEOUT"
    assert err.message.startswith("connection timeout") and "1 s" in err.message
    assert "read timeout" not in err.message  # distinct from a read timeout
    assert err.retryable
    assert err.response is None and err.variables == {}  # nothing mapped


def test_connect_timeout_fails_fast_and_says_so(make, stalled_url):
    started = time.monotonic()
    with pytest.raises(ConnectorError) as info:
        make(fields(stalled_url)).run()
    elapsed = time.monotonic() - started
    check_connect_timeout(info.value)
    assert 0.9 <= elapsed < 2.5


def test_connect_timeout_is_retried_for_an_idempotent_method(make, stalled_url):
    started = time.monotonic()
    with pytest.raises(ConnectorError) as info:
        make(fields(stalled_url, retries=1, retryBackoff=0.01)).run()
    elapsed = time.monotonic() - started
    check_connect_timeout(info.value)
    assert 1.9 <= elapsed < 3.5  # two attempts of 1 s each


def test_connect_timeout_is_not_retried_for_post_by_default(make, stalled_url):
    started = time.monotonic()
    with pytest.raises(ConnectorError) as info:
        make(fields(stalled_url, method='"POST"', body="{a: 1}", retries=1, retryBackoff=0.01)).run()
    check_connect_timeout(info.value)
    assert time.monotonic() - started < 1.9  # one attempt only


def test_connect_timeout_async(make, stalled_url):
    started = time.monotonic()
    with pytest.raises(ConnectorError) as info:
        asyncio.run(make(fields(stalled_url)).run_async())
    check_connect_timeout(info.value)
    assert time.monotonic() - started < 2.5
