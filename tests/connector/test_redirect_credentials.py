"""Credentials stay with their origin: real redirects between two loopback servers (two ports),
and from an https server to an http one.  The second server echoes the exact bytes it received,
so each test looks for every credential in them."""
from __future__ import annotations

import base64
from urllib.parse import quote

import pytest

from feelish import Connector, ConnectorError, Literal, Runtime
from tests.servers import start_fault_server

KEY, TOKEN, SIG = "key-Secret-5c7d", "tok-Secret-9f8e", "sig-secret-3b1a"


@pytest.fixture(scope="module")
def other(request):
    """A second fault server: another port is another origin."""
    server = start_fault_server()
    request.addfinalizer(server.close)
    return server


@pytest.fixture(scope="module")
def runtime(tls_material):
    rt = Runtime(secrets={"KEY": KEY, "TOKEN": TOKEN, "SIG": SIG}, trust_env=False)
    yield rt
    rt.close()


def _received(outcome) -> str:
    """The exact request bytes the echo route got (an octet-stream body becomes a document)."""
    document = outcome.response["document"]
    with open(document["path"], "rb") as handle:
        return handle.read().decode("latin-1")


def _forms(secret: str) -> list[str]:
    return [secret, secret.upper(), quote(secret, safe=""), base64.b64encode(secret.encode()).decode()]


def _connector(runtime, url: str, auth: str, **extra) -> Connector:
    fields = {
        "url": repr(url).replace("'", '"'),
        "followRedirects": "true",
        "connectionTimeoutInSeconds": 5, "readTimeoutInSeconds": 5,
        "headers": '{"X-Trace": "trace-1", "X-Sig": upper case("<<secrets.SIG>>"), '
                   '"Cookie": "session=<<secrets.TOKEN>>"}',
        "queryParameters": '{page: "2", sig: lower case("<<secrets.SIG>>")}',
        "authentication": auth,
        **extra,
    }
    return Connector.from_mapping(fields, runtime=runtime)


AUTHS = {
    "api key header": '{type: "apiKey", name: "X-Api-Key", value: "<<secrets.KEY>>"}',
    "api key query": '{type: "apiKey", name: "api_key", value: "<<secrets.KEY>>", location: "query"}',
    "custom headers": '{type: "headers", headers: {"X-Custom-Auth": "<<secrets.KEY>>"}}',
    "bearer": '{type: "bearer", token: "<<secrets.KEY>>"}',
    "basic": '{type: "basic", username: "ann", password: "<<secrets.KEY>>"}',
}


@pytest.mark.parametrize("auth", list(AUTHS), ids=list(AUTHS))
def test_a_redirect_to_another_port_strips_every_credential(runtime, fault_url, other, auth):
    # the first server reflects the query into its Location, as many do
    target = f"{other.url}/echo?page=2&api_key={KEY}&sig={SIG}"
    outcome = _connector(runtime, f"{fault_url}/redirect?to={quote(target, safe='')}", AUTHS[auth]).run()
    received = _received(outcome)
    assert received.startswith("GET /echo")  # the second server answered, the chain was followed
    assert "X-Trace: trace-1" in received and "page=2" in received  # what is not a credential stays
    for secret in (KEY, TOKEN, SIG):
        for form in _forms(secret):
            assert form not in received, (auth, form)
    assert "authorization" not in received.lower() and "cookie" not in received.lower()


def test_the_same_origin_keeps_the_credentials(runtime, fault_url):
    target = f"{fault_url}/echo"
    outcome = _connector(runtime, f"{fault_url}/redirect?to={quote(target, safe='')}",
                         AUTHS["api key header"]).run()
    received = _received(outcome)
    assert f"X-Api-Key: {KEY}" in received and SIG.upper() in received


def test_keep_credentials_on_redirect_lets_them_follow(runtime, fault_url, other):
    target = f"{other.url}/echo"
    outcome = _connector(runtime, f"{fault_url}/redirect?to={quote(target, safe='')}",
                         AUTHS["custom headers"], keepCredentialsOnRedirect="true").run()
    received = _received(outcome)
    assert f"X-Custom-Auth: {KEY}" in received and SIG.upper() in received


def test_https_to_http_is_refused_by_default(runtime, tls_url, tls_material, other):
    target = f"{other.url}/echo"
    c = _connector(runtime, f"{tls_url}/redirect?to={quote(target, safe='')}", AUTHS["api key header"],
                   caCertificate=Literal(tls_material.ca_pem))  # a host Path: trusted where it lies
    with pytest.raises(ConnectorError) as info:
        c.run()
    assert info.value.code == "REDIRECT_REFUSED"
    for secret in (KEY, TOKEN, SIG):
        assert secret not in str(info.value) and secret.upper() not in str(info.value)


def test_https_to_http_when_allowed_goes_without_credentials(runtime, tls_url, tls_material, other):
    target = f"{other.url}/echo?page=2&sig={SIG}"
    c = _connector(runtime, f"{tls_url}/redirect?to={quote(target, safe='')}", AUTHS["bearer"],
                   caCertificate=Literal(tls_material.ca_pem),  # a host Path: trusted where it lies
                   allowInsecureRedirects="true")
    received = _received(c.run())
    assert received.startswith("GET /echo?page=2 ") and "X-Trace: trace-1" in received
    for secret in (KEY, TOKEN, SIG):
        for form in _forms(secret):
            assert form not in received


def test_dry_run_shows_the_redirect_rules(runtime, fault_url):
    spec = _connector(runtime, f"{fault_url}/json", AUTHS["bearer"]).dry_run()
    assert spec.settings["keepCredentialsOnRedirect"] is False
    assert spec.settings["allowInsecureRedirects"] is False


def test_async_calls_strip_credentials_too(runtime, fault_url, other):
    import asyncio

    target = f"{other.url}/echo?page=2&api_key={KEY}"
    c = _connector(runtime, f"{fault_url}/redirect?to={quote(target, safe='')}", AUTHS["api key query"])
    received = _received(asyncio.run(c.run_async()))
    assert received.startswith("GET /echo?page=2 ") and "X-Trace: trace-1" in received
    for secret in (KEY, TOKEN, SIG):
        for form in _forms(secret):
            assert form not in received
