"""urllib3 pool classes whose connections go only to the addresses a `resolve(host, port)`
callback returns, so a destination policy checks every address before a socket is opened
(the proxy's, when one is used)."""
from __future__ import annotations

import socket

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import create_connection

from ..errors import FeelishError


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


def pool_classes(resolve) -> dict:
    """{"http": pool class, "https": pool class} connecting through `resolve`."""
    class Connection(HTTPConnection):
        pass

    class SecureConnection(HTTPSConnection):
        pass

    for cls in (Connection, SecureConnection):
        cls.resolve = staticmethod(resolve)
        cls._new_conn = _new_conn

    class Pool(HTTPConnectionPool):
        ConnectionCls = Connection

    class SecurePool(HTTPSConnectionPool):
        ConnectionCls = SecureConnection
    return {"http": Pool, "https": SecurePool}
