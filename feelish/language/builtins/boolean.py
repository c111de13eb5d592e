"""Boolean functions: not, is defined, get or else, assert."""
from __future__ import annotations

from ...errors import EvaluationError
from ._core import builtin, failure

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


@builtin("not", "negand")
def _not(value: Any) -> bool | None:
    if value is None:
        return None
    if type(value) is not bool:
        raise failure("expects a boolean")
    return not value


@builtin("is defined", "value")
def _is_defined(value: Any) -> bool:
    # the compiler also answers false for a missing variable or context entry before calling this
    return value is not None


@builtin("get or else", "value, default")
def _get_or_else(value: Any, default: Any) -> Any:
    return default if value is None else value


@builtin("assert", "value, condition, cause?")
def _assert(value: Any, condition: Any, cause: Any = None) -> Any:
    if condition is not True:
        message = cause if type(cause) is str else "assertion failed"
        raise EvaluationError(message, kind="assert-failure")
    return value
