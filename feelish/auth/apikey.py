"""An API key sent as a header or as a query parameter."""
from __future__ import annotations

import logging
import threading
from collections.abc import Generator

import httpx2

from ..secrets import Redactor
from .config_fields import Fields, input_error

LOCATIONS = {"headers": "headers", "header": "headers", "query": "query"}


class ApiKeyAuthentication(httpx2.Auth):
    """`name: value` as a request header, or `?name=value` added to the query."""

    def __init__(self, name: str, value: str, *, location: str = "headers"):
        self.name = name
        self._value = value
        self.location = location
        if location == "query":
            _URL_LOG_FILTER.add(value)

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


class _UrlLogFilter(logging.Filter):
    """httpx2 and urllib3 log every request URL; a key sent in the query would be in it.  This
    filter, on their loggers, masks the values of query API keys in those records."""

    def __init__(self, limit: int = 1000):
        super().__init__("httpx2")
        self._values: dict[str, None] = {}
        self._limit = limit
        self._lock = threading.Lock()
        self._redactor = Redactor(())
        self._installed = False

    def add(self, value: str) -> None:
        with self._lock:
            if value in self._values:
                return
            self._values[value] = None
            while len(self._values) > self._limit:
                self._values.pop(next(iter(self._values)))
            self._redactor = Redactor(self._values)
            if not self._installed:
                for name in ("httpx2", "urllib3.connectionpool"):  # both log request URLs
                    logging.getLogger(name).addFilter(self)
                self._installed = True

    def filter(self, record: logging.LogRecord) -> bool:
        redactor = self._redactor
        if redactor:
            text = record.getMessage()
            masked = redactor.text(text)
            if masked != text:
                record.msg, record.args = masked, None
        return True


_URL_LOG_FILTER = _UrlLogFilter()
