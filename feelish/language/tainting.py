"""The slow path of values computed from secrets.

The fast paths of the operators and built-ins check exact types, so a `SecretStr` (or a list or
context holding one) makes them fail.  Where such a failure is caught, `rerun` runs the same
operation on the revealed values and taints what it makes: a string result becomes a SecretStr,
a list or context result has its strings tainted, a yes/no answer (or null) stays as it is.  A
number or a date made from a secret's text would show that text, so it is refused, except from
the built-ins in `MEASURES`, which only measure.  A failure's message is masked with the tainted
texts before anyone sees it.  Evaluations that never meet a secret never come here.
"""
from __future__ import annotations

from typing import Any, Callable

from ..errors import WarningKind
from ..secrets import Redactor
from ..taint import is_tainted, reveal, secret_str, taint, tainted_texts
from .values import FeelFailure

#: built-ins whose number results measure a secret without revealing its text
MEASURES = frozenset({"string length", "count", "index of", "list contains", "is empty",
                      "compare"})  # compare: the order of two values (-1, 0, 1)

_PASS = (bool, type(None))


def tainted(args: Any) -> bool:
    return is_tainted(args)


def rerun(fn: Callable[..., Any], args: tuple | list, name: str | None = None) -> Any:
    """`fn(*args)` on the revealed arguments, its result tainted (see the module docstring)."""
    try:
        result = fn(*[reveal(a) for a in args])
    except FeelFailure as exc:
        raise masked_failure(exc, args) from None
    t = type(result)
    if t in _PASS:
        return result
    if isinstance(result, str):
        return secret_str(result)
    if t is list or t is dict or t is tuple:
        return taint(result)
    if name in MEASURES:
        return result
    raise FeelFailure(WarningKind.FUNCTION_INVOCATION_FAILURE,
                      "a value computed from a secret stays text (it would show the secret)")


def masked_failure(exc: FeelFailure, args: Any) -> FeelFailure:
    """The same failure, its message masked with every tainted text among `args`."""
    redactor = Redactor(tainted_texts(list(args)))
    message = redactor.text(exc.message) if redactor else exc.message
    return FeelFailure(exc.kind, message)


__all__ = ["MEASURES", "masked_failure", "rerun", "tainted"]
