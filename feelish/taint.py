"""Taint: a value computed from a secret is a secret.  `SecretStr` is a `str` that equals its text
and goes over the wire as its bytes, but shows as `***`; `taint`, `reveal`, `masked`; a `collect`
scope (a context variable) records every derived secret text made inside it, so a connector call
knows what to mask.  The language's fast paths check exact types, so evaluations that never meet a
secret pay nothing (docs/security.md, "Secrets and masking")."""
from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

MASK = "***"

_sink: ContextVar[set[str] | None] = ContextVar("feelish_taint_sink", default=None)
_to_str = str.__str__


class SecretStr(str):
    """A string computed from a secret (see the module docstring)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'***'"

    def __reduce__(self):  # pickling keeps the taint (a Celery hop, a cache)
        return (SecretStr, (_to_str(self),))


class SplicedStr(SecretStr):
    """A SecretStr made only of literal text and whole secret values (`"Bearer <<secrets.T>>"`,
    or such strings joined with `+`): showing it with each secret replaced is safe, so a dry
    run shows `Bearer <<secrets.T>>` rather than `***`.  It is not recorded as a derived text."""

    __slots__ = ()

    def __reduce__(self):
        return (SplicedStr, (_to_str(self),))


def spliced(text: str) -> SplicedStr:
    return SplicedStr(text)


class TaintedValue(TypeError):
    """Raised where a tainted value would become plain text (`string()`, JSON): the caller's
    slow path reruns the operation on revealed values and taints what it makes."""

    def __init__(self) -> None:
        super().__init__("a secret value")


def secret_str(text: str) -> SecretStr:
    """`text` as a SecretStr, recorded in the current `collect` scope."""
    if type(text) is SplicedStr:
        return text
    if type(text) is not SecretStr:
        text = SecretStr(text)
    sink = _sink.get()
    if sink is not None and text:
        sink.add(_to_str(text))
    return text


def taint(value: Any) -> Any:
    """`value` with every string in it (context keys too) made a SecretStr."""
    t = type(value)
    if t is SecretStr or t is SplicedStr:
        return value
    if isinstance(value, str):
        return secret_str(value)
    if t is list or t is tuple:
        return [taint(v) for v in value]
    if isinstance(value, dict):
        return {taint(k): taint(v) for k, v in value.items()}
    return value


def is_tainted(value: Any) -> bool:
    """Whether `value` is or holds a SecretStr (deeply, keys included)."""
    t = type(value)
    if t is SecretStr or t is SplicedStr:
        return True
    if t is list or t is tuple:
        return any(is_tainted(v) for v in value)
    if t is dict or isinstance(value, dict):
        return any(isinstance(k, SecretStr) or is_tainted(v) for k, v in value.items())
    return False


def reveal(value: Any) -> Any:
    """`value` with every SecretStr replaced by a plain str of the same text (copy on write)."""
    t = type(value)
    if t is SecretStr or t is SplicedStr:
        return _to_str(value)
    if t is list or t is tuple:
        out = [reveal(v) for v in value]
        return value if all(a is b for a, b in zip(out, value)) and t is list else out
    if t is dict or isinstance(value, dict):
        if not is_tainted(value):
            return value
        return {reveal(k): reveal(v) for k, v in value.items()}
    return value


def masked(value: Any, mark: str = MASK) -> Any:
    """What a person may see: every SecretStr replaced by `mark` (copy on write)."""
    t = type(value)
    if t is SecretStr or t is SplicedStr:
        return mark
    if t is list or t is tuple:
        if not is_tainted(value):
            return value
        return [masked(v, mark) for v in value]
    if t is dict or isinstance(value, dict):
        if not is_tainted(value):
            return value
        return {masked(k, mark): masked(v, mark) for k, v in value.items()}
    return value


def tainted_texts(value: Any) -> Iterator[str]:
    """The text of every SecretStr in `value`."""
    t = type(value)
    if t is SecretStr or t is SplicedStr:
        yield _to_str(value)
    elif t is list or t is tuple:
        for v in value:
            yield from tainted_texts(v)
    elif t is dict or isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, SecretStr):
                yield _to_str(k)
            yield from tainted_texts(v)


class collect:  # noqa: N801 - used as a function: `with collect(into):`
    """Within the block, the text of every SecretStr made (`secret_str`, `taint`) joins `into`
    (a context manager class rather than @contextmanager: contextlib is not part of a start)."""

    __slots__ = ("_into", "_token")

    def __init__(self, into: set[str]) -> None:
        self._into = into

    def __enter__(self) -> set[str]:
        self._token = _sink.set(self._into)
        return self._into

    def __exit__(self, *exc_info: object) -> None:
        _sink.reset(self._token)


def start_collecting(into: set[str]):
    """`collect` for code that cannot use a with block: returns the token for `stop_collecting`."""
    return _sink.set(into)


def stop_collecting(token) -> None:
    _sink.reset(token)


def note(texts) -> None:
    """Record texts known to be secret in the current `collect` scope (inputs made elsewhere)."""
    sink = _sink.get()
    if sink is not None:
        sink.update(t for t in texts if t)


__all__ = ["MASK", "SecretStr", "SplicedStr", "spliced", "TaintedValue", "collect", "is_tainted", "masked", "note", "reveal",
           "secret_str", "start_collecting", "stop_collecting", "taint", "tainted_texts"]
