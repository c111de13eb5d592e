"""Transport settings -> pooled httpx2 clients: one sync and one async client per `TransportKey`
(TLS trust, client certificate, proxy, redirect bound), shared by every call, storing no cookies."""
from __future__ import annotations

import http.cookiejar
import os
import ssl
import tempfile
import urllib.request
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx2

from ..errors import ConnectorError
from .. import bounds
from .async_transport import AsyncPoolTransport
from .fast_transport import PoolTransport
from .guard import DestinationPolicy, guard, resolve_address


class InsecureConnectionWarning(UserWarning):
    """TLS certificate verification was turned off for a connector call."""


@dataclass(frozen=True, slots=True)
class ProxySettings:
    url: str
    username: str | None = None
    password: str | None = None
    no_proxy: tuple[str, ...] = ()

    @property
    def public_url(self) -> str:
        """The URL without any credentials in it."""
        parts = urlsplit(self.url)
        if "@" not in parts.netloc:
            return self.url
        return parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]).geturl()

    def __repr__(self) -> str:  # never show credentials
        return f"ProxySettings(url={self.public_url!r}, no_proxy={self.no_proxy!r})"


@dataclass(frozen=True, slots=True)
class TransportKey:
    verify: bool = True
    ca: str | None = None            # PEM text or a file path
    cert: str | None = None          # PEM text or a file path
    key: str | None = None
    key_password: str | None = None
    proxy: ProxySettings | None = None
    max_redirects: int = 10

    def __repr__(self) -> str:
        return (f"TransportKey(verify={self.verify}, ca={'set' if self.ca else None}, "
                f"cert={'set' if self.cert else None}, proxy={self.proxy!r}, "
                f"max_redirects={self.max_redirects})")


def _no_cookies() -> httpx2.Cookies:
    return httpx2.Cookies(http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(
        allowed_domains=[])))


def _is_pem(text: str) -> bool:
    return "-----BEGIN" in text


def ssl_context(key: TransportKey) -> ssl.SSLContext | bool:
    if not key.verify:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    elif key.ca is None and key.cert is None:
        return True
    else:
        ctx = ssl.create_default_context()
    if key.ca is not None and key.verify:
        try:
            if _is_pem(key.ca):
                ctx.load_verify_locations(cadata=key.ca)
            else:
                ctx.load_verify_locations(cafile=key.ca)
        except (ssl.SSLError, OSError, ValueError) as exc:
            raise ConnectorError("INPUT_ERROR", f"caCertificate cannot be loaded: "
                                 f"{getattr(exc, 'strerror', None) or exc.__class__.__name__}",
                                 field="caCertificate") from None
    if key.cert is not None:
        _load_client_cert(ctx, key)
    return ctx


def _load_client_cert(ctx: ssl.SSLContext, key: TransportKey) -> None:
    if key.key is None and _is_pem(key.cert) and "PRIVATE KEY-----" not in key.cert:
        raise ConnectorError("INPUT_ERROR", "a client certificate needs its private key "
                             "(clientKey)", field="clientKey")
    with tempfile.TemporaryDirectory(prefix="feelish-tls-") as folder:
        def as_file(value: str | None, name: str) -> str | None:
            if value is None or not _is_pem(value):
                return value
            path = os.path.join(folder, name)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(value)
            return path
        try:
            ctx.load_cert_chain(as_file(key.cert, "cert.pem"), as_file(key.key, "key.pem"),
                                password=key.key_password)
        except (ssl.SSLError, OSError, ValueError) as exc:
            raise ConnectorError("INPUT_ERROR", "clientCertificate / clientKey cannot be loaded "
                                 f"({exc.__class__.__name__}); check the PEM text, the file paths "
                                 "and clientKeyPassword", field="clientCertificate") from None


def proxy_settings(value, no_proxy) -> ProxySettings | None:
    """`proxy`: a URL string (credentials may sit in it) or `{url, username, password}`."""
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        url, user, password = value.get("url"), value.get("username"), value.get("password")
        no_proxy = value.get("noProxy", no_proxy)
    else:
        url, user, password = value, None, None
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") \
            or not urlsplit(url).hostname:
        raise ConnectorError("INPUT_ERROR", "proxy must be an http:// or https:// URL (or a context "
                             "with url, username, password)", field="proxy")
    if isinstance(no_proxy, str):
        no_proxy = [h for h in no_proxy.replace(" ", ",").split(",")]
    hosts = tuple(str(h).strip() for h in (no_proxy or ()) if h is not None and str(h).strip())
    return ProxySettings(url, None if user is None else str(user),
                         None if password is None else str(password), hosts)


def environment_proxy() -> ProxySettings | None:
    proxies = urllib.request.getproxies()
    url = proxies.get("https") or proxies.get("http")
    if not url:
        return None
    return proxy_settings(url, proxies.get("no", ""))


def _mount_patterns(host: str) -> list[str]:
    host = host.strip().lstrip(".")
    if host == "*":
        return ["all://"]
    if host.startswith("*."):
        host = host[2:]
    return [f"all://{host}", f"all://*.{host}"] if host and not host[0].isdigit() else [f"all://{host}"]


