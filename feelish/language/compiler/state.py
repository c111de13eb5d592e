"""Per-evaluation state: the one small object every compiled closure receives as `c`, also the `ctx`
handed to `FeelFunction.invoke` (warnings, the evaluation clock, the step budget)."""
from __future__ import annotations

import datetime as _dt
import time as _time
from collections.abc import Callable, Mapping

from ...errors import EvaluationError, LimitExceeded, Span, Warning
from ...records import record
from ...secrets import SecretResolver

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

#: Marks "no value here" (a missing variable or entry), distinct from a FEEL null (None).
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING", "__slots__": ()})()

#: What a generated fast path (codegen) returns when it gives up: the closures evaluate instead.
BAIL: Any = type("Bail", (), {"__repr__": lambda self: "BAIL", "__slots__": ()})()

#: Defaults for the bounds on one evaluation (each configurable on compile and on evaluate).
DEFAULT_MAX_STEPS = 1_000_000        # loop iterations + list elements produced + function calls
DEFAULT_MAX_STRING = 5_000_000       # characters in one string value (below the operators' own cap)
DEFAULT_MAX_DEPTH = 64               # nested user-function invocations
DEFAULT_MAX_SECONDS = 5.0            # wall-clock seconds of one evaluation, from its first bulk or regex work
REGEX_TIMEOUT = 0.25                 # seconds one regex operation may run


#: The resolver of evaluations given no secrets: it resolves nothing, so it never remembers a value.
NO_SECRETS = SecretResolver(None)


def _system_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).astimezone()


@record
class Limits:
    """The bounds on one evaluation."""

    max_steps: int = DEFAULT_MAX_STEPS
    max_string_length: int = DEFAULT_MAX_STRING
    max_depth: int = DEFAULT_MAX_DEPTH
    max_seconds: float = DEFAULT_MAX_SECONDS

    def override(self, max_steps: int | None = None, max_string_length: int | None = None,
                 max_depth: int | None = None, max_seconds: float | None = None) -> "Limits":
        if max_steps is None and max_string_length is None and max_depth is None \
                and max_seconds is None:
            return self
        return Limits(self.max_steps if max_steps is None else max_steps,
                      self.max_string_length if max_string_length is None else max_string_length,
                      self.max_depth if max_depth is None else max_depth,
                      self.max_seconds if max_seconds is None else max_seconds)


DEFAULT_LIMITS = Limits()


class EvalContext:
    """Mutable state of one evaluation. Never shared between evaluations or threads."""

    __slots__ = ("vars", "secrets", "strict", "warnings", "steps", "limits", "depth", "input",
                 "source", "clock", "_now", "_seen", "_deadline")

    def __init__(self, variables: Mapping[str, Any], secrets: SecretResolver = NO_SECRETS,
                 strict: bool = False, source: str = "", limits: Limits = DEFAULT_LIMITS,
                 clock: Callable[[], _dt.datetime] | None = None):
        self.vars = variables
        self.secrets = secrets
        self.strict = strict
        self.warnings: list[Warning] = []
        self.steps = limits.max_steps
        self.limits = limits
        self.depth = 0
        self.input = MISSING
        self.source = source
        self.clock = clock
        self._now: _dt.datetime | None = None
        self._seen: set[tuple[str, Span | None]] | None = None
        self._deadline: float | None = None

    @property
    def max_steps(self) -> int:
        return self.limits.max_steps

    @property
    def max_string(self) -> int:
        return self.limits.max_string_length

    @property
    def max_depth(self) -> int:
        return self.limits.max_depth

    # ------------------------------------------------------------------ warnings

    def warn(self, kind: str, message: str, span: Span | None = None) -> None:
        """Record a suppressed failure (once per kind and position); raise in strict mode."""
        key = (kind, span)
        if self._seen is None:
            self._seen = set()
        elif key in self._seen:
            return None
        self._seen.add(key)
        warning = Warning(kind, message, span)
        self.warnings.append(warning)
        if self.strict:
            raise EvaluationError(f"{kind}: {message}", source=self.source, span=span,
                                  warnings=tuple(self.warnings), kind=kind)
        return None

    # ------------------------------------------------------------------ limits

    def charge(self, n: int, span: Span | None = None) -> None:
        """Spend `n` steps of the budget on bulk work (a large list, context, call or string, a
        sort); raise LimitExceeded when the steps or the evaluation's time run out."""
        self.steps -= n
        if self.steps < 0:
            self.exceeded(span)
        self.time_left(span, "bulk work")

    def exceeded(self, span: Span | None = None, what: str | None = None) -> None:
        raise LimitExceeded(
            what or f"evaluation exceeded its budget of {self.max_steps} steps "
                    "(loop iterations, list elements, context entries, arguments and function calls)",
            source=self.source, span=span)

    def check_string(self, value: str, span: Span | None) -> None:
        size = len(value)
        if size > self.max_string:
            raise LimitExceeded(f"a string grew to {size} characters, over the limit of "
                                f"{self.max_string}", source=self.source, span=span)
        if size > 64:
            self.charge(size >> 6, span)

    def regex_timeout(self, span: Span | None = None) -> float:
        """The seconds the next regex operation may run: the regex timeout, or less when the
        evaluation's wall-clock budget (started by its first slow operation) is nearly spent;
        LimitExceeded once it is spent."""
        return min(REGEX_TIMEOUT, self.time_left(span, "regular expressions"))

    def time_left(self, span: Span | None, what: str) -> float:
        """Seconds left of the evaluation's wall-clock budget, which starts with its first bulk or
        regex work (cheaper work is bounded by the step budget alone); LimitExceeded once spent."""
        now = _time.monotonic()
        if self._deadline is None:
            self._deadline = now + self.limits.max_seconds
        left = self._deadline - now
        if left <= 0:
            raise LimitExceeded(f"evaluation exceeded its time budget of {self.limits.max_seconds:g} s "
                                f"({what})", source=self.source, span=span)
        return left

    # ------------------------------------------------------------------ clock

    def now(self) -> _dt.datetime:
        """The evaluation's current date and time (zoned), fixed for the whole evaluation."""
        if self._now is None:
            self._now = (self.clock or _system_now)()
        return self._now

    def today(self) -> _dt.date:
        return self.now().date()

    def __repr__(self) -> str:
        return f"EvalContext(strict={self.strict}, warnings={len(self.warnings)}, steps={self.steps})"
