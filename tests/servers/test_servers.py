"""The shared servers start, answer, and misbehave as documented (each call bounded in time)."""
from __future__ import annotations

import httpx2
import pytest

T = httpx2.Timeout(5.0)


def test_httpbin_answers(httpbin_url):
    r = httpx2.get(f"{httpbin_url}/get?a=1", timeout=T)
    assert r.status_code == 200 and r.json()["args"] == {"a": "1"}


def test_fault_echo_returns_request_bytes(fault_url):
    r = httpx2.post(f"{fault_url}/echo", content=b"hello", timeout=T)
    assert r.content.startswith(b"POST /echo HTTP/1.1\r\n") and r.content.endswith(b"\r\n\r\nhello")


def test_fault_reset_and_stall(fault_url):
    with pytest.raises(httpx2.TransportError):
        httpx2.get(f"{fault_url}/reset", timeout=T)
    with pytest.raises(httpx2.ReadTimeout):
        httpx2.get(f"{fault_url}/stall?seconds=2", timeout=httpx2.Timeout(0.3))


def test_fault_retry_counts(fault_url):
    first = httpx2.get(f"{fault_url}/retry?key=srv&fail=1&after=0", timeout=T)
    second = httpx2.get(f"{fault_url}/retry?key=srv&fail=1&after=0", timeout=T)
    assert (first.status_code, first.headers["retry-after"], second.status_code) == (503, "0", 200)


def test_tls_and_mtls(tls_url, mtls_url, tls_material):
    import ssl
    trust = ssl.create_default_context(cafile=str(tls_material.ca_pem))
    assert httpx2.get(tls_url, verify=trust, timeout=T).json()["scheme"] == "https"
    with pytest.raises(httpx2.ConnectError):
        httpx2.get(tls_url, timeout=T)  # not trusted by the system store
    import ssl
    ctx = ssl.create_default_context(cafile=str(tls_material.ca_pem))
    ctx.load_cert_chain(str(tls_material.client_cert_pem), str(tls_material.client_key_pem))
    assert httpx2.get(mtls_url, verify=ctx, timeout=T).json()["client_cert"] is True
    with pytest.raises(httpx2.TransportError):
        httpx2.get(mtls_url, verify=trust, timeout=T).raise_for_status()


def test_proxies(proxy_url, auth_proxy, httpbin_url):
    assert httpx2.get(f"{httpbin_url}/get", proxy=proxy_url, timeout=T).status_code == 200
    assert httpx2.get(f"{httpbin_url}/get", proxy=auth_proxy.url, timeout=T).status_code == 407
    creds = auth_proxy.extra["credentials"]
    good = auth_proxy.url.replace("http://", f"http://{creds}@")
    assert httpx2.get(f"{httpbin_url}/get", proxy=good, timeout=T).status_code == 200
