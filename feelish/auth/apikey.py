"""An API key sent as a header or as a query parameter."""
from __future__ import annotations

from collections.abc import Generator

import httpx2

from .config_fields import Fields, input_error

LOCATIONS = {"headers": "headers", "header": "headers", "query": "query"}


class ApiKeyAuthentication(httpx2.Auth):
    """`name: value` as a request header, or `?name=value` added to the query."""

    def __init__(self, name: str, value: str, *, location: str = "headers"):
        self.name = name
        self._value = value
        self.location = location

    def auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response, None]:
        if self.location == "query":
            request.url = request.url.copy_merge_params({self.name: self._value})
        else:
            request.headers[self.name] = self._value
        yield request

    def __repr__(self) -> str:
        return f"ApiKeyAuthentication(name={self.name!r}, value=***, location={self.location!r})"


def from_config(fields: Fields) -> ApiKeyAuthentication:
    location = fields.choice("location", LOCATIONS, "headers", aliases=("apiKeyLocation",))
    name = fields.text("name", required=True)
    if location == "headers" and not _is_token(name):
        raise input_error("name", "is not a valid header name")
    value = fields.text("value", required=True, secret=True)
    return ApiKeyAuthentication(name, value, location=location)


def _is_token(name: str) -> bool:
    """RFC 9110 token characters (what a header name may contain)."""
    allowed = set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return bool(name) and all(c in allowed for c in name)
