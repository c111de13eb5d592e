"""HTTPS servers with throwaway trustme certificates: one plain TLS, one requiring a client
certificate (mTLS). Both answer every request with JSON describing it (and the client
certificate's subject, when one was presented).

`TlsMaterial` holds paths to PEM files: the CA (to trust), the server's chain, a client
certificate and its key (for mTLS), and a second, unrelated CA (to prove verification fails).
"""
from __future__ import annotations

import json
from urllib.parse import parse_qs
import ssl
from dataclasses import dataclass
from pathlib import Path

import trustme

from .base import RunningServer, serve_wsgi


@dataclass(frozen=True)
class TlsMaterial:
    ca_pem: Path             # trusted CA bundle for the servers
    client_cert_pem: Path    # client certificate (mTLS)
    client_key_pem: Path     # its private key
    other_ca_pem: Path       # a CA that signed nothing here
    ca_text: str             # the CA bundle as text (for PEM-in-a-field tests)
    client_cert_text: str
    client_key_text: str


def _describe(environ, start_response):
    if environ.get("PATH_INFO") == "/redirect":  # /redirect?to=URL: 302 there (https -> http tests)
        target = parse_qs(environ.get("QUERY_STRING", "")).get("to", ["/"])[0]
        start_response("302 Found", [("Location", target), ("Content-Length", "0")])
        return [b""]
    peer = environ.get("SSL_CLIENT_CERT")
    body = {
        "method": environ["REQUEST_METHOD"],
        "path": environ.get("PATH_INFO", ""),
        "query": environ.get("QUERY_STRING", ""),
        "scheme": environ.get("wsgi.url_scheme"),
        "client_cert": bool(peer),
    }
    data = json.dumps(body).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


class _PeerCertApp:
    """Werkzeug does not expose the peer certificate; mTLS success is proven by the handshake."""

    def __init__(self, mtls: bool):
        self.mtls = mtls

    def __call__(self, environ, start_response):
        environ["SSL_CLIENT_CERT"] = self.mtls
        return _describe(environ, start_response)


def make_material(folder: Path) -> tuple[TlsMaterial, trustme.CA]:
    ca = trustme.CA()
    other = trustme.CA()
    client = ca.issue_cert("client@feelish.test")
    ca_pem = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    other_pem = folder / "other-ca.pem"
    other.cert_pem.write_to_path(str(other_pem))
    cert_pem = folder / "client-cert.pem"
    key_pem = folder / "client-key.pem"
    for blob in client.cert_chain_pems:
        blob.write_to_path(str(cert_pem), append=True)
    client.private_key_pem.write_to_path(str(key_pem))
    material = TlsMaterial(ca_pem, cert_pem, key_pem, other_pem, ca_pem.read_text(),
                           cert_pem.read_text(), key_pem.read_text())
    return material, ca


def start_tls(ca: trustme.CA, *, mtls: bool = False) -> RunningServer:
    server_cert = ca.issue_cert("127.0.0.1", "localhost")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_cert.configure_cert(ctx)
    if mtls:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ca.configure_trust(ctx)
    return serve_wsgi(_PeerCertApp(mtls), ssl_context=ctx)
