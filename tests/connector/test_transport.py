"""Transport: timeouts, TLS (custom CA, mTLS, insecure), proxies, pooling, async, concurrency."""
from __future__ import annotations

import asyncio
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

from feelish import Connector, ConnectorError, InsecureConnectionWarning, Literal, Runtime


def test_read_timeout_says_it_was_a_timeout(make, fault_url):  # complaint 10
    started = time.monotonic()
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(f"{fault_url}/stall?seconds=5"), "readTimeoutInSeconds": 0.3}).run()
    assert info.value.code == "TIMEOUT" and "read timeout" in info.value.message
    assert "0.3 s" in info.value.message and time.monotonic() - started < 3


def test_connection_refused(make):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(f"http://127.0.0.1:{port}/x")}).run()
    assert info.value.code == "CONNECTION_FAILED" and info.value.retryable


def test_connection_reset(make, fault_url):
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(f"{fault_url}/reset")}).run()
    assert info.value.code == "CONNECTION_ERROR"


def test_tls_default_verification_refuses_unknown_ca(make, tls_url):
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(tls_url)}).run()
    assert info.value.code == "TLS_ERROR"


def test_tls_custom_ca_as_file_and_as_pem_text(make, tls_url, tls_material):  # complaint 16
    # a file given by the host as a pathlib.Path (a path text must lie under the allowed roots:
    # tests/connector/test_files.py)
    out = make({"url": Literal(tls_url + "/x"), "caCertificate": Literal(tls_material.ca_pem)}).run()
    assert out.response["body"]["scheme"] == "https"
    out = make({"url": Literal(tls_url + "/y"), "caCertificate": Literal(tls_material.ca_text)}).run()
    assert out.response["body"]["path"] == "/y"
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(tls_url), "caCertificate": Literal(tls_material.other_ca_pem)}).run()
    assert info.value.code == "TLS_ERROR"


def test_mtls(make, mtls_url, tls_material):
    out = make({"url": Literal(mtls_url), "caCertificate": Literal(tls_material.ca_text),
                "clientCertificate": Literal(tls_material.client_cert_text),
                "clientKey": Literal(tls_material.client_key_text)}).run()
    assert out.response["body"]["client_cert"] is True
    with pytest.raises(ConnectorError) as info:  # no client certificate -> the handshake fails
        make({"url": Literal(mtls_url), "caCertificate": Literal(tls_material.ca_text)}).run()
    assert info.value.code in ("TLS_ERROR", "CONNECTION_ERROR")
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(mtls_url), "clientCertificate": Literal(tls_material.client_cert_text)}).run()
    assert info.value.code == "INPUT_ERROR" and info.value.field == "clientKey"


def test_insecure_option_warns(make, tls_url):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = make({"url": Literal(tls_url), "verify": False}).run()
    assert out.response["status"] == 200
    assert any(issubclass(w.category, InsecureConnectionWarning) for w in caught)


def test_proxy_without_credentials(make, proxy_url, httpbin_url, rt):
    out = make({"url": Literal(f"{httpbin_url}/get"), "proxy": Literal(proxy_url)}).run()
    assert out.response["status"] == 200


def test_proxy_with_credentials(make, auth_proxy, httpbin_url):
    user, password = auth_proxy.extra["credentials"].split(":")
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(f"{httpbin_url}/get"), "proxy": Literal(auth_proxy.url)}).run()
    assert info.value.code == "407"  # the proxy itself refused: proof the call went through it
    out = make({"url": Literal(f"{httpbin_url}/get"),
                "proxy": Literal({"url": auth_proxy.url, "username": user, "password": password})}).run()
    assert out.response["status"] == 200


def test_no_proxy_list_bypasses_the_proxy(make, auth_proxy, httpbin_url):  # complaint 17
    out = make({"url": Literal(f"{httpbin_url}/get"), "proxy": Literal(auth_proxy.url),
                "noProxy": Literal(["127.0.0.1"])}).run()
    assert out.response["status"] == 200  # straight to the server: no 407


def test_proxy_password_is_redacted(make, auth_proxy):
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal("http://127.0.0.1:1/x"),
              "proxy": '{url: "' + auth_proxy.url + '", username: "u", password: "<<secrets.PASSWORD>>"}'}).run()
    assert "pw-Secret-1a2b" not in str(info.value) + repr(info.value.to_dict())


def test_one_pooled_client_for_many_calls(httpbin_url, tls_url, tls_material):
    with Runtime(trust_env=False) as runtime:
        c = Connector.from_mapping({"url": Literal(f"{httpbin_url}/get")}, runtime=runtime)
        for _ in range(5):
            c.run()
        assert runtime.client_count == 1
        c2 = Connector.from_mapping({"url": Literal(tls_url), "caCertificate": Literal(tls_material.ca_text)},
                                    runtime=runtime)
        for _ in range(3):
            c2.run()
        assert runtime.client_count == 2  # one per distinct transport settings, not per call


def test_threads_share_the_runtime(make, httpbin_url):
    c = make({"url": '"' + httpbin_url + '/anything/" + string(n)'}, inputs=["n"])
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda n: c.run({"n": n}).response["body"]["url"], range(40)))
    assert [r.rsplit("/", 1)[1] for r in results] == [str(n) for n in range(40)]


def test_async_calls_concurrently(httpbin_url, tmp_path):
    async def main():
        async with Runtime(trust_env=False, document_folder=tmp_path) as runtime:
            c = Connector.from_mapping({"url": f'"{httpbin_url}/delay/1?n=" + string(n)',
                                        "readTimeoutInSeconds": 5}, inputs=["n"], runtime=runtime)
            started = time.monotonic()
            outs = await asyncio.gather(*(c.run_async({"n": n}) for n in range(6)))
            return outs, time.monotonic() - started, runtime.client_count
    outs, elapsed, clients = asyncio.run(main())
    assert [o.response["body"]["args"]["n"] for o in outs] == [str(n) for n in range(6)]
    assert elapsed < 4 and clients == 1  # six 1 s calls overlapped on one async client


def test_async_errors_match_sync(make, fault_url):
    c = make({"url": Literal(f"{fault_url}/stall?seconds=5"), "readTimeoutInSeconds": 0.3})
    with pytest.raises(ConnectorError) as info:
        asyncio.run(c.run_async())
    assert info.value.code == "TIMEOUT"


def test_async_clients_of_finished_loops_are_dropped(httpbin_url, tmp_path):
    with Runtime(trust_env=False, document_folder=tmp_path) as runtime:
        c = Connector.from_mapping({"url": Literal(f"{httpbin_url}/get"), "readTimeoutInSeconds": 5},
                                   runtime=runtime)
        for _ in range(3):
            assert asyncio.run(c.run_async()).response["status"] == 200
        assert runtime.client_count == 1  # only the client of the last loop is kept


def test_pools_are_bounded_when_settings_vary_per_call(httpbin_url, tmp_path, monkeypatch):
    from feelish.connector import runtime as runtime_module
    monkeypatch.setattr(runtime_module, "MAX_POOLS", 3)
    with Runtime(trust_env=False, document_folder=tmp_path) as runtime:
        plain = Connector.from_mapping({"url": Literal(f"{httpbin_url}/get")}, runtime=runtime)
        plain.run()
        varying = Connector.from_mapping({"url": Literal(f"{httpbin_url}/get"), "maxRedirects": "n"},
                                         inputs=["n"], runtime=runtime)
        for n in range(1, 8):
            assert varying.run({"n": n}).response["status"] == 200
        assert runtime.client_count == 3
        assert runtime.default_key in runtime._clients  # the shared default pool is kept
