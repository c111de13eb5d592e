"""`Runtime`: one per engine. Owns the pooled HTTP clients, the OAuth2 token cache, the secret
provider, the document folder and the limits that every connector call shares."""
from __future__ import annotations

import asyncio
import atexit
import os
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import httpx2

from ..errors import ConnectorError
from ..secrets import ChainSecrets, SecretProvider, as_provider
from .documents import Documents
from .fields import substitute_secrets
from .rate_limits import wrapper
from .scale import make_limiter, make_token_cache, shared_redis
from .redirects import acheck_hop, check_hop
from .guard import DestinationPolicy
from .transport import ProxySettings, transport_name, TransportKey, environment_proxy, make_client, proxy_settings



class Runtime:
    """Shared state for connector calls.

    secrets:        a mapping or SecretProvider consulted after the per-call secrets.
    proxy/no_proxy: a default proxy for every call (a connector's own `proxy` field wins);
                    with `trust_env` (default) HTTPS_PROXY / HTTP_PROXY / NO_PROXY are used when
                    no proxy is given.
    verify:         default TLS verification (True); a connector's `verify` field wins.
    max_connections / max_keepalive: pool limits, per client.
    transport:      "curl" (default: libcurl through pycurl under httpx2's client), "urllib3"
                    (urllib3's connection pool; the default when pycurl cannot be imported;
                    "pool" is its older name) or "httpx2" (httpx2's own httpcore2 transport).
    document_folder: where binary (and asked-for) responses are written (a temp folder by default).
    keep_documents: False (default): `close()` deletes the document files this runtime wrote
                    (an engine that hands them on sets True and deletes them itself).
    file_roots:     extra folders that document contexts may be read from for uploads.
    credentials:    reusable authentication contexts by name, for `authenticationConfiguration`
                    (strings inside may hold `<<secrets.NAME>>` placeholders).
    blocked_urls / blocked_ports: an SSRF guard: regular expressions searched in every URL
                    (redirect targets included) and ports that are refused (INPUT_ERROR).
    rate_limits:    `{host | "host:port" | "credential:NAME": {perSecond, concurrent, burst,
                    maxWait}}` (see `rate_limits.py`).
    redis_url:      share the OAuth2 token cache, the rate limits and 429 pauses with every
                    process using the same Redis (`redis://host:6379/0`; needs `feelish[celery]`);
                    keys start with `redis_prefix`.  See docs/scale.md.
    refuse_private_destinations: the destination policy (off by default): every connection, each
                    redirect hop and token endpoint included, goes only to a public address,
                    checked on the address the name resolves to (DESTINATION_REFUSED otherwise);
    allowed_destinations: exceptions to it: host names (`*.corp.example`), addresses, networks.
    """

    def __init__(self, *, secrets: SecretProvider | Mapping[str, Any] | None = None,
                 proxy: str | Mapping[str, Any] | None = None, no_proxy: Iterable[str] | str = (),
                 verify: bool = True, trust_env: bool = True, max_connections: int = 100,
                 max_keepalive: int = 20, document_folder: str | os.PathLike | None = None,
                 file_roots: Iterable[str | os.PathLike] = (), token_cache=None,
                 credentials: Mapping[str, Mapping[str, Any]] | None = None,
                 blocked_urls: Iterable[str] = (), blocked_ports: Iterable[int] = (),
                 keep_documents: bool = False, rate_limits: Mapping[str, Any] | None = None,
                 redis_url: str | None = None, redis_prefix: str = "feelish:",
                 refuse_private_destinations: bool = False, allowed_destinations: Iterable[str] = (),
                 transport: str | None = None):
        self.transport = transport_name(transport)
        self.secrets = as_provider(secrets)
        if proxy is not None:
            self.proxy: ProxySettings | None = proxy_settings(proxy, no_proxy)
        else:
            self.proxy = environment_proxy() if trust_env else None
        self.verify = bool(verify)
        self.limits = httpx2.Limits(max_connections=max_connections,
                                    max_keepalive_connections=max_keepalive)
        self.documents = Documents(document_folder, file_roots)
        self.keep_documents = bool(keep_documents)
        shared = self._shared = shared_redis(redis_url, redis_prefix)
        self.token_cache = make_token_cache(token_cache, shared)
        self.limiter = make_limiter(rate_limits, shared)
        self.default_key = TransportKey(verify=self.verify, proxy=self.proxy)
        self.credentials = dict(credentials or {})
        self._blocked = tuple(re.compile(p) for p in blocked_urls)
        self._blocked_ports = frozenset(int(p) for p in blocked_ports)
        self.destination_policy = (DestinationPolicy.of(allowed_destinations)
                                   if refuse_private_destinations else None)
        self._clients: dict[TransportKey, httpx2.Client] = {}
        self._aclients: dict[tuple[TransportKey, int], tuple[Any, httpx2.AsyncClient]] = {}
        self._lock = threading.Lock()
        self._closed = False

    def __repr__(self) -> str:
        return (f"Runtime(clients={len(self._clients)}, async_clients={len(self._aclients)}, "
                f"proxy={self.proxy!r}, verify={self.verify})")

    # -------------------------------------------------------------------- secrets
    def provider(self, secrets) -> SecretProvider:
        """Per-call secrets first, then the runtime's."""
        if secrets is None:
            return self.secrets
        return ChainSecrets(as_provider(secrets), self.secrets)

    def credential(self, ref, secrets) -> Mapping[str, Any]:
        """The authentication context named by `authenticationConfiguration`."""
        if isinstance(ref, Mapping):
            return ref
        config = self.credentials.get(ref) if isinstance(ref, str) else None
        if config is None:
            raise ConnectorError("INPUT_ERROR", f"no credential configuration named {ref!r}; known: "
                                 f"{', '.join(sorted(self.credentials)) or 'none'}",
                                 field="authenticationConfiguration")
        return substitute_secrets(config, secrets, "authenticationConfiguration")

    @property
    def guards_urls(self) -> bool:
        return bool(self._blocked or self._blocked_ports)

    def check_url(self, url: httpx2.URL) -> None:
        """Refuse blocked URLs and ports (the SSRF guard); a no-op without a blocklist."""
        text = str(url)
        for number, pattern in enumerate(self._blocked, 1):
            if pattern.search(text):
                raise ConnectorError("INPUT_ERROR", f"the URL is not allowed (blocked by rule {number})",
                                     field="url")
        if url.port in self._blocked_ports or (url.port is None and
                                               (443 if url.scheme == "https" else 80) in self._blocked_ports):
            raise ConnectorError("INPUT_ERROR", "the URL's port is not allowed", field="url")

    def _hooks(self, asynchronous: bool):
        if not self.guards_urls:  # the redirect guard (credentials stay with their origin) always
            return {"request": [acheck_hop if asynchronous else check_hop]}
        if asynchronous:
            async def check(request):
                self.check_url(request.url)
                await acheck_hop(request)
            return {"request": [check]}

        def check_sync(request):
            self.check_url(request.url)
            check_hop(request)
        return {"request": [check_sync]}

    # -------------------------------------------------------------------- clients
    def client(self, key: TransportKey | None = None) -> httpx2.Client:
        key = key or self.default_key
        client = self._clients.get(key)
        if client is None:
            with self._lock:
                self._check_open()
                client = self._clients.get(key)
                if client is None:
                    self._evict(self._clients)
                    client = self._clients[key] = make_client(key, self.limits, asynchronous=False,
                                                                   hooks=self._hooks(False),
                                                                   wrap=wrapper(self.limiter),
                                                                   policy=self.destination_policy,
                                                                   transport=self.transport)
        return client

    def async_client(self, key: TransportKey | None = None) -> httpx2.AsyncClient:
        """The async client for `key` on the running event loop (clients are loop-bound)."""
        key = key or self.default_key
        loop = asyncio.get_running_loop()
        entry = self._aclients.get((key, id(loop)))
        if entry is None or entry[0] is not loop:
            with self._lock:
                self._check_open()
                entry = self._aclients.get((key, id(loop)))
                if entry is None or entry[0] is not loop:
                    # clients of finished loops cannot be used (or closed) again: let them go
                    for stale in [k for k, (lp, _) in self._aclients.items() if lp.is_closed()]:
                        del self._aclients[stale]
                    self._evict(self._aclients)
                    entry = (loop, make_client(key, self.limits, asynchronous=True,
                                                          hooks=self._hooks(True),
                                                          wrap=wrapper(self.limiter),
                                                          policy=self.destination_policy,
                                                          transport=self.transport))
                    self._aclients[(key, id(loop))] = entry
        return entry[1]

    def _evict(self, table: dict) -> None:
        """Bound the number of pools: settings that vary per call (a CA per tenant, say) must
        not grow them forever. The oldest entry is dropped, not closed: a call on another thread
        may still be using it; its connections close when it is collected."""
        while len(table) >= MAX_POOLS:
            oldest = next(iter(table))
            if oldest == self.default_key or (isinstance(oldest, tuple) and oldest[0] == self.default_key):
                table[oldest] = table.pop(oldest)  # keep the default pool: move it to the end
                if len(table) == 1:
                    return
                oldest = next(iter(table))
            del table[oldest]

    @property
    def client_count(self) -> int:
        return len(self._clients) + len(self._aclients)

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this feelish Runtime is closed")

    # -------------------------------------------------------------------- lifecycle
    def close(self) -> None:
        """Close the sync clients (async clients: use `aclose()` on their loop)."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
            self._closed = True
        for client in clients:
            client.close()
        if not self.keep_documents:
            self.documents.cleanup()
        if self._shared is not None:
            self._shared.close()

    async def aclose_async_clients(self) -> None:
        """Close the async clients of the running loop only; the runtime stays open (for a
        component that ran its own event loop on a runtime it shares)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            mine = [(k, c) for k, (lp, c) in self._aclients.items() if lp is loop]
            for k, _ in mine:
                del self._aclients[k]
        for _, client in mine:
            await client.aclose()

    async def aclose(self) -> None:
        await self.aclose_async_clients()
        self.close()

    def __enter__(self) -> "Runtime":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    async def __aenter__(self) -> "Runtime":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()


#: pooled clients kept per runtime (per kind: sync, async), distinct transport settings each
MAX_POOLS = 32

_default: Runtime | None = None
_default_lock = threading.Lock()


def default_runtime() -> Runtime:
    """The process-wide runtime used by connectors built without one."""
    global _default
    if _default is None or _default._closed:
        with _default_lock:
            if _default is None or _default._closed:
                _default = Runtime()
                atexit.register(_default.close)  # its documents are deleted at exit too
    return _default
