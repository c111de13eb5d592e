"""Servers for the authentication tests, all on 127.0.0.1, started once per session:

- `oauth`: the authlib OAuth2 authorization server + protected API (tests/auth/oauth_server.py),
  its recorded state reset before each test (`oauth.url`, `oauth.state`).
- `odd`: token endpoints that answer badly (tests/auth/odd_token_server.py).
- `httpbin_url` comes from tests/conftest.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.auth.odd_token_server import OddState, make_odd_app
from tests.auth.oauth_server import State, make_app
from tests.servers import serve_wsgi


@dataclass
class Served:
    url: str
    state: Any


@pytest.fixture(scope="session")
def _oauth_server(request) -> Served:
    state = State()
    running = serve_wsgi(make_app(state))
    request.addfinalizer(running.close)
    return Served(running.url, state)


@pytest.fixture
def oauth(_oauth_server) -> Served:
    _oauth_server.state.reset()
    return _oauth_server


@pytest.fixture(scope="session")
def odd(request) -> Served:
    state = OddState()
    running = serve_wsgi(make_odd_app(state))
    request.addfinalizer(running.close)
    return Served(running.url, state)
