"""The fields a template may set: Camunda's REST connector names, plus Bonita's extras.

Each field has a value kind, used by the checker to catch literal type mismatches (`method: 42`,
`followRedirects: "yes"`), and optionally a closed set of choices.  Dotted names address nested
fields (`authentication.type`); `Template.to_mapping()` keeps them dotted for
`Connector.from_mapping`, which understands both shapes.
"""
from __future__ import annotations

from dataclasses import dataclass


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
AUTH_TYPES = ("noAuth", "basic", "bearer", "apiKey", "oauth-client-credentials-flow",
              "oauth-refresh-token")

_SPECS = [
    # the request
    _f("method", "string", "HTTP method", *METHODS),
    _f("url", "string", "the URL to call (http or https)"),
    _f("queryParameters", "context", "query parameters added to the URL"),
    _f("headers", "context", "request headers"),
    _f("body", "any", "the request body: a context/list is sent as JSON, a string verbatim"),
    _f("contentType", "string", "Content-Type of the body (Bonita style)"),
    _f("charset", "string", "charset of a string body (Bonita style, default UTF-8)"),
    _f("ignoreNullValues", "boolean", "drop null entries from a context body"),
    _f("skipEncoding", "boolean", "send the URL exactly as given"),
    _f("followRedirects", "boolean", "follow 3xx redirects"),
    _f("connectionTimeoutInSeconds", "number", "connect timeout, 0 = none"),
    _f("readTimeoutInSeconds", "number", "read timeout, 0 = none"),
    _f("cookies", "context", "cookies sent with the request (Bonita style)"),
    _f("file", "any", "a file whose bytes are the whole body (POST FILE / PUT FILE)"),
    _f("proxy", "any", "proxy URL (string) or {url, username, password}"),
    _f("proxy.url", "string", "proxy URL"),
    _f("proxy.username", "string", "proxy user"),
    _f("proxy.password", "string", "proxy password"),
    _f("clientTls.clientCertificate", "string", "client certificate (PEM)"),
    _f("clientTls.clientPrivateKey", "string", "client private key (PEM)"),
    _f("clientTls.privateKeyPassword", "string", "password of the private key"),
    _f("clientTls.trustedCertificate", "string", "extra trusted CA certificate (PEM)"),
    _f("clientTls.verify", "boolean", "verify the server certificate (default true)"),
    _f("documentReturnFormat", "string", "how the response body is read", "JSON", "TEXT", "DOCUMENT"),
    _f("documentReturnFormat.choice", "string", "how the response body is read", "JSON", "TEXT", "DOCUMENT"),
    _f("documentReturnFormat.encoding", "string", "text encoding for TEXT"),
    # authentication
    _f("authentication", "context", "the whole authentication object"),
    _f("authentication.type", "string", "authentication mode", *AUTH_TYPES),
    _f("authentication.username", "string", "basic: user name"),
    _f("authentication.password", "string", "basic: password"),
    _f("authentication.token", "string", "bearer: token"),
    _f("authentication.apiKeyLocation", "string", "apiKey: where the key goes", "headers", "query"),
    _f("authentication.name", "string", "apiKey: header or parameter name"),
    _f("authentication.value", "string", "apiKey: the key"),
    _f("authentication.oauthTokenEndpoint", "string", "OAuth2: token endpoint URL"),
    _f("authentication.clientId", "string", "OAuth2: client id"),
    _f("authentication.clientSecret", "string", "OAuth2: client secret"),
    _f("authentication.audience", "string", "OAuth2: audience"),
    _f("authentication.scopes", "string", "OAuth2: scopes, space separated"),
    _f("authentication.clientAuthentication", "string", "OAuth2: how the client authenticates",
       "credentialsBody", "basicAuthHeader"),
    _f("authentication.refreshToken", "string", "OAuth2 refresh grant: the refresh token"),
    # outcome
    _f("resultVariable", "string", "store the whole response under this name", after=True),
    _f("resultExpression", "any", "a context whose entries become output variables", after=True),
    _f("errorExpression", "any", "decides business errors; sees `response` or `error`", after=True),
    _f("failOnStatus", "boolean", "fail the call on a 4xx/5xx status (default true)"),
    _f("retries", "number", "total attempts for retryable failures"),
    _f("retryBackoff", "any", "wait between attempts (ISO 8601 duration or seconds)"),
]

FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in _SPECS}

#: fields a template must set
REQUIRED_FIELDS = ("url",)

#: names visible in the expressions evaluated after the call, per field
AFTER_CALL_NAMES = {
    "resultVariable": ("response",),
    "resultExpression": ("response",),
    "errorExpression": ("response", "error"),
}


def known(name: str) -> bool:
    return name in FIELDS


def spec(name: str) -> FieldSpec | None:
    return FIELDS.get(name)
