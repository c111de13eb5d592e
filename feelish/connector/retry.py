"""Failures and retries: the error codes a call can fail with, which failures and methods are
retried, and the backoff between attempts (a `Retry-After` header wins, capped)."""
from __future__ import annotations

import asyncio
import datetime as _dt
import email.utils
import random
import re
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import httpx2

from .. import bounds
from ..errors import ConnectorError

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
_ISO = re.compile(r"^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?"
                  r"(?:(\d+(?:\.\d+)?)S)?)?$", re.IGNORECASE)


def seconds(value, field: str) -> float:
    """A delay or a timeout given as seconds, a timedelta or an ISO-8601 duration text."""
    if value is True or value is False:
        raise ConnectorError("INPUT_ERROR", f"{field} must be a number of seconds or a duration",
                             field=field)
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
    elif isinstance(value, _dt.timedelta):
        number = value.total_seconds()
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        match = _ISO.match(text)
        if match and text.upper() not in ("P", "PT"):
            d, h, m, s = (float(g) if g else 0.0 for g in match.groups())
            number = d * 86400 + h * 3600 + m * 60 + s
        else:
            try:
                number = float(text)
            except ValueError:
                raise ConnectorError("INPUT_ERROR", f"{field} must be a number of seconds or an "
                                     f"ISO-8601 duration such as PT30S, not {text!r}", field=field) from None
    else:
        raise ConnectorError("INPUT_ERROR", f"{field} must be a number of seconds or a duration",
                             field=field)
    if number < 0 or number != number:
        raise ConnectorError("INPUT_ERROR", f"{field} must not be negative", field=field)
    return number


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    retries: int = 0
    delay: float = 0.0
    factor: float = 1.0
    max_delay: float = 30.0
    jitter: float = 0.0
    retry_on: frozenset[int] = frozenset()
    non_idempotent: bool = False

    @classmethod
    def from_fields(cls, retries, backoff, retry_on, max_delay, non_idempotent) -> "RetryPolicy":
        try:
            count = int(retries)
            if count != retries or count < 0 or retries is True or retries is False:
                raise ValueError
        except (TypeError, ValueError):
            raise ConnectorError("INPUT_ERROR", "retries must be a whole number >= 0",
                                 field="retries") from None
        limit = seconds(max_delay, "retryMaxDelay")
        factor, jitter = 1.0, 0.0
        if isinstance(backoff, Mapping):
            delay = seconds(backoff.get("delay", backoff.get("initial", 0)), "retryBackoff.delay")
            factor = float(backoff.get("factor", 2))
            jitter = float(backoff.get("jitter", 0.1))
            if "maxDelay" in backoff:
                limit = seconds(backoff["maxDelay"], "retryBackoff.maxDelay")
            if factor < 1 or not 0 <= jitter <= 1:
                raise ConnectorError("INPUT_ERROR", "retryBackoff: factor must be >= 1 and jitter "
                                     "between 0 and 1", field="retryBackoff")
        elif backoff is None:  # never a tight loop by default
            delay, factor, jitter = 1.0, 2.0, 0.1
        else:
            delay = seconds(backoff, "retryBackoff")
        return cls(count, delay, factor, limit, jitter, status_codes(retry_on, "retryOn"),
                   bool(non_idempotent))

    def may_retry(self, method: str) -> bool:
        return self.retries > 0 and (self.non_idempotent or method in IDEMPOTENT)

    def status_retryable(self, status: int) -> bool:
        return status >= 500 or status in self.retry_on

    def wait(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        hinted = parse_retry_after(retry_after) if retry_after else None
        if hinted is not None:
            return min(hinted, self.max_delay)
        base = self.delay * (self.factor ** (attempt - 1))
        if self.jitter:
            base *= 1 + random.uniform(-self.jitter, self.jitter)  # noqa: S311 - not crypto
        return max(0.0, min(base, self.max_delay))


def status_codes(value, field: str) -> frozenset[int]:
    """A status list as `ignoreStatus` and `retryOn` take it: codes (`404`, `"404"`) and classes
    (`"4xx"`, `"5XX"`); a single value counts as a list of one."""
    items = value or ()
    if not isinstance(items, (list, tuple, set, frozenset)):
        items = (items,)
    codes: set[int] = set()
    for item in items:
        text = str(item).strip().lower()
        if len(text) == 3 and text[0] in "12345" and text[1:] == "xx":
            codes.update(range(int(text[0]) * 100, int(text[0]) * 100 + 100))
            continue
        try:
            if item is True or item is False:
                raise ValueError
            code = int(text)
        except ValueError:
            raise ConnectorError("INPUT_ERROR", f"{field} must list status codes (404) or classes "
                                 f"(\"4xx\"), not {item!r}", field=field) from None
        codes.add(code)
    return frozenset(codes)


def backoff(attempt, min_delay=0.05, factor=1.6, max_delay=5.0, jitter=0.1) -> float:
    """Camunda's `backoff(attempt, minDelay, factor, maxDelay, jitterFactor)` in seconds:
    `minDelay * factor^(attempt-1)` kept between minDelay and maxDelay, then +/- jitterFactor of it
    at random (defaults 50 ms, 1.6, 5 s, 0.1).  Raises ValueError for attempt < 1, factor <= 0,
    minDelay > maxDelay or a negative jitter."""
    if attempt < 1:
        raise ValueError(f"'attempt' must be >= 1, but was {attempt}")
    if factor <= 0:
        raise ValueError(f"'factor' must be > 0, but was {factor}")
    if min_delay > max_delay:
        raise ValueError(f"'minDelay' ({min_delay:g} s) must not exceed 'maxDelay' ({max_delay:g} s)")
    if jitter < 0:
        raise ValueError(f"'jitterFactor' must be >= 0, but was {jitter}")
    raw = min_delay * factor ** min(int(attempt) - 1, 1000)  # capped: never an overflow
    delay = max(min_delay, min(max_delay, raw))
    if jitter:
        delay += random.uniform(-jitter * delay, jitter * delay)  # noqa: S311 - not crypto
    return max(0.0, round(delay, 3))


def parse_retry_after(value: str) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    return max(0.0, (when - _dt.datetime.now(_dt.timezone.utc)).total_seconds())


def pause(seconds: float) -> bool:
    """Sleep before a retry; False (no sleep) when the wait would pass the call's deadline."""
    left = bounds.remaining()
    if left is not None and seconds >= left:
        return False
    time.sleep(seconds)
    return True


async def apause(seconds: float) -> bool:
    left = bounds.remaining()
    if left is not None and seconds >= left:
        return False
    await asyncio.sleep(seconds)
    return True


def transport_error(exc: httpx2.HTTPError, *, connect_timeout: float | None,
                    read_timeout: float | None, url: httpx2.URL | None = None,
                    proxy: str | None = None) -> ConnectorError:
    """An httpx2 exception -> a ConnectorError with a code that says what happened (a failed
    connection names the host and port it tried, and the proxy it went through)."""
    detail = str(exc) or exc.__class__.__name__
    if isinstance(exc, httpx2.TimeoutException) and bounds.expired():
        return ConnectorError("TIMEOUT", f"the call took longer than timeoutInSeconds "
                              f"({bounds.budget():g} s)", retryable=False)

    def limit(value):
        return "no limit" if value is None else f"{value:g} s"
    if isinstance(exc, httpx2.ConnectTimeout):
        return ConnectorError("TIMEOUT", f"connection timeout: no connection within "
                              f"{limit(connect_timeout)}", retryable=True)
    if isinstance(exc, httpx2.ReadTimeout):
        return ConnectorError("TIMEOUT", f"read timeout: the server sent nothing for "
                              f"{limit(read_timeout)}", retryable=True)
    if isinstance(exc, httpx2.WriteTimeout):
        return ConnectorError("TIMEOUT", "write timeout: the request body could not be sent in time",
                              retryable=True)
    if isinstance(exc, httpx2.PoolTimeout):
        return ConnectorError("TIMEOUT", "pool timeout: no free connection in time", retryable=True)
    if isinstance(exc, httpx2.ProxyError):
        # a 407 (wrong or missing proxy credentials) fails the same way on every attempt
        return ConnectorError("PROXY_ERROR", f"the proxy failed the request: {detail}",
                              retryable="407" not in detail)
    if isinstance(exc, httpx2.TooManyRedirects):
        return ConnectorError("TOO_MANY_REDIRECTS", detail)
    if isinstance(exc, httpx2.ConnectError):
        if _is_tls(exc):
            return ConnectorError("TLS_ERROR", f"TLS handshake failed: {detail}")
        return ConnectorError("CONNECTION_FAILED", f"could not connect{_where(url, proxy)}: {detail}",
                              retryable=True)
    if isinstance(exc, (httpx2.ReadError, httpx2.WriteError, httpx2.RemoteProtocolError)):
        if _is_tls(exc):
            return ConnectorError("TLS_ERROR", f"TLS failure: {detail}")
        return ConnectorError("CONNECTION_ERROR", f"the connection broke: {detail}", retryable=True)
    if isinstance(exc, (httpx2.UnsupportedProtocol, httpx2.InvalidURL)):
        return ConnectorError("INPUT_ERROR", detail, field="url")
    return ConnectorError("CONNECTION_ERROR", detail, retryable=isinstance(exc, httpx2.TransportError))


def _where(url: httpx2.URL | None, proxy: str | None) -> str:
    if url is None:
        return ""
    port = url.port or (443 if url.scheme == "https" else 80)
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f" to {host}:{port}" + (f" through the proxy {proxy}" if proxy else "")


def _is_tls(exc: BaseException) -> bool:
    seen = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "SSL" in str(seen) or "CERTIFICATE" in str(seen).upper():
            return True
        seen = seen.__cause__ or seen.__context__
    return False
