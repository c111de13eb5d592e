"""`Runtime`: one per engine. Owns the pooled HTTP clients, the OAuth2 token cache, the secret
provider, the document folder and the limits that every connector call shares."""
from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import httpx2

from ..secrets import ChainSecrets, SecretProvider, as_provider
from .documents import Documents
from .transport import ProxySettings, TransportKey, environment_proxy, make_client, proxy_settings

try:  # the auth package is a sibling part of feelish; the runtime works without it
    from ..auth import TokenCache as _TokenCache
except ImportError:  # pragma: no cover
    _TokenCache = None


class Runtime:
    """Shared state for connector calls.

    secrets:        a mapping or SecretProvider consulted after the per-call secrets.
    proxy/no_proxy: a default proxy for every call (a connector's own `proxy` field wins);
                    with `trust_env` (default) HTTPS_PROXY / HTTP_PROXY / NO_PROXY are used when
                    no proxy is given.
    verify:         default TLS verification (True); a connector's `verify` field wins.
    max_connections / max_keepalive: pool limits, per client.
    document_folder: where large and binary responses are written (a temp folder by default).
    file_roots:     extra folders that document contexts may be read from for uploads.
    """

    def __init__(self, *, secrets: SecretProvider | Mapping[str, Any] | None = None,
                 proxy: str | Mapping[str, Any] | None = None, no_proxy: Iterable[str] | str = (),
                 verify: bool = True, trust_env: bool = True, max_connections: int = 100,
                 max_keepalive: int = 20, document_folder: str | os.PathLike | None = None,
                 file_roots: Iterable[str | os.PathLike] = (), token_cache=None):
        self.secrets = as_provider(secrets)
        if proxy is not None:
            self.proxy: ProxySettings | None = proxy_settings(proxy, no_proxy)
        else:
            self.proxy = environment_proxy() if trust_env else None
        self.verify = bool(verify)
        self.limits = httpx2.Limits(max_connections=max_connections,
                                    max_keepalive_connections=max_keepalive)
        self.documents = Documents(document_folder, file_roots)
        self.token_cache = token_cache if token_cache is not None else (
            _TokenCache() if _TokenCache is not None else None)
        self.default_key = TransportKey(verify=self.verify, proxy=self.proxy)
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

    # -------------------------------------------------------------------- clients
    def client(self, key: TransportKey | None = None) -> httpx2.Client:
        key = key or self.default_key
        client = self._clients.get(key)
        if client is None:
            with self._lock:
                self._check_open()
                client = self._clients.get(key)
                if client is None:
                    client = self._clients[key] = make_client(key, self.limits, asynchronous=False)
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
                    entry = (loop, make_client(key, self.limits, asynchronous=True))
                    self._aclients[(key, id(loop))] = entry
        return entry[1]

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

    async def aclose(self) -> None:
        loop = asyncio.get_running_loop()
        with self._lock:
            mine = [(k, c) for k, (lp, c) in self._aclients.items() if lp is loop]
            for k, _ in mine:
                del self._aclients[k]
        for _, client in mine:
            await client.aclose()
        self.close()

    def __enter__(self) -> "Runtime":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    async def __aenter__(self) -> "Runtime":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()


_default: Runtime | None = None
_default_lock = threading.Lock()


def default_runtime() -> Runtime:
    """The process-wide runtime used by connectors built without one."""
    global _default
    if _default is None or _default._closed:
        with _default_lock:
            if _default is None or _default._closed:
                _default = Runtime()
    return _default
