"""Credentials stay with their origin: a followed call's request carries a `Guard` (a request
extension httpx2 hands to every hop; the client runs it as a request hook).  It notes every
credential on the first hop and strips them all on a hop to another scheme, host or port; https ->
http is refused (`REDIRECT_REFUSED`).  `keepCredentialsOnRedirect` and `allowInsecureRedirects`
change that (docs/security.md, "Redirects")."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import httpx2

from ..errors import ConnectorError

EXTENSION = "feelish.redirect_guard"
_ALWAYS = frozenset({"authorization", "proxy-authorization", "cookie"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class RedirectRules:
    """`followRedirects`, `keepCredentialsOnRedirect`, `allowInsecureRedirects`."""

    follow: bool = False
    keep_credentials: bool = False
    allow_insecure: bool = False


def origin(url: httpx2.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme)


class Guard:
    """The redirect guard of one request (see the module docstring)."""

    __slots__ = ("rules", "holds_secret", "built_headers", "built_params", "origin",
                 "credential_headers", "credential_params", "stripped")

    def __init__(self, request: httpx2.Request, rules: RedirectRules,
                 holds_secret: Callable[[str], bool]):
        self.rules = rules
        self.holds_secret = holds_secret
        # what the connector built, before the authentication adds its part
        self.built_headers = {name.lower() for name in request.headers}
        self.built_params = {name for name, _ in request.url.params.multi_items()}
        self.origin: tuple | None = None
        self.credential_headers: set[str] = set()
        self.credential_params: set[str] = set()
        self.stripped = False

    def check(self, request: httpx2.Request) -> None:
        if self.origin is None:
            self._note_credentials(request)
            return
        here = origin(request.url)
        if here == self.origin:
            return
        if self.origin[0] == "https" and here[0] == "http" and not self.rules.allow_insecure:
            raise ConnectorError("REDIRECT_REFUSED", "a redirect from https to http was refused "
                                 "(set allowInsecureRedirects to follow it)")
        if not self.rules.keep_credentials:
            self._strip(request)

    def _note_credentials(self, request: httpx2.Request) -> None:
        self.origin = origin(request.url)
        holds = self.holds_secret
        for name, value in request.headers.multi_items():
            low = name.lower()
            if low in _ALWAYS or low not in self.built_headers or holds(value):
                self.credential_headers.add(low)
        for name, value in request.url.params.multi_items():
            if name not in self.built_params or holds(value) or holds(name):
                self.credential_params.add(name)

    def _strip(self, request: httpx2.Request) -> None:
        self.stripped = True
        holds = self.holds_secret
        for name, value in list(request.headers.multi_items()):
            if name.lower() in self.credential_headers or holds(value):
                request.headers.pop(name, None)
        url = request.url
        for name, value in list(url.params.multi_items()):
            if name in self.credential_params or holds(value) or holds(name):
                url = url.copy_remove_param(name)
        if url is not request.url:
            request.url = url


def attach_guard(request: httpx2.Request, rules: RedirectRules | None,
                 holds_secret: Callable[[str], bool]) -> httpx2.Request:
    """Give `request` a guard when the call follows redirects (a fresh extensions dict: the
    prepared one is shared by calls)."""
    if rules is not None and rules.follow:
        request.extensions = {**request.extensions, EXTENSION: Guard(request, rules, holds_secret)}
    return request


def check_hop(request: httpx2.Request) -> None:
    """The client's request hook: applies the request's guard, if it has one."""
    guard = request.extensions.get(EXTENSION)
    if guard is not None:
        guard.check(request)


async def acheck_hop(request: httpx2.Request) -> None:
    check_hop(request)


__all__ = ["EXTENSION", "Guard", "RedirectRules", "acheck_hop", "check_hop", "attach_guard",
           "origin"]