def client_kwargs(key: TransportKey, limits: httpx2.Limits) -> dict:
    verify = ssl_context(key)
    transport_args = {"verify": verify, "limits": limits}
    kwargs = {"max_redirects": key.max_redirects, "trust_env": False, "cookies": _no_cookies(),
              "timeout": None}
    if key.proxy is not None:
        auth = None
        if key.proxy.username is not None:
            auth = (key.proxy.username, key.proxy.password or "")
        try:
            proxy = httpx2.Proxy(key.proxy.url, auth=auth)
        except (ValueError, httpx2.InvalidURL):
            raise ConnectorError("INPUT_ERROR", "proxy URL is not valid", field="proxy") from None
        mounts: dict = {"all://": proxy}
        for host in key.proxy.no_proxy:
            for pattern in _mount_patterns(host):
                mounts[pattern] = None
        kwargs["mounts"] = mounts
    kwargs["transport_args"] = transport_args
    return kwargs


#: offered encodings: the ones `feelish.bounds` decodes in bounded steps (never brotli or zstd,
#: whose decoders cannot bound one step's output)
ACCEPT_ENCODING = "gzip, deflate"
try:  # libcurl is the default transport where pycurl can be imported
    from . import curl_async, curl_transport
except ImportError:  # pragma: no cover - exercised by selecting "urllib3" by name
    curl_async = curl_transport = None

#: `Runtime(transport=...)`: "curl" (libcurl through pycurl), "urllib3" (urllib3's pool; "pool"
#: is its older name) or "httpx2" (httpx2's own httpcore2 transport)
TRANSPORTS = ("curl", "urllib3", "pool", "httpx2")
#: the default: curl when pycurl is installed (a core dependency), else urllib3's pool
DEFAULT_TRANSPORT = "curl" if curl_transport is not None else "urllib3"


def transport_name(name: str | None) -> str:
    """`name` checked ("pool" -> "urllib3"; None -> the default); ValueError for an unknown one
    or for "curl" when pycurl cannot be imported."""
    name = DEFAULT_TRANSPORT if name is None else name
    if name not in TRANSPORTS:
        raise ValueError(f"transport must be one of {', '.join(TRANSPORTS)}")
    if name == "curl" and curl_transport is None:
        raise ValueError("the curl transport needs pycurl, which cannot be imported here")
    return "urllib3" if name == "pool" else name


def _pool_transport(name: str, asynchronous: bool, key: TransportKey, policy, resolve):
    """The class and extra arguments of `name`'s transport (not httpx2's own)."""
    if name == "curl":
        tls = curl_transport.tls_options(key.verify, key.ca, key.cert, key.key, key.key_password)
        cls = curl_async.AsyncCurlTransport if asynchronous else curl_transport.CurlTransport
        return cls, {"tls": tls, "policy": policy}
    cls = AsyncPoolTransport if asynchronous else PoolTransport
    return cls, {"resolve": resolve}


def make_client(key: TransportKey, limits: httpx2.Limits, *, asynchronous: bool, hooks=None,
                wrap=None, policy: DestinationPolicy | None = None, transport: str | None = None):
    """A pooled client for `key` on `transport` (see `TRANSPORTS`), every connection guarded
    (the call's deadline, the destination policy); `wrap(transport)`, if given, wraps each of
    its transports (the rate limiter does)."""
    transport = transport_name(transport)
    kwargs = client_kwargs(key, limits)
    transport_args = kwargs.pop("transport_args")
    httpx2_cls = httpx2.AsyncHTTPTransport if asynchronous else httpx2.HTTPTransport

    resolve = None if policy is None else (lambda host, port: policy.check(host, resolve_address(host, port)))

    def build(**more):
        own = guard(httpx2_cls(**transport_args, **more), policy, asynchronous=asynchronous)
        if transport != "httpx2":
            cls, extra = _pool_transport(transport, asynchronous, key, policy, resolve)
            if transport == "curl":
                own = cls(limits=limits, **more, **extra, fallback=own, clamp=bounds.clamp)
            else:
                own = cls(**transport_args, **more, **extra, fallback=own, clamp=bounds.clamp)
        return wrap(own) if wrap is not None else own
    mounts = kwargs.pop("mounts", None)
    if mounts:
        kwargs["mounts"] = {pattern: None if proxy is None else build(proxy=proxy)
                            for pattern, proxy in mounts.items()}
    if hooks:
        kwargs["event_hooks"] = hooks
    client_cls = httpx2.AsyncClient if asynchronous else httpx2.Client
    own = build()
    client = client_cls(transport=own, **kwargs)
    client.headers["Accept-Encoding"] = ACCEPT_ENCODING
    #: the transport a plain call may use directly (`feelish.connector.direct`): curl's, when it
    #: alone serves every URL of the client (not wrapped by a rate limiter, no proxy exceptions)
    client.feelish_direct = None
    if transport == "curl" and wrap is None:
        routes = list(kwargs.get("mounts", {"all://": own}).values())
        kind = curl_async.AsyncCurlTransport if asynchronous else curl_transport.CurlTransport
        if len(routes) == 1 and isinstance(routes[0], kind):
            client.feelish_direct = routes[0]
    return client


def warn_insecure(url: str) -> None:
    warnings.warn(f"TLS certificate verification is off for {urlsplit(url).hostname}: the "
                  "connection can be intercepted", InsecureConnectionWarning, stacklevel=4)
