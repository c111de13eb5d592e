"""Shared local test servers, all on 127.0.0.1 with ephemeral ports.

Use the session fixtures of tests/conftest.py (`httpbin_url`, `fault_url`, `tls`, `mtls`,
`tls_material`, `proxy_url`, `auth_proxy`) rather than starting servers yourself.
"""
from .base import RunningServer, serve_wsgi
from .fault_server import start_fault_server
from .httpbin_server import start_httpbin
from .proxy_server import start_proxy
from .redis_server import start_redis
from .tls_server import TlsMaterial, make_material, start_tls

__all__ = ["RunningServer", "serve_wsgi", "start_fault_server", "start_httpbin", "start_proxy", "start_redis",
           "TlsMaterial", "make_material", "start_tls"]
