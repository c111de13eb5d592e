"""The destination policy (issue 9): a runtime that runs templates it did not write can refuse
private, loopback and link-local destinations, checked on the resolved address, on every redirect
hop and for token endpoints, with an allow-list.  Off by default.  The tests turn it on against
the loopback servers (and resolve `localhost` to reach them by name)."""
from __future__ import annotations

import asyncio

import pytest

from feelish import Connector, ConnectorError, Literal, Runtime
from feelish.connector.guard import DestinationPolicy


def _runtime(**options) -> Runtime:
    return Runtime(trust_env=False, refuse_private_destinations=True, **options)


def _connector(runtime, url: str, **fields):
    return Connector.from_mapping({"url": Literal(url), "connectionTimeoutInSeconds": 5,
                                   "readTimeoutInSeconds": 5, **fields}, runtime=runtime)


def _local(url: str) -> str:
    return url.replace("127.0.0.1", "localhost")


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("by_name", [False, True], ids=["address", "name"])
def test_loopback_is_refused_when_the_policy_is_on(fault_url, by_name, asynchronous):
    url = (_local(fault_url) if by_name else fault_url) + "/json"
    with _runtime() as runtime:
        connector = _connector(runtime, url)
        with pytest.raises(ConnectorError) as caught:
            asyncio.run(connector.run_async({})) if asynchronous else connector.run({})
    assert caught.value.code == "DESTINATION_REFUSED"
    assert "127.0.0.1" in caught.value.message or "::1" in caught.value.message


def test_the_policy_is_off_by_default(fault_url):
    with Runtime(trust_env=False) as runtime:
        assert _connector(runtime, fault_url + "/json").run({}).response["status"] == 200


@pytest.mark.parametrize("allow", [["127.0.0.1"], ["127.0.0.0/8"], ["LOCALHOST"], ["*.nowhere", "localhost"]])
def test_the_allow_list(fault_url, allow):
    with _runtime(allowed_destinations=allow) as runtime:
        outcome = _connector(runtime, _local(fault_url) + "/json").run({})
    assert outcome.response["body"] == {"ok": True}


def test_every_redirect_hop_is_checked(fault_url):
    # the first hop goes to an allowed name, the redirect to a refused address
    target = fault_url + "/json"
    with _runtime(allowed_destinations=["localhost"]) as runtime:
        connector = _connector(runtime, _local(fault_url) + "/redirect?to=" + target,
                               followRedirects=True)
        with pytest.raises(ConnectorError) as caught:
            connector.run({})
    assert caught.value.code == "DESTINATION_REFUSED"


def test_a_token_endpoint_is_checked(fault_url):
    auth = {"type": "oauth2-client-credentials", "tokenEndpoint": fault_url + "/json",
            "clientId": "c", "clientSecret": "s"}
    with _runtime(allowed_destinations=["localhost"]) as runtime:
        connector = _connector(runtime, _local(fault_url) + "/json", authentication=Literal(auth))
        with pytest.raises(ConnectorError) as caught:
            connector.run({})
    assert caught.value.code == "DESTINATION_REFUSED"


@pytest.mark.parametrize("address, allowed", [
    ("8.8.8.8", True), ("2606:4700:4700::1111", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
    ("::1", False), ("fe80::1", False), ("fc00::1", False), ("::ffff:127.0.0.1", False),
    ("::ffff:10.0.0.1", False),
])
def test_which_addresses_are_public(address, allowed):
    assert DestinationPolicy.of(()).address_allowed(address) is allowed


def test_allowed_networks_and_names():
    policy = DestinationPolicy.of(["10.1.0.0/16", "*.corp.example", "db.internal"])
    assert policy.address_allowed("10.1.200.3") and not policy.address_allowed("10.2.0.1")
    assert policy.host_allowed("api.corp.example") and policy.host_allowed("DB.internal.")
    assert not policy.host_allowed("corp.example.evil") and not policy.host_allowed("internal")
    with pytest.raises(ValueError):
        DestinationPolicy.of(["10.0.0.0/99"])
