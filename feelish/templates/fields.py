"""The fields a template may set: Camunda's REST connector names plus Bonita's extras, each with a
value kind and optionally a closed set of choices, for the checker."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..connector.fields import DEFAULTS as RUNTIME_DEFAULTS


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    kind: str  # "string", "number", "boolean", "context", "list", "any"
    doc: str
    choices: tuple[str, ...] = ()
    #: evaluated after the call: sees `response` (and `error` for the error expression)
    after_call: bool = False


def _f(name: str, kind: str, doc: str, *choices: str, after: bool = False) -> FieldSpec:
    return FieldSpec(name, kind, doc, tuple(choices), after)


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

_SPECS = [
    # the request
    _f("kind", "string", "what the connector does: a REST call, or only retrieve a token", "rest", "token"),
    _f("method", "string", "HTTP method", *METHODS),
    _f("url", "string", "the URL to call (http or https)"),
    _f("queryParameters", "context", "query parameters added to the URL"),
    _f("headers", "context", "request headers"),
    _f("body", "any", "the request body: a context/list is sent as JSON, a string verbatim"),
    _f("contentType", "string", "Content-Type of the body"),
    _f("charset", "string", "charset of a string body (default UTF-8)"),
    _f("ignoreNullValues", "boolean", "drop null entries from a context body"),
    _f("skipEncoding", "boolean", "send the URL exactly as given"),
    _f("followRedirects", "boolean", "follow 3xx redirects"),
    _f("keepCredentialsOnRedirect", "boolean", "credentials follow a redirect to another origin"),
    _f("allowInsecureRedirects", "boolean", "follow a redirect from https to http"),
    _f("maxRedirects", "number", "how many redirects to follow at most"),
    _f("connectionTimeoutInSeconds", "number", "connect timeout, 0 = none"),
    _f("readTimeoutInSeconds", "number", "read timeout, 0 = none"),
    _f("timeoutInSeconds", "number", "the whole call, retries and redirects included; 0 = none"),
    _f("verify", "boolean", "verify the server certificate (default true)"),
    _f("caCertificate", "string", "extra trusted CA certificate (PEM text or file)"),
    _f("clientCertificate", "string", "client certificate for mutual TLS (PEM)"),
    _f("clientKey", "string", "private key of the client certificate (PEM)"),
    _f("clientKeyPassword", "string", "password of the private key"),
    _f("proxy", "any", "proxy URL (string) or {url, username, password}"),
    _f("proxy.url", "string", "proxy URL"),
    _f("proxy.username", "string", "proxy user"),
    _f("proxy.password", "string", "proxy password"),
    _f("noProxy", "any", "hosts that bypass the proxy"),
    _f("responseMaxBytes", "number", "largest response body read"),
    _f("inlineLimitBytes", "number", "largest body without a Content-Type kept in memory"),
    _f("responseFormat", "string", "how to read the body: auto, json, text (\"text; charset=X\"), document"),
    _f("allowGetBody", "boolean", "send a body with GET, HEAD and OPTIONS (not sent by default)"),
    _f("contextHeaders", "any", "engine context headers to add"),
    # authentication
    _f("authentication", "context", "the whole authentication object"),
    _f("authentication.type", "string", "authentication mode"),
    _f("authentication.username", "string", "basic/digest/password grant: user name"),
    _f("authentication.password", "string", "basic/digest/password grant: password"),
    _f("authentication.token", "string", "bearer: token"),
    _f("authentication.apiKeyLocation", "string", "apiKey: where the key goes", "headers", "query"),
    _f("authentication.name", "string", "apiKey: header or parameter name"),
    _f("authentication.value", "string", "apiKey: the key"),
    _f("authentication.headers", "context", "headers mode: the headers to add"),
    _f("authentication.preemptive", "boolean", "basic: send credentials before a challenge"),
    _f("authentication.oauthTokenEndpoint", "string", "OAuth2: token endpoint URL"),
    _f("authentication.tokenEndpoint", "string", "OAuth2: token endpoint URL"),
    _f("authentication.clientId", "string", "OAuth2: client id"),
    _f("authentication.clientSecret", "string", "OAuth2: client secret"),
    _f("authentication.audience", "string", "OAuth2: audience"),
    _f("authentication.scopes", "any", "OAuth2: scopes"),
    _f("authentication.scope", "any", "OAuth2: scopes"),
    _f("authentication.clientAuthentication", "string", "OAuth2: how the client authenticates"),
    _f("authentication.refreshToken", "string", "OAuth2 refresh grant: the refresh token"),
    _f("authentication.code", "string", "OAuth2 authorization code grant: the code"),
    _f("authentication.codeVerifier", "string", "OAuth2 authorization code grant: PKCE verifier"),
    _f("authentication.redirectUri", "string", "OAuth2 authorization code grant: redirect URI"),
    # outcome
    _f("resultVariable", "string", "store the whole response under this name", after=True),
    _f("resultExpression", "any", "a context whose entries become output variables", after=True),
    _f("errorExpression", "any", "decides business errors; sees `response` or `error`", after=True),
    _f("failOnStatus", "boolean", "fail the call on a 4xx/5xx status (default true)"),
    _f("ignoreStatus", "any", "statuses that never fail the call"),
    _f("retries", "number", "extra attempts for retryable failures"),
    _f("retryBackoff", "any", "wait between attempts (seconds or an ISO 8601 duration)"),
    _f("retryOn", "any", "statuses that are retried"),
    _f("retryMaxDelay", "number", "longest wait between attempts, in seconds"),
    _f("retryNonIdempotent", "boolean", "also retry POST and PATCH"),
    # pagination (feelish/connector/pagination.py): per page, after the response
    _f("pagination.next", "any", "the next request: null (stop), a URL, or {url, queryParameters, body, "
       "headers}", after=True),
    _f("pagination.items", "any", "this page's items (default: the body)", after=True),
    _f("pagination.until", "boolean", "stop after this page when true", after=True),
    _f("pagination.maxPages", "number", "stop after this many pages (default 100)"),
    _f("pagination.delay", "any", "seconds (or a duration) between pages"),
    _f("pagination.stopOnEmpty", "boolean", "stop at a page without items (default true)"),
]

#: Camunda's element-template names -> the runtime's names
ALIASES = {
    "clientTls.clientCertificate": "clientCertificate",
    "clientTls.clientPrivateKey": "clientKey",
    "clientTls.privateKeyPassword": "clientKeyPassword",
    "clientTls.trustedCertificate": "caCertificate",
}

#: dotted fields are gathered into one context field: `authentication.type` -> `authentication`
GROUPS = ("authentication", "proxy")

#: dotted fields passed to the runtime as one mapping of expressions, each evaluated on its own
EXPRESSION_GROUPS = ("pagination",)

#: fields whose value is a plain name (the expression must be a string literal)
PLAIN = ("kind", "resultVariable")

FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in _SPECS}
FIELDS["authenticationConfiguration"] = FieldSpec(
    "authenticationConfiguration", "any", "a Runtime credential name (or a context); wins over authentication")
for _alias, _target in ALIASES.items():
    FIELDS[_alias] = dataclasses.replace(FIELDS[_target], name=_alias)


def _runtime_fields() -> None:
    """Fields the runtime gained after this table was written are accepted too (kind `any`)."""
    for name in RUNTIME_DEFAULTS:
        FIELDS.setdefault(name, FieldSpec(name, "any", "see docs/connector.md"))


_runtime_fields()

#: fields a template must set
REQUIRED_FIELDS = ("url",)

#: names visible in the expressions evaluated after the call, per field
AFTER_CALL_NAMES = {
    "resultVariable": ("response",),
    "resultExpression": ("response",),
    "errorExpression": ("response", "error", "job"),
    "pagination.next": ("response", "page", "items", "links", "request"),
    "pagination.items": ("response", "page", "links", "request"),
    "pagination.until": ("response", "page", "items", "links", "request"),
}

#: what resultExpression and errorExpression also see when a template paginates
PAGED_NAMES = ("items", "pages")


def known(name: str) -> bool:
    return name in FIELDS


def spec(name: str) -> FieldSpec | None:
    return FIELDS.get(name)
