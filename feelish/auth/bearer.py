"""A bearer token given in the configuration (`bearer`, and `oauth2-bearer` for a token obtained
earlier, e.g. by the token-retrieval connector)."""
from __future__ import annotations

from collections.abc import Generator

import httpx2

from .config_fields import Fields


class BearerAuthentication(httpx2.Auth):
    """Sends `Authorization: <tokenType> <token>` (tokenType defaults to `Bearer`)."""

    def __init__(self, token: str, *, token_type: str = "Bearer"):
        self._header = f"{token_type} {token}"
        self.token_type = token_type

    def auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return f"BearerAuthentication(token=***, token_type={self.token_type!r})"


def from_config(fields: Fields) -> BearerAuthentication:
    token = fields.text("token", required=True, secret=True, aliases=("accessToken", "access_token"))
    return BearerAuthentication(token)


def oauth2_from_config(fields: Fields) -> BearerAuthentication:
    """`oauth2-bearer`: also accepts the whole result of the token-retrieval connector's fields."""
    token = fields.text("token", required=True, secret=True, aliases=("accessToken", "access_token"))
    token_type = fields.text("tokenType", aliases=("token_type",)) or "Bearer"
    if token_type.lower() == "bearer":
        token_type = "Bearer"
    return BearerAuthentication(token, token_type=token_type)
