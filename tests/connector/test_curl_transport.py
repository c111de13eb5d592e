"""The curl transport (the default) and its direct path: a plain call sends exactly the bytes
httpx2's client path sends; hostile heads (too many headers, an over-long line) end in an error
on curl as on urllib3; the address curl connects to is the one the destination policy checks;
a call given up on the event loop frees its handle; calls past the connection limit wait a
bounded time (test_transports.py checks curl's deadline hook next to urllib3's)."""
from __future__ import annotations

import asyncio

import httpx2
import pycurl
import pytest

from feelish import Connector, ConnectorError, Literal, Runtime
from feelish.connector.curl_async import AsyncCurlTransport
from feelish.connector.curl_transport import CurlTransport
from feelish.connector.guard import DestinationPolicy


def _connector(runtime, fields):
    return Connector.from_mapping({"connectionTimeoutInSeconds": 5, "readTimeoutInSeconds": 5,
                                   **fields}, runtime=runtime)


@pytest.fixture
def curl_runtime(tmp_path):
    rt = Runtime(trust_env=False, document_folder=tmp_path)
    yield rt
    rt.close()


CASES = [
    {"url": "/echo/a%20b?x=1"},
    {"method": '"POST"', "body": '{k: "v", n: [1, 2]}'},
    {"method": '"PUT"', "body": '"plain text"', "headers": '{"X-Empty": "", "X-Two": "2"}'},
    {"method": '"POST"'},
    {"method": '"PATCH"', "body": '"é"', "headers": '{"Content-Type": "text/plain"}'},
    {"method": '"DELETE"', "queryParameters": '{q: "a b", r: ["1", "2"]}'},
    {"method": '"POST"', "body": '{"a": "b"}', "headers": '{"Content-Type": "application/x-www-form-urlencoded"}'},
]


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_the_direct_path_sends_what_the_client_path_sends(fault_url, tmp_path, case, asynchronous):
    """The same call through httpx2's client (a follow-redirects call never takes the direct
    path) and directly: the server receives the same bytes."""
    fields = dict(CASES[case])
    fields["url"] = Literal(fault_url + fields.get("url", "/echo"))
    seen = []
    for follow in (False, True):
        with Runtime(trust_env=False, document_folder=tmp_path) as rt:
            conn = _connector(rt, {**fields, "followRedirects": "true" if follow else "false",
                                   "responseFormat": '"text"'})
            out = asyncio.run(conn.run_async()) if asynchronous else conn.run()
            seen.append(out.response)
    direct, through_client = seen
    assert direct["status"] == through_client["status"] == 200
    assert direct["body"] == through_client["body"]
    assert direct["body"].startswith(CASES[case].get("method", '"GET"').strip('"'))


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_a_body_in_many_blocks_reads_the_same_directly_and_through_the_client(fault_url, tmp_path,
                                                                             asynchronous):
    """A 300 KB echo arrives in many blocks: the direct path's whole-body read (one coroutine on
    the loop) gives what httpx2's client path gives."""
    text = "".join(f"{i:06d}" for i in range(50_000))
    seen = []
    for follow in (False, True):
        with Runtime(trust_env=False, document_folder=tmp_path) as rt:
            conn = _connector(rt, {"url": Literal(f"{fault_url}/echo"), "method": '"POST"',
                                   "body": Literal(text), "responseFormat": '"text"',
                                   "followRedirects": "true" if follow else "false"})
            out = asyncio.run(conn.run_async()) if asynchronous else conn.run()
            seen.append(out.response["body"])
    assert seen[0] == seen[1] and seen[0].endswith(text)


@pytest.mark.parametrize("transport", ["curl", "urllib3"])
@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_a_head_with_too_many_headers_is_refused(fault_url, tmp_path, transport, asynchronous):
    with Runtime(trust_env=False, document_folder=tmp_path, transport=transport) as rt:
        ok = _connector(rt, {"url": Literal(f"{fault_url}/many-headers?count=20")})
        out = asyncio.run(ok.run_async()) if asynchronous else ok.run()
        assert out.response["body"] == {"ok": True} and out.response["headers"]["X-H-19"] == "19"
        many = _connector(rt, {"url": Literal(f"{fault_url}/many-headers?count=150")})
        with pytest.raises(ConnectorError) as caught:
            asyncio.run(many.run_async()) if asynchronous else many.run()
    assert caught.value.code == "CONNECTION_ERROR" and caught.value.response is None


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_an_over_long_header_line_is_refused_on_curl(fault_url, curl_runtime, asynchronous):
    conn = _connector(curl_runtime, {"url": Literal(f"{fault_url}/long-header?size=70000")})
    with pytest.raises(ConnectorError) as caught:
        asyncio.run(conn.run_async()) if asynchronous else conn.run()
    assert caught.value.code == "CONNECTION_ERROR"
    fine = _connector(curl_runtime, {"url": Literal(f"{fault_url}/long-header?size=8000")})
    assert len(fine.run().response["headers"]["X-Long"]) == 8000


