"""Other functions: `is` (identity of type and value) and `fromAi` (returns its value)."""
from __future__ import annotations

from datetime import date, datetime, time

from ..operators import equal
from ..temporal import is_named_zone
from ..values import FeelFailure, type_name
from ..nanos import WideTime
from ..wide import WideDateTime
from ._core import builtin

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def _zone_identity(tz: Any, moment: Any) -> Any:
    if tz is None:
        return None
    if is_named_zone(tz):
        return ("zone", tz.key)
    return ("offset", tz.utcoffset(moment))


@builtin("is", "value1, value2")
def _is(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if type_name(a) != type_name(b):
        return False
    if isinstance(a, (datetime, time)) or type(a) is WideDateTime or type(a) is WideTime:
        moment_a = a.inner if type(a) is WideDateTime else a if isinstance(a, datetime) else None
        moment_b = b.inner if type(b) is WideDateTime else b if isinstance(b, datetime) else None
        if _zone_identity(a.tzinfo, moment_a) != _zone_identity(b.tzinfo, moment_b):
            return False
        return a.replace(tzinfo=None) == b.replace(tzinfo=None)
    if isinstance(a, date):
        return a == b
    try:
        return equal(a, b) is True
    except FeelFailure:
        return False


@builtin("fromAi", "value, description?, type?, schema?, options?")
def _from_ai(value: Any, description: Any = None, type: Any = None, schema: Any = None,
             options: Any = None) -> Any:
    # In Camunda the agent runtime fills `value`; evaluated here it is simply the value itself.
    return value
