"""Shared fixtures: real servers on 127.0.0.1, started once per test session, on first use.

- `httpbin_url`   httpbin (werkzeug, threaded)             e.g. http://127.0.0.1:40001
- `fault_url`     the fault-injecting server (tests/servers/fault_server.py lists its routes)
- `tls_material`  trustme PEM files: CA, client cert/key, an unrelated CA (TlsMaterial)
- `tls_url`       HTTPS server with a certificate from that CA
- `mtls_url`      HTTPS server that requires a client certificate from that CA
- `proxy_url`     proxy.py forward proxy, no credentials
- `auth_proxy`    proxy.py requiring Basic credentials: RunningServer, `.extra["credentials"]`
- `redis_server`  Debian's redis-server, persistence off: RunningServer (`.url` = redis://...)
"""
from __future__ import annotations

import pytest

from tests.servers import (make_material, start_fault_server, start_httpbin, start_proxy,
                           start_redis, start_tls)


def _running(request, server):
    request.addfinalizer(server.close)
    return server


@pytest.fixture(scope="session")
def httpbin_url(request) -> str:
    return _running(request, start_httpbin()).url


@pytest.fixture(scope="session")
def fault_server(request):
    return _running(request, start_fault_server())


@pytest.fixture(scope="session")
def fault_url(fault_server) -> str:
    return fault_server.url


@pytest.fixture(scope="session")
def _tls_pair(tmp_path_factory):
    return make_material(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def tls_material(_tls_pair):
    return _tls_pair[0]


@pytest.fixture(scope="session")
def tls_url(request, _tls_pair) -> str:
    return _running(request, start_tls(_tls_pair[1])).url


@pytest.fixture(scope="session")
def mtls_url(request, _tls_pair) -> str:
    return _running(request, start_tls(_tls_pair[1], mtls=True)).url


@pytest.fixture(scope="session")
def proxy_url(request) -> str:
    return _running(request, start_proxy()).url


@pytest.fixture(scope="session")
def auth_proxy(request):
    return _running(request, start_proxy(credentials="proxyuser:proxy-pass-77"))


@pytest.fixture(scope="module")
def oauth(request):
    """The authlib OAuth2 server of tests/auth, one per test module (its request counts start at
    zero there): `(base_url, state)`."""
    from tests.auth.oauth_server import State, make_app
    from tests.servers import serve_wsgi

    state = State()
    running = serve_wsgi(make_app(state))
    request.addfinalizer(running.close)
    return running.url, state


@pytest.fixture(scope="session")
def redis_server(request):
    """One redis-server for the session (tests use their own database number or key prefix)."""
    return _running(request, start_redis())
