"""Configs for the test OAuth2 server's clients (see oauth_server.py)."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import httpx2

from feelish.auth import authorization_url
from tests.auth.oauth_server import REDIRECT_URI

SECRETS = {"post-client": "post-secret-1", "basic-client": "basic-secret-2",
           "short-client": "short-secret-3", "eternal-client": "eternal-secret"}


def client_credentials(url: str, client: str = "post-client", **more) -> dict:
    auth = "basic" if client == "basic-client" else "body"
    return {"type": "oauth2-client-credentials", "tokenEndpoint": f"{url}/token", "clientId": client,
            "clientSecret": SECRETS[client], "clientAuthentication": auth, **more}


def password(url: str, **more) -> dict:
    return {"type": "oauth2-password", "tokenEndpoint": f"{url}/token", "clientId": "post-client",
            "clientSecret": "post-secret-1", "username": "alice", "password": "wonderland-pw", **more}


def refresh(url: str, refresh_token: str, **more) -> dict:
    return {"type": "oauth2-refresh-token", "tokenEndpoint": f"{url}/token", "clientId": "post-client",
            "clientSecret": "post-secret-1", "refreshToken": refresh_token, **more}


def authorize(url: str, client_id: str = "public-client", scopes: str = "read") -> tuple[str, str]:
    """Do the front-end step against the real server: returns (code, code_verifier)."""
    step = authorization_url(f"{url}/authorize", client_id, redirect_uri=REDIRECT_URI, scopes=scopes)
    response = httpx2.get(step["url"], timeout=10)
    assert response.status_code == 302, response.text
    query = dict(parse_qsl(urlsplit(response.headers["location"]).query))
    assert query["state"] == step["state"]
    return query["code"], step["code_verifier"]


def authorization_code(url: str, code: str, verifier: str | None, **more) -> dict:
    config = {"type": "oauth2-authorization-code", "tokenEndpoint": f"{url}/token",
              "clientId": "public-client", "code": code, "redirectUri": REDIRECT_URI, **more}
    if verifier is not None:
        config["codeVerifier"] = verifier
    return config
