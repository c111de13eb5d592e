"""urllib3 pool classes whose responses are read within the call's whole deadline (status line and
headers included), and whose connections, given a `resolve(host, port)`, go only to the addresses
it returns (a destination policy checks every address, the proxy's too, before a socket opens)."""
from __future__ import annotations

import http.client
import io
import socket
import time

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import create_connection

from .. import bounds
from ..errors import FeelishError


class _DeadlineReader(io.RawIOBase):
    """A socket's bytes (through its own raw file, which keeps the socket open while it is read),
    each read waiting at most until `deadline` (a monotonic time)."""

    def __init__(self, sock: socket.socket, deadline: float):
        self._sock, self._deadline = sock, deadline
        self._raw = sock.makefile("rb", buffering=0)
        self._base = sock.gettimeout()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("the call's deadline passed while reading the response")
        self._sock.settimeout(left if self._base is None or left < self._base else self._base)
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineSocket:
    """What `http.client.HTTPResponse` asks of a socket: `makefile`, reading within a deadline."""

    def __init__(self, sock: socket.socket, deadline: float):
        self._sock, self._deadline = sock, deadline

    def makefile(self, mode: str = "rb", *args, **kwargs):
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))


class DeadlineResponse(http.client.HTTPResponse):
    """A response whose status line, headers and body are read within the current call's deadline
    (`feelish.bounds`): a server that drips its headers cannot outlast it."""

    def __init__(self, sock, *args, **kwargs):
        left = bounds.remaining()
        if left is not None:
            sock = _DeadlineSocket(sock, time.monotonic() + left)
        super().__init__(sock, *args, **kwargs)


def _new_conn(self) -> socket.socket:
    try:
        addresses = self.resolve(self._dns_host, self.port)
    except FeelishError:  # the policy's refusal, as it is
        raise
    except Exception as exc:  # noqa: BLE001 - a name that cannot be resolved
        raise NewConnectionError(self, f"cannot resolve {self._dns_host}: {exc}") from exc
    failure: Exception | None = None
    for address in addresses:
        try:
            return create_connection((address, self.port), self.timeout,
                                     source_address=self.source_address,
                                     socket_options=self.socket_options)
        except socket.timeout as exc:
            raise ConnectTimeoutError(self, f"connection to {self.host} timed out") from exc
        except OSError as exc:
            failure = exc
    raise NewConnectionError(self, f"failed to establish a new connection: {failure}")


def pool_classes(resolve=None) -> dict:
    """{"http": pool class, "https": pool class} reading within the deadline, and connecting
    through `resolve` when given."""
    class Connection(HTTPConnection):
        response_class = DeadlineResponse

    class SecureConnection(HTTPSConnection):
        response_class = DeadlineResponse

    for cls in (Connection, SecureConnection):
        if resolve is not None:
            cls.resolve = staticmethod(resolve)
            cls._new_conn = _new_conn

    class Pool(HTTPConnectionPool):
        ConnectionCls = Connection

    class SecurePool(HTTPSConnectionPool):
        ConnectionCls = SecureConnection
    return {"http": Pool, "https": SecurePool}
