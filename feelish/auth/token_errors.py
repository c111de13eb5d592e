"""Turning a token endpoint's answer, whatever its shape, into a token or into a clear `AuthError`
(server text redacted first)."""
from __future__ import annotations

import json
import math
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx2

from ..bounds import TOKEN_RESPONSE_MAX_BYTES, aread_capped, read_capped
from ..errors import AuthError
from ..secrets import Redactor

TOKEN_ERROR = "OAUTH_TOKEN_ERROR"

_MAX_TEXT = 300  # how much of a server-supplied description we repeat


class OAuthTokenError(AuthError):
    """An `AuthError` raised for a token request; carries the OAuth error fields."""

    def __init__(self, code: str, message: str, *, error: str | None = None,
                 description: str | None = None, uri: str | None = None,
                 status: int | None = None, retryable: bool = False):
        variables = {"error": error, "error_description": description, "error_uri": uri,
                     "status": status}
        response = None if status is None else {
            "status": status, "reason": _reason(status), "headers": {}, "body": None,
            "document": None}
        super().__init__(code, message, response=response, retryable=retryable,
                         variables={k: v for k, v in variables.items() if v is not None})
        self.error = error
        self.error_description = description
        self.error_uri = uri
        self.status = status


def _reason(status: int) -> str:
    try:
        return httpx2.codes.get_reason_phrase(status)
    except Exception:  # pragma: no cover - unknown codes
        return ""


def _clip(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "…"


def _json(content: bytes) -> Any:
    try:
        return json.loads(content)  # bytes: UTF-8/16/32 detected as RFC 8259 allows
    except (ValueError, RecursionError):
        return None


def token_body(response: httpx2.Response) -> bytes:
    """A streamed token response's body, decoded in bounded steps and capped at
    TOKEN_RESPONSE_MAX_BYTES (an endless or gzip-bombed answer is an OAUTH_TOKEN_ERROR)."""
    return _keep(response, read_capped(response, TOKEN_RESPONSE_MAX_BYTES, _too_large(response),
                                       _undecodable(response)))


async def atoken_body(response: httpx2.Response) -> bytes:
    return _keep(response, await aread_capped(response, TOKEN_RESPONSE_MAX_BYTES,
                                              _too_large(response), _undecodable(response)))


def _keep(response: httpx2.Response, content: bytes) -> bytes:
    # httpx2 reads a response handed back to an auth flow once more (`read()`); the body we
    # read is its content, as `read()` itself would have stored it
    response._content = content
    return content


def _too_large(response: httpx2.Response):
    return lambda limit: OAuthTokenError(TOKEN_ERROR, f"the token response is larger than {limit} "
                                         "bytes", status=response.status_code)


def _undecodable(response: httpx2.Response):
    return lambda message: OAuthTokenError(TOKEN_ERROR, f"token response: {message}",
                                           status=response.status_code)


def error_from_object(body: dict, *, status: int, grant: str, redactor: Redactor) -> OAuthTokenError:
    """An RFC 6749 §5.2 error object -> `OAuthTokenError`."""
    error = _clip(redactor.text(str(body.get("error"))))
    desc = body.get("error_description")
    uri = body.get("error_uri")
    desc = _clip(redactor.text(str(desc))) if desc not in (None, "") else None
    uri = _clip(redactor.text(str(uri))) if uri not in (None, "") else None
    if error == "invalid_grant" and grant == "refresh_token":
        head = ("the refresh token was refused (invalid_grant): it has expired or been revoked; "
                "re-authorisation is needed to obtain a new one")
    elif error == "invalid_grant" and grant == "authorization_code":
        head = ("the authorization code was refused (invalid_grant): it is single-use and short-lived, "
                "and must match the redirect URI and PKCE verifier; a new authorization is needed")
    else:
        head = f"token request refused: {error}"
    message = head + (f": {desc}" if desc else "") + (f" (see {uri})" if uri else "")
    if status != 200:
        message += f" [HTTP {status}]"
    return OAuthTokenError(error, message, error=error, description=desc, uri=uri, status=status,
                           retryable=error == "temporarily_unavailable" or status >= 500)


def parse_token_response(response: httpx2.Response, *, grant: str, redactor: Redactor,
                         content: bytes | None = None) -> dict:
    """Return the token fields of a successful answer, or raise `OAuthTokenError`.

    `content`: the body as read by `token_body`; without it the response must have been read.
    Only 200 counts as success (RFC 6749 §5.1).
    """
    status = response.status_code
    body = _json(response.content if content is None else content)
    if isinstance(body, dict) and body.get("error") not in (None, ""):
        raise error_from_object(body, status=status, grant=grant, redactor=redactor)
    if status != 200:
        kind = response.headers.get("content-type", "no content type").split(";")[0]
        raise OAuthTokenError(
            TOKEN_ERROR, f"token request failed with HTTP {status} ({kind}) and no OAuth error object",
            status=status, retryable=status >= 500 or status == 429)
    if not isinstance(body, dict):
        what = "is not JSON" if body is None else "is JSON but not an object"
        raise OAuthTokenError(TOKEN_ERROR, f"the token response {what}", status=status)
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise OAuthTokenError(TOKEN_ERROR, "the token response has no access_token", status=status)
    return body


def parse_expires_in(value: Any) -> float | None:
    """`expires_in` as seconds: numbers and numeric strings are accepted, anything else is None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        seconds = float(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        return None
    return seconds if math.isfinite(seconds) and seconds > 0 else None
