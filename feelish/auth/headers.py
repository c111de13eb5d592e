"""Custom authentication header(s) given as a context, e.g. `{"X-Api-Key": "<<secrets.KEY>>"}`."""
from __future__ import annotations

from collections.abc import Generator

import httpx2

from .apikey import _is_token
from .config_fields import Fields, input_error


class HeadersAuthentication(httpx2.Auth):
    """Sets every configured header on each request (replacing a same-named one)."""

    def __init__(self, headers: dict[str, str]):
        self._headers = dict(headers)

    def auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response, None]:
        for name, value in self._headers.items():
            request.headers[name] = value
        yield request

    def __repr__(self) -> str:
        return f"HeadersAuthentication(headers={sorted(self._headers)!r}, values=***)"


def from_config(fields: Fields) -> HeadersAuthentication:
    headers = fields.string_map("headers", required=True, secret_values=True)
    for name in headers:
        if not _is_token(name):
            raise input_error(f"headers.{name}" if len(name) <= 40 else "headers",
                              "is not a valid header name")
    return HeadersAuthentication(headers)
