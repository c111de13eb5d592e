"""The transports under the runtime's clients: curl (the default), urllib3's pool and httpx2's own
(`Runtime(transport="urllib3" / "httpx2")`) answer alike; request URLs never reach their logs with a
secret in them; an async call given up while in flight frees its worker and connection; the pool's
hooks for a call deadline (`clamp`) and a destination policy (`resolve`) hold."""
from __future__ import annotations

import asyncio
import logging

import pytest

from feelish import Connector, Literal, Runtime
from feelish.connector.async_transport import AsyncPoolTransport
from feelish.connector.curl_transport import CurlTransport
from feelish.connector.fast_transport import PoolTransport


def _connector(runtime, fields):
    return Connector.from_mapping({"connectionTimeoutInSeconds": 5, "readTimeoutInSeconds": 5,
                                   **fields}, runtime=runtime)


@pytest.fixture(params=["curl", "urllib3", "httpx2"])
def runtime(request, tmp_path):
    rt = Runtime(transport=request.param, trust_env=False, secrets={"KEY": "k-Secret-4c3d"},
                 document_folder=tmp_path)
    yield rt
    rt.close()


def test_the_default_transport_is_curl_and_urllib3_is_selected_by_name():
    rt = Runtime(trust_env=False)
    try:
        assert isinstance(rt.client()._transport, CurlTransport)
    finally:
        rt.close()
    for name in ("urllib3", "pool"):  # the fallback where pycurl cannot be imported
        rt = Runtime(trust_env=False, transport=name)
        try:
            assert rt.transport == "urllib3" and isinstance(rt.client()._transport, PoolTransport)
        finally:
            rt.close()
    with pytest.raises(ValueError, match="transport must be one of curl, urllib3, pool, httpx2"):
        Runtime(transport="requests")


def test_both_transports_send_and_read_alike(runtime, httpbin_url):
    conn = _connector(runtime, {"url": Literal(f"{httpbin_url}/anything/a%20b"), "method": '"PUT"',
                                "queryParameters": '{q: "x y", n: [1, 2]}',
                                "headers": '{"X-Twice": "one"}', "body": '{k: "v"}'})
    out = conn.run()
    body = out.response["body"]
    assert out.response["status"] == 200 and out.response["reason"] == "OK"
    assert body["method"] == "PUT" and body["url"].endswith("/anything/a%20b?q=x%20y&n=1&n=2")
    assert body["json"] == {"k": "v"} and body["headers"]["X-Twice"] == "one"
    gz = _connector(runtime, {"url": Literal(f"{httpbin_url}/gzip")}).run()
    assert gz.response["body"]["gzipped"] is True
    chunked = _connector(runtime, {"url": Literal(f"{httpbin_url}/stream/3")}).run()
    assert chunked.response["status"] == 200 and "\n" in chunked.response["body"]


def test_async_on_both_transports(runtime, httpbin_url):
    conn = _connector(runtime, {"url": '"' + httpbin_url + '/get?i=" + string(i)'})

    async def many():
        return await asyncio.gather(*(conn.run_async({"i": i}) for i in range(30)))
    outs = asyncio.run(many())
    assert [o.response["body"]["args"]["i"] for o in outs] == [str(i) for i in range(30)]


def test_secrets_in_urls_never_reach_urllib3_logs(runtime, httpbin_url, caplog):
    conn = _connector(runtime, {"url": '"' + httpbin_url + '/get?api_key=" + "<<secrets.KEY>>"'})
    with caplog.at_level(logging.DEBUG):
        conn.run()
        asyncio.run(conn.run_async())
    assert "/get?api_key=" in caplog.text and "k-Secret-4c3d" not in caplog.text


def test_an_abandoned_async_call_frees_its_worker(httpbin_url):
    async def scenario():
        transport = AsyncPoolTransport(workers=1)
        import httpx2
        async with httpx2.AsyncClient(transport=transport) as client:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.get(f"{httpbin_url}/delay/1"), 0.1)
            # the one worker finishes the abandoned exchange, closes it, then serves this call
            response = await client.get(f"{httpbin_url}/get")
            return response.status_code, response.json()["url"]
    assert asyncio.run(scenario()) == (200, f"{httpbin_url}/get")


@pytest.mark.parametrize("transport_cls", [PoolTransport, CurlTransport])
def test_a_clamp_bounds_every_read_of_the_transport(fault_url, transport_cls):
    """`clamp` (the whole-call deadline's hook) shortens each read: a body that stalls after its
    headers ends in ReadTimeout although the request's own read timeout is long."""
    import time

    import httpx2
    end = time.monotonic() + 0.5

    def clamp(timeout):
        left = end - time.monotonic()
        return left if timeout is None or left < timeout else timeout
    with httpx2.Client(transport=transport_cls(clamp=clamp), timeout=30) as client:
        with pytest.raises(httpx2.ReadTimeout):
            client.get(f"{fault_url}/slow-body?seconds=5")
    with httpx2.Client(transport=transport_cls(clamp=lambda timeout: 0), timeout=30) as client:
        with pytest.raises(httpx2.ConnectTimeout, match="deadline has passed"):
            client.get(f"{fault_url}/json")


def test_resolve_decides_where_the_pool_connects(httpbin_url):
    """`resolve` (the destination policy's hook) gives the addresses to connect to, or refuses."""
    import httpx2

    from feelish.errors import ConnectorError
    port = int(httpbin_url.rsplit(":", 1)[1])
    seen = []

    def to_loopback(host, port_):
        seen.append((host, port_))
        return ["127.0.0.1"]
    with httpx2.Client(transport=PoolTransport(resolve=to_loopback)) as client:
        response = client.get(f"http://api.feelish.invalid:{port}/headers")
    assert response.json()["headers"]["Host"] == f"api.feelish.invalid:{port}"
    assert seen == [("api.feelish.invalid", port)]

    def refuse(host, port_):
        raise ConnectorError("DESTINATION_REFUSED", f"{host} is refused")

    async def refused_async():
        async with httpx2.AsyncClient(transport=AsyncPoolTransport(resolve=refuse)) as client:
            await client.get(httpbin_url + "/get")
    with httpx2.Client(transport=PoolTransport(resolve=refuse)) as client:
        with pytest.raises(ConnectorError, match="127.0.0.1 is refused"):
            client.get(httpbin_url + "/get")
    with pytest.raises(ConnectorError, match="127.0.0.1 is refused"):
        asyncio.run(refused_async())
