"""The slow path of values computed from secrets: `rerun` runs a failed operator or built-in again
on the revealed values and taints the result (strings and the strings inside lists and contexts;
booleans and null pass; a number or date made from a secret's text is refused unless the
built-in only measures, `MEASURES`), masking a failure's message with the tainted texts."""
from __future__ import annotations

from ..errors import WarningKind
from ..secrets import Redactor
from ..taint import is_tainted, reveal, secret_str, taint, tainted_texts
from .values import FeelFailure

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, Callable

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
