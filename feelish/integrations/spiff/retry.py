"""Job-level retries of a connector service task: Spiff's `<spiffworkflow:retry>` and `jobError`."""
from __future__ import annotations

from dataclasses import dataclass

from feelish import BusinessError, ConnectorError

#: failures that retrying cannot fix
NOT_RETRIED = frozenset({"INPUT_ERROR", "RESULT_ERROR"})


@dataclass(frozen=True, slots=True)
class RetryPlan:
    """The retry settings of one service task, with the engine's bounds."""

    retries: int = 0
    backoff_base: float | None = None
    max_delay: float = 60.0
    max_attempts: int = 20

    def next_wait(self, error: ConnectorError, attempt: int, remaining: int) -> tuple[float, int] | None:
        """After failed attempt number `attempt` with `remaining` retries left: None to give up,
        else (seconds to wait, retries left after this one)."""
        if isinstance(error, BusinessError) or error.code in NOT_RETRIED:
            return None
        if error.job_retries is not None:
            remaining = error.job_retries
        if remaining <= 0 or attempt >= self.max_attempts:
            return None
        if error.job_backoff is not None:
            wait = error.job_backoff
        elif self.backoff_base:
            wait = self.backoff_base * 2 ** (attempt - 1)
        else:
            wait = 0.0
        return min(max(wait, 0.0), self.max_delay), remaining - 1
