"""HTTP Digest authentication (RFC 7616): httpx2's challenge/response, with a secret-free repr."""
from __future__ import annotations

import httpx2

from .config_fields import Fields


class DigestAuthentication(httpx2.DigestAuth):
    """Answers a 401 `Digest` challenge (MD5, SHA-256, SHA-512, `-sess`, qop=auth)."""

    requires_request_body = True  # the challenged request is sent again

    def __repr__(self) -> str:
        return "DigestAuthentication(username=***, password=***)"


def from_config(fields: Fields) -> DigestAuthentication:
    username = fields.text("username", required=True, secret=True)
    password = fields.text("password", secret=True) or ""
    return DigestAuthentication(username, password)
