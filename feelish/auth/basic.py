"""HTTP Basic authentication: preemptive by default, or answering a 401 Basic challenge."""
from __future__ import annotations

from base64 import b64encode
from collections.abc import Generator

import httpx2

from .config_fields import Fields


def basic_header(username: str, password: str | None) -> str:
    """`Basic base64(user:pass)`; a missing password is sent as empty (`user:`)."""
    raw = f"{username}:{password or ''}".encode("utf-8")
    return "Basic " + b64encode(raw).decode("ascii")


class BasicAuthentication(httpx2.Auth):
    """Basic credentials.  `preemptive=False` sends the request bare first and repeats it with
    the header only when the server answers 401 with a `Basic` challenge."""

    requires_request_body = True  # a non-preemptive retry re-sends the body

    def __init__(self, username: str, password: str | None, *, preemptive: bool = True):
        self.username = username
        self._header = basic_header(username, password)
        self.preemptive = preemptive

    def auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response, None]:
        if self.preemptive:
            request.headers["Authorization"] = self._header
            yield request
            return
        response = yield request
        challenges = response.headers.get_list("www-authenticate") if response.status_code == 401 else []
        if any(c.strip().lower().startswith("basic") for c in challenges):
            request.headers["Authorization"] = self._header
            yield request

    def __repr__(self) -> str:
        return f"BasicAuthentication(username=***, password=***, preemptive={self.preemptive})"


def from_config(fields: Fields) -> BasicAuthentication:
    username = fields.text("username", required=True, secret=True)
    password = fields.text("password", secret=True)
    preemptive = fields.boolean("preemptive", True)
    return BasicAuthentication(username, password, preemptive=preemptive)
