"""Turn evaluated field values into a `Prepared` request: everything a send needs, computed once
per call (and once per connector for the parts whose fields are all constant)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

from ..errors import ConnectorError, Warning
from . import headers as hdr
from .body import Body, build_body
from .rate_limits import CREDENTIAL_EXTENSION
from .redirects import RedirectRules
from .response import response_format
from .retry import RetryPolicy, seconds, status_codes
from .transport import TransportKey, proxy_settings
from .urls import build_url

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@dataclass(slots=True)
class Prepared:
    method: str
    url: httpx2.URL
    target: bytes | None
    headers: list[tuple[str, str]]
    body: Body
    extensions: dict
    key: TransportKey
    follow_redirects: bool
    policy: RetryPolicy
    fail_on_status: bool
    ignore_status: frozenset
    max_bytes: int
    inline: int
    connect_timeout: float | None
    read_timeout: float | None
    authentication: Any = None
    insecure: bool = False
    extra: dict = field(default_factory=dict)
    response_format: tuple = ("auto", None)
    redirects: RedirectRules | None = None
    deadline: float | None = None         # timeoutInSeconds: the whole call (None: no limit)


def _flag(value, name: str) -> bool:
    if value is True or value is False:
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ConnectorError("INPUT_ERROR", f"{name} must be true or false", field=name)


def _count(value, name: str, minimum: int = 0) -> int:
    try:
        number = int(value)
        if number != value and not isinstance(value, str) or value is True or value is False:
            raise ValueError
    except (TypeError, ValueError):
        raise ConnectorError("INPUT_ERROR", f"{name} must be a whole number", field=name) from None
    if number < minimum:
        raise ConnectorError("INPUT_ERROR", f"{name} must be at least {minimum}", field=name)
    return number


def method_of(v) -> str:
    method = v["method"]
    if not isinstance(method, str) or method.strip().upper() not in METHODS:
        raise ConnectorError("INPUT_ERROR", f"unsupported method {method!r}; use one of "
                             f"{', '.join(METHODS)}", field="method")
    return method.strip().upper()


def target_of(v):
    return build_url(v["url"], v["queryParameters"], verbatim=_flag(v["skipEncoding"], "skipEncoding"))


def user_headers_of(v):
    return hdr.with_cookies(hdr.user_headers(v["headers"]), v["cookies"])


def body_of(v, user_headers, files) -> Body:
    given = v["contentType"]
    if given is not None and not isinstance(given, str):
        raise ConnectorError("INPUT_ERROR", "contentType must be a string", field="contentType")
    content_type = given or hdr.find(user_headers, "content-type")
    body = build_body(v["body"], content_type, v["charset"],
                      drop_nulls=_flag(v["ignoreNullValues"], "ignoreNullValues"), files=files)
    if v["charset"] is not None and body.content_type and "charset=" not in body.content_type.lower() \
            and body.kind in ("text", "form", "json"):
        body.content_type += f"; charset={v['charset']}"
    return body


def timeouts_of(v) -> tuple[dict, float | None, float | None, float | None]:
    connect = seconds(v["connectionTimeoutInSeconds"], "connectionTimeoutInSeconds") or None
    read = seconds(v["readTimeoutInSeconds"], "readTimeoutInSeconds") or None
    total = seconds(v["timeoutInSeconds"], "timeoutInSeconds") or None
    ext = {"timeout": {"connect": connect, "read": read, "write": read, "pool": connect}}
    return ext, connect, read, total


def transport_of(v, runtime) -> TransportKey:
    verify = _flag(v["verify"], "verify")
    texts = {}
    for name in ("caCertificate", "clientCertificate", "clientKey", "clientKeyPassword"):
        value = v[name]
        if value is not None and not isinstance(value, (str, Path)) or \
                name == "clientKeyPassword" and isinstance(value, Path):
            raise ConnectorError("INPUT_ERROR", f"{name} must be PEM text or a file path", field=name)
        if value and name != "clientKeyPassword":  # a path: a regular file under the allowed roots
            value = runtime.documents.pem(value, name)
        texts[name] = value or None
    if texts["clientKey"] and not texts["clientCertificate"]:
        raise ConnectorError("INPUT_ERROR", "clientKey needs a clientCertificate",
                             field="clientCertificate")
    proxy = proxy_settings(v["proxy"], v["noProxy"]) if v["proxy"] is not None else runtime.proxy
    key = TransportKey(verify and runtime.verify,
                       texts["caCertificate"], texts["clientCertificate"], texts["clientKey"],
                       texts["clientKeyPassword"], proxy,
                       _count(v["maxRedirects"], "maxRedirects"))
    return runtime.default_key if key == runtime.default_key else key


def status_rules_of(v) -> tuple[bool, frozenset]:
    return _flag(v["failOnStatus"], "failOnStatus"), status_codes(v["ignoreStatus"], "ignoreStatus")


def policy_of(v) -> RetryPolicy:
    return RetryPolicy.from_fields(v["retries"], v["retryBackoff"], v["retryOn"], v["retryMaxDelay"],
                                   _flag(v["retryNonIdempotent"], "retryNonIdempotent"))


def limits_of(v) -> tuple[int, int]:
    return (_count(v["responseMaxBytes"], "responseMaxBytes", 1),
            _count(v["inlineLimitBytes"], "inlineLimitBytes", 0))


#: part name -> the fields it reads; a part whose fields are all constant is built once
PARTS: dict[str, tuple[str, ...]] = {
    "method": ("method",),
    "target": ("url", "queryParameters", "skipEncoding"),
    "user_headers": ("headers", "cookies"),
    "body": ("body", "contentType", "headers", "charset", "ignoreNullValues"),
    "timeouts": ("connectionTimeoutInSeconds", "readTimeoutInSeconds", "timeoutInSeconds"),
    "transport": ("verify", "caCertificate", "clientCertificate", "clientKey", "clientKeyPassword",
                  "proxy", "noProxy", "maxRedirects"),
    "status": ("failOnStatus", "ignoreStatus"),
    "policy": ("retries", "retryBackoff", "retryOn", "retryMaxDelay", "retryNonIdempotent"),
    "limits": ("responseMaxBytes", "inlineLimitBytes"),
    "format": ("responseFormat",),
    "redirects": ("followRedirects", "keepCredentialsOnRedirect", "allowInsecureRedirects"),
}


def build_part(name: str, v: Mapping, runtime, parts: Mapping):
    if name == "method":
        return method_of(v)
    if name == "target":
        return target_of(v)
    if name == "user_headers":
        return user_headers_of(v)
    if name == "body":
        return body_of(v, parts["user_headers"], runtime.documents)
    if name == "timeouts":
        return timeouts_of(v)
    if name == "transport":
        return transport_of(v, runtime)
    if name == "status":
        return status_rules_of(v)
    if name == "policy":
        return policy_of(v)
    if name == "limits":
        return limits_of(v)
    if name == "format":
        return response_format(v["responseFormat"])
    if name == "redirects":
        return RedirectRules(*(_flag(v[n], n) for n in PARTS["redirects"]))
    raise KeyError(name)  # pragma: no cover


def final_headers(user: list[tuple[str, str]], body: Body, context_headers) -> list[tuple[str, str]]:
    headers = [pair for pair in user if pair[0].lower() != "content-type"] + context_headers
    if body.content_type and body.kind != "multipart" or (body.kind == "multipart" and body.content_type):
        headers.append(("Content-Type", body.content_type))
    if body.kind == "file":
        headers.append(("Content-Length", str(body.size)))
    merged = hdr.merge(headers)
    if any(not value.isascii() for _, value in merged):  # sent as UTF-8 bytes, not refused
        merged = [(k, v if v.isascii() else v.encode("utf-8")) for k, v in merged]
    return merged


def assemble(parts: Mapping, v: Mapping, context, authentication) -> Prepared:
    url, target = parts["target"]
    ext, connect, read, total = parts["timeouts"]
    if target is not None:
        ext = {**ext, "target": target}
    if isinstance(v["authenticationConfiguration"], str):  # for per-credential rate limits
        ext = {**ext, CREDENTIAL_EXTENSION: v["authenticationConfiguration"]}
    body = parts["body"]
    extra_headers = hdr.context_headers(v["contextHeaders"], context) if v["contextHeaders"] else []
    fail, ignore = parts["status"]
    max_bytes, inline = parts["limits"]
    key = parts["transport"]
    dropped = parts["method"] in NO_BODY and body.kind != "none" and not _flag(v["allowGetBody"], "allowGetBody")
    if dropped:
        body = Body()
    return Prepared(parts["method"], url, target, final_headers(parts["user_headers"], body, extra_headers),
                    body, ext, key, parts["redirects"].follow, parts["policy"], fail, ignore, max_bytes,
                    inline, connect, read, authentication, insecure=not key.verify and url.scheme == "https",
                    extra={"dropped_body": True} if dropped else {}, response_format=parts["format"],
                    redirects=parts["redirects"], deadline=total)


#: methods whose body is not sent unless `allowGetBody` (Camunda's REST connector sends none)
NO_BODY = frozenset({"GET", "HEAD", "OPTIONS"})
DROPPED_BODY = ("the body of a {method} request is not sent (Camunda's REST connector sends none); "
                "set allowGetBody: true for an API that needs one")


def note_dropped_body(prepared: Prepared, recorder) -> None:
    """The warning for a GET/HEAD/OPTIONS body that is not sent, in the call's warnings."""
    if prepared.extra.get("dropped_body"):
        recorder.warnings.append(Warning("body-not-sent", "field body: " +
                                         DROPPED_BODY.format(method=prepared.method)))
