"""The built-in `oauth2-token` connector outputs `refreshToken` and `expiresAt` too, checked
against the authlib OAuth2 server of tests/auth (its refresh grant rotates refresh tokens)."""
from __future__ import annotations

import time

import pytest

from feelish.connector import Runtime
from feelish.errors import ConnectorError
from feelish.templates import load, run_template


def token(base: str, tmp_path, **inputs) -> dict:
    # a runtime per call: its token cache must not answer instead of the server
    with Runtime(document_folder=tmp_path, trust_env=False) as runtime:
        return run_template(load("oauth2-token"), {"tokenEndpoint": f"{base}/token", "clientId": "post-client",
                                                   "clientSecret": "post-secret-1", **inputs},
                            runtime=runtime).outputs


def test_client_credentials_give_expires_at_and_no_refresh_token(oauth, tmp_path):
    base, _ = oauth
    before = int(time.time())
    out = token(base, tmp_path)
    assert out["refreshToken"] is None and out["expiresIn"] == 3600
    assert before + 3600 - 1 <= out["expiresAt"] <= int(time.time()) + 3600 + 1


def test_password_then_refresh_outputs_the_rotated_refresh_token(oauth, tmp_path):
    base, state = oauth
    first = token(base, tmp_path, grantType="password", username="alice", password="wonderland-pw")
    assert first["refreshToken"] and first["expiresAt"] == int(first["expiresAt"]) > time.time()
    second = token(base, tmp_path, grantType="refresh_token", refreshToken=first["refreshToken"])
    assert second["refreshToken"] and second["refreshToken"] != first["refreshToken"]
    assert second["token"] != first["token"] and second["expiresAt"] >= first["expiresAt"]
    with state.lock:  # the server knows the new one and has revoked the old one
        assert second["refreshToken"] in state.refresh and first["refreshToken"] not in state.refresh
    with pytest.raises(ConnectorError) as info:
        token(base, tmp_path, grantType="refresh_token", refreshToken=first["refreshToken"])
    assert info.value.code == "invalid_grant"
