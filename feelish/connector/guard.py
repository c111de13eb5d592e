"""The network layer under every pooled client: each connect, read and write gets the smaller of
its own timeout and what is left of the call's deadline (so a dripping server still ends the call
with TIMEOUT), and with a `DestinationPolicy` every connection is made to an address resolved and
checked here (docs/security.md, "Destination policy")."""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

import httpcore2

from .. import bounds
from ..errors import ConnectorError


@dataclass(frozen=True, slots=True)
class DestinationPolicy:
    """Refuse destinations that are not public internet addresses (private, loopback, link-local,
    shared, reserved, multicast, unspecified), except the allow-listed ones: host names
    (`api.internal`, `*.corp.example`), addresses (`10.0.0.5`) or networks (`10.1.0.0/16`)."""

    allow: tuple[str, ...] = ()

    @classmethod
    def of(cls, allow: Iterable[str] = ()) -> "DestinationPolicy":
        names = []
        for item in allow:
            text = str(item).strip().lower()
            if not text:
                continue
            if "/" in text:
                try:
                    ipaddress.ip_network(text, strict=False)
                except ValueError:
                    raise ValueError(f"allowed destination {item!r} is not a network") from None
            names.append(text)
        return cls(tuple(names))

    def _networks(self):
        for item in self.allow:
            try:
                yield ipaddress.ip_network(item, strict=False)
            except ValueError:
                continue

    def host_allowed(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        for item in self.allow:
            if item == host or (item.startswith("*.") and host.endswith(item[1:])):
                return True
        return False

    def address_allowed(self, address: str) -> bool:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.is_global and not ip.is_multicast:
            return True
        return any(ip in net for net in self._networks())

    def check(self, host: str, addresses: list[str]) -> list[str]:
        """The addresses to connect to (all of them checked); ConnectorError(DESTINATION_REFUSED)
        if any is not allowed: a name must not point at both a public and a private address."""
        if not addresses:
            raise ConnectorError("CONNECTION_FAILED", f"could not connect: {host} has no address")
        if self.host_allowed(host):
            return addresses
        for address in addresses:
            if not self.address_allowed(address):
                raise ConnectorError("DESTINATION_REFUSED", f"the destination {host} resolves to "
                                     f"{address}, a non-public address that the runtime's "
                                     "destination policy refuses")
        return addresses


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def resolve_address(host: str, port: int) -> list[str]:
    literal = _literal(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise httpcore2.ConnectError(f"cannot resolve {host}: {exc}") from None
    return [info[4][0] for info in infos]


async def aresolve_address(host: str, port: int) -> list[str]:
    literal = _literal(host)
    if literal is not None:
        return [literal]
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise httpcore2.ConnectError(f"cannot resolve {host}: {exc}") from None
    return [str(info[4][0]) for info in infos]


def _clamped(timeout: float | None, exc_type) -> float | None:
    left = bounds.clamp(timeout)
    if left is not None and left <= 0:
        raise exc_type("the call's deadline has passed")
    return left


class GuardedStream(httpcore2.NetworkStream):
    def __init__(self, stream: httpcore2.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamped(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamped(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return GuardedStream(self._stream.start_tls(ssl_context, server_hostname,
                                                    _clamped(timeout, httpcore2.ConnectTimeout)))

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore2.NetworkBackend):
    def __init__(self, backend: httpcore2.NetworkBackend, policy: DestinationPolicy | None):
        self._backend = backend
        self._policy = policy

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        timeout = _clamped(timeout, httpcore2.ConnectTimeout)
        if self._policy is None:
            return GuardedStream(self._backend.connect_tcp(host, port, timeout, local_address,
                                                           socket_options))
        failure: Exception | None = None
        for address in self._policy.check(host, resolve_address(host, port)):  # the checked addresses
            try:
                return GuardedStream(self._backend.connect_tcp(address, port, timeout, local_address,
                                                               socket_options))
            except httpcore2.ConnectError as exc:
                failure = exc
        raise failure

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover
        raise httpcore2.ConnectError("unix sockets are not used by feelish")

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class AsyncGuardedStream(httpcore2.AsyncNetworkStream):
    def __init__(self, stream: httpcore2.AsyncNetworkStream):
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, _clamped(timeout, httpcore2.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, _clamped(timeout, httpcore2.WriteTimeout))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return AsyncGuardedStream(await self._stream.start_tls(
            ssl_context, server_hostname, _clamped(timeout, httpcore2.ConnectTimeout)))

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class AsyncGuardedBackend(httpcore2.AsyncNetworkBackend):
    def __init__(self, backend: httpcore2.AsyncNetworkBackend, policy: DestinationPolicy | None):
        self._backend = backend
        self._policy = policy

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        timeout = _clamped(timeout, httpcore2.ConnectTimeout)
        if self._policy is None:
            return AsyncGuardedStream(await self._backend.connect_tcp(host, port, timeout,
                                                                      local_address, socket_options))
        failure: Exception | None = None
        for address in self._policy.check(host, await aresolve_address(host, port)):
            try:
                return AsyncGuardedStream(await self._backend.connect_tcp(
                    address, port, timeout, local_address, socket_options))
            except httpcore2.ConnectError as exc:
                failure = exc
        raise failure

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover
        raise httpcore2.ConnectError("unix sockets are not used by feelish")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def guard(transport, policy: DestinationPolicy | None, *, asynchronous: bool):
    """Put the guarded backend under an httpx2 transport's connection pool (its pool is built
    without connections, so every connection it ever makes goes through the guard)."""
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is None:  # pragma: no cover - a changed httpx2: fail loudly, never unguarded
        raise RuntimeError("feelish cannot guard this httpx2 transport (no network backend)")
    pool._network_backend = (AsyncGuardedBackend if asynchronous else GuardedBackend)(backend, policy)
    return transport