def test_the_address_curl_connects_to_is_checked(fault_url):
    """The policy allows the network 127.0.0.1/32; curl is told to connect elsewhere (127.0.0.2,
    what a rebinding name would give it): the check sees the address curl uses and refuses."""
    policy = DestinationPolicy.of(["127.0.0.1/32"])
    port = int(fault_url.rsplit(":", 1)[1])
    transport = CurlTransport(policy=policy)
    with httpx2.Client(transport=transport) as client:
        assert client.get(f"{fault_url}/json").json() == {"ok": True}
    rebinding = CurlTransport(policy=policy)
    rebinding._options.append((pycurl.CONNECT_TO, [f"127.0.0.1:{port}:127.0.0.2:{port}"]))
    with httpx2.Client(transport=rebinding) as client:
        with pytest.raises(ConnectorError) as caught:
            client.get(f"{fault_url}/json")
    assert caught.value.code == "DESTINATION_REFUSED" and "127.0.0.2" in caught.value.message


def test_an_abandoned_call_on_the_loop_frees_its_handle(fault_url):
    async def scenario():
        transport = AsyncCurlTransport()
        async with httpx2.AsyncClient(transport=transport) as client:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.get(f"{fault_url}/slow-body?seconds=3"), 0.2)
            multi = transport.loop_multi()
            assert not multi._running  # given up: off the multi handle
            response = await client.get(f"{fault_url}/json")
            return response.status_code, response.json()
    assert asyncio.run(scenario()) == (200, {"ok": True})


def test_request_headers_cannot_split_the_request(fault_url):
    with httpx2.Client(transport=CurlTransport()) as client:
        with pytest.raises(httpx2.LocalProtocolError):
            client.get(f"{fault_url}/echo", headers={"X-A": "1\r\nX-Injected: 2"})


def test_large_uploads_go_in_pieces_and_arrive_whole(fault_url, curl_runtime):
    text = "x" * 300_000
    out = _connector(curl_runtime, {"url": Literal(f"{fault_url}/echo"), "method": '"POST"',
                                    "body": Literal(text), "responseFormat": '"text"'}).run()
    echoed = out.response["body"]
    assert isinstance(echoed, str) and echoed.endswith(text) and "expect" not in echoed.lower()


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_a_large_download_arrives_whole_through_the_held_buffer(fault_url, curl_runtime, asynchronous):
    """3 MB: more than the 256 KiB a transfer buffers before it waits for its reader."""
    conn = _connector(curl_runtime, {"url": Literal(f"{fault_url}/huge?size=3000000")})
    out = asyncio.run(conn.run_async()) if asynchronous else conn.run()
    doc = out.response["document"]
    with open(doc["path"], "rb") as handle:
        data = handle.read()
    assert doc["size"] == len(data) == 3_000_000 and set(data) == {ord("x")}


def test_calls_past_the_connection_limit_wait_at_most_the_pool_timeout(fault_url):
    """One connection allowed and held by a slow call: the next call waits for a place no
    longer than its pool timeout; once the place is free, calls go on."""
    async def scenario():
        transport = AsyncCurlTransport(limits=httpx2.Limits(max_connections=1))
        timeout = httpx2.Timeout(5, pool=0.2)
        async with httpx2.AsyncClient(transport=transport, timeout=timeout) as client:
            slow = asyncio.ensure_future(client.get(f"{fault_url}/slow-body?seconds=1"))
            await asyncio.sleep(0.1)
            with pytest.raises(httpx2.PoolTimeout):
                await client.get(f"{fault_url}/json")
            assert (await slow).status_code == 200
            return (await client.get(f"{fault_url}/json")).json()
    assert asyncio.run(scenario()) == {"ok": True}


def test_without_pycurl_the_default_is_urllib3(fault_url):
    """A process where pycurl cannot be imported: urllib3's pool is the default and calls work;
    asking for curl by name is a clear error."""
    import subprocess
    import sys
    script = f"""
import sys
sys.modules["pycurl"] = None  # importing it fails, as where no wheel exists
import feelish
from feelish.connector.fast_transport import PoolTransport
rt = feelish.Runtime(trust_env=False)
assert rt.transport == "urllib3" and isinstance(rt.client()._transport, PoolTransport)
conn = feelish.Connector.from_mapping({{"url": feelish.Literal("{fault_url}/json")}}, runtime=rt)
assert conn.run().response["body"] == {{"ok": True}}
try:
    feelish.Runtime(transport="curl")
except ValueError as exc:
    print("refused:", exc)
rt.close()
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "refused: the curl transport needs pycurl" in done.stdout

