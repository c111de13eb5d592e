"""Token endpoints that answer badly: each gives an AuthError with a clear message and code."""
from __future__ import annotations

import httpx2
import pytest

from feelish import AuthError, ConnectorError
from feelish.auth import TOKEN_ERROR, TokenCache, build_auth, retrieve_token


def config(odd, path: str, **more) -> dict:
    return {"type": "oauth2-client-credentials", "tokenEndpoint": f"{odd.url}{path}",
            "clientId": "cid", "clientSecret": "odd-secret-987", **more}


def fail(odd, path: str, **more) -> AuthError:
    with httpx2.Client(timeout=10) as client, pytest.raises(AuthError) as info:
        client.get(f"{odd.url}/never-reached", auth=build_auth(config(odd, path, **more),
                                                               cache=TokenCache()))
    assert isinstance(info.value, ConnectorError)
    return info.value


def test_200_with_an_error_object(odd):
    error = fail(odd, "/pm-token")
    assert error.code == "invalid_client"
    assert error.error == "invalid_client" and error.status == 200
    assert "Client authentication failed" in error.message
    # the server echoed the secret into its description: it is masked
    assert "odd-secret-987" not in error.message and "***" in error.message
    assert "odd-secret-987" not in str(error.to_dict())
    assert odd.state.counts["/never-reached"] == 0


def test_error_object_with_status_description_and_uri(odd):
    error = fail(odd, "/refused", scopes="root")
    assert error.code == "invalid_scope" and error.status == 400
    assert error.error_description == "scope 'root' is not allowed"
    assert error.error_uri == "https://idp.example/docs/scopes"
    assert "https://idp.example/docs/scopes" in error.message and "HTTP 400" in error.message
    assert error.variables == {"error": "invalid_scope", "error_description": "scope 'root' is not allowed",
                               "error_uri": "https://idp.example/docs/scopes", "status": 400}
    assert error.to_dict()["status"] == 400


def test_missing_access_token(odd):
    error = fail(odd, "/no-token")
    assert error.code == TOKEN_ERROR and "no access_token" in error.message


def test_not_json(odd):
    error = fail(odd, "/html")
    assert error.code == TOKEN_ERROR and "not JSON" in error.message
    assert "<html>" not in error.message


def test_server_error_is_retryable(odd):
    error = fail(odd, "/crash")
    assert error.code == TOKEN_ERROR and error.status == 500 and error.retryable
    assert "HTTP 500" in error.message and "exploded" not in error.message


def test_client_error_is_not_retryable(odd):
    assert fail(odd, "/refused").retryable is False


def test_failed_token_requests_are_not_cached(odd):
    cache = TokenCache()
    with httpx2.Client(timeout=10) as client:
        for _ in range(2):
            with pytest.raises(AuthError):
                retrieve_token(config(odd, "/no-token"), client=client, cache=cache)
    assert cache.stats.token_requests == 2 and len(cache) == 0


def test_unreachable_token_endpoint_raises_the_clients_error():
    with httpx2.Client(timeout=2) as client, pytest.raises(httpx2.ConnectError):
        client.get("http://127.0.0.1:9/x", auth=build_auth(
            {"type": "oauth2-client-credentials", "tokenEndpoint": "http://127.0.0.1:9/token",
             "clientId": "c", "clientSecret": "s"}, cache=TokenCache()))
