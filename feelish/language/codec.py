"""FEEL values as text: the `string()` form (also the REPL's display) and JSON in and out,
numbers kept exact."""
from __future__ import annotations

import json
from decimal import Decimal as _Decimal

from . import temporal
from ..taint import SecretStr, TaintedValue
from .values import FeelFunction, Range, YearsMonthsDuration, format_number, is_number, to_decimal

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

_INT_PLAIN = 10 ** 4000  # ints below this are written by str() exactly as format_number does


def feel_string(value: Any) -> str:
    """FEEL's `string(value)` formatting (also used by the REPL for display)."""
    if value is None:
        return "null"
    t = type(value)
    if t is str:
        return value
    if t is int and -_INT_PLAIN < value < _INT_PLAIN:
        return str(value)
    if t is bool:
        return "true" if value else "false"
    if is_number(value):
        return format_number(value)
    if t is YearsMonthsDuration:
        return str(value)
    text = temporal.format_temporal(value)
    if text is not None:
        return text
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_inner_string(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}:{_inner_string(v)}" for k, v in value.items()) + "}"
    if t is Range:
        left = "[" if value.start_included else "("
        right = "]" if value.end_included else ")"
        start = "" if value.start is None else _inner_string(value.start)
        end = "" if value.end is None else _inner_string(value.end)
        return f"{left}{start}..{end}{right}"
    if isinstance(value, FeelFunction):
        return f"function {value.name}"
    if isinstance(value, SecretStr):  # never written as plain text: the caller's slow path taints
        raise TaintedValue()
    return "<" + type(value).__name__ + ">"


def _inner_string(v: Any) -> str:
    if type(v) is str:
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return feel_string(v)


def to_json_value(value: Any, *, floats: bool = False) -> Any:
    """A FEEL value as plain JSON data: integral numbers -> int, others -> Decimal (or float with
    `floats=True`, for `json.dumps`), temporal values and durations -> ISO strings (zone ids as
    `+01:00[Europe/Berlin]`, days-time durations as `PT48H`), ranges/functions -> their string."""
    t = type(value)
    if value is None or t is bool or t is str:
        return value
    if is_number(value):
        d = to_decimal(value)
        if d is None:
            return None
        if d.adjusted() < 4000 and d == d.to_integral_value():
            return int(d)
        return float(d) if floats else d
    if isinstance(value, dict):
        return {str(k): to_json_value(v, floats=floats) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(v, floats=floats) for v in value]
    text = temporal.format_json(value)
    if text is not None:
        return text
    return feel_string(value)


def json_text(value: Any, *, indent: int | None = None) -> str:
    """Compact JSON text of a FEEL value (Decimals written exactly)."""
    data = to_json_value(value)

    def render(v: Any, level: int) -> str:
        if isinstance(v, _Decimal):
            return format_number(v)
        if isinstance(v, dict):
            if not v:
                return "{}"
            if indent is None:
                return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + render(x, level) for k, x in v.items()) + "}"
            pad = "\n" + " " * (indent * (level + 1))
            body = ",".join(pad + json.dumps(k, ensure_ascii=False) + ": " + render(x, level + 1) for k, x in v.items())
            return "{" + body + "\n" + " " * (indent * level) + "}"
        if isinstance(v, list):
            if not v:
                return "[]"
            if indent is None:
                return "[" + ",".join(render(x, level) for x in v) + "]"
            pad = "\n" + " " * (indent * (level + 1))
            body = ",".join(pad + render(x, level + 1) for x in v)
            return "[" + body + "\n" + " " * (indent * level) + "]"
        return json.dumps(v, ensure_ascii=False)

    return render(data, 0)


def from_json_text(text: str) -> Any:
    """Parse JSON text into FEEL values (numbers as exact Decimals); ValueError if invalid."""
    def parse_float(s: str) -> Any:
        return _Decimal(s)

    data = json.loads(text, parse_float=parse_float, parse_int=_Decimal,
                      parse_constant=_reject_constant)
    return data


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid JSON constant {name}")
