"""One bounded wait for the test servers' conditions."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable


def wait_until(cond: threading.Condition, predicate: Callable[[], bool], timeout: float) -> bool:
    """Wait on `cond` (not held by the caller) until `predicate()` holds, at most `timeout` s."""
    end = time.monotonic() + timeout
    with cond:
        while not predicate():
            left = end - time.monotonic()
            if left <= 0:
                return False
            cond.wait(min(left, 0.05))
        return True
