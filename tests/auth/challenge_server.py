"""A tiny server that challenges with Basic and Digest (MD5, qop=auth) for fixed credentials
whose values never appear in a URL (httpbin puts them in the path, which clients log).

  GET /basic   401 `WWW-Authenticate: Basic` unless the Basic credentials match
  GET /digest  401 `WWW-Authenticate: Digest` unless the digest response matches
"""
from __future__ import annotations

import base64
import hashlib
import secrets

from werkzeug.wrappers import Request, Response


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def make_challenge_app(username: str, password: str):
    realm = "feelish-tests"

    def digest_ok(header: str, method: str) -> bool:
        if not header.lower().startswith("digest "):
            return False
        fields = {}
        for part in header[7:].split(","):
            key, _, value = part.strip().partition("=")
            fields[key] = value.strip('"')
        ha1 = _md5(f"{username}:{realm}:{password}")
        ha2 = _md5(f"{method}:{fields.get('uri', '')}")
        expected = _md5(f"{ha1}:{fields.get('nonce')}:{fields.get('nc')}:{fields.get('cnonce')}:"
                        f"{fields.get('qop')}:{ha2}")
        return fields.get("username") == username and fields.get("response") == expected

    def app(environ, start_response):
        request = Request(environ)
        header = request.headers.get("Authorization", "")
        if request.path == "/basic":
            good = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
            if header == good:
                response = Response('{"authenticated": true}', content_type="application/json")
            else:
                response = Response("", status=401, headers={"WWW-Authenticate": f'Basic realm="{realm}"'})
        elif request.path == "/digest":
            if digest_ok(header, request.method):
                response = Response('{"authenticated": true}', content_type="application/json")
            else:
                challenge = (f'Digest realm="{realm}", qop="auth", algorithm=MD5, '
                             f'nonce="{secrets.token_hex(16)}", opaque="{secrets.token_hex(8)}"')
                response = Response("", status=401, headers={"WWW-Authenticate": challenge})
        else:
            response = Response("not found", status=404)
        return response(environ, start_response)

    return app
