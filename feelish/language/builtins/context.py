"""Context functions: get value, get entries, context put, context merge (and old put/put all)."""
from __future__ import annotations

from ._core import as_list, builtin, context, failure, text

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


@builtin("get value", "m, key")
def _get_value(m: Any, key: Any) -> Any:
    ctx = context(m)
    if isinstance(key, (list, tuple)):
        return _get_path(ctx, key)
    return ctx.get(text(key, "key"))


@builtin("get value", "m, keys")
def _get_value_keys(m: Any, keys: Any) -> Any:
    return _get_path(context(m), as_list(keys))


def _get_path(ctx: dict[str, Any], keys: list[Any]) -> Any:
    value: Any = ctx
    for k in keys:
        name = text(k, "key")
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


@builtin("get entries", "m")
def _get_entries(m: Any) -> list[dict[str, Any]]:
    return [{"key": k, "value": v} for k, v in context(m).items()]


def _put(ctx: dict[str, Any], keys: list[Any], value: Any) -> dict[str, Any]:
    if not keys:
        raise failure("keys must not be empty")
    name = text(keys[0], "key")
    out = dict(ctx)
    if len(keys) == 1:
        out[name] = value
        return out
    inner = out.get(name)
    if inner is None and name not in out:
        inner = {}
    if not isinstance(inner, dict):
        raise failure(f"the entry at key {name!r} is not a context")
    out[name] = _put(inner, keys[1:], value)
    return out


@builtin("context put", "context, keys, value", aliases=("put",))
def _context_put_keys(ctx: Any, keys: Any, value: Any) -> dict[str, Any]:
    if not isinstance(keys, (list, tuple)):  # positional calls land here with a single key too
        return _put(context(ctx), [text(keys, "key")], value)
    return _put(context(ctx), list(keys), value)


@builtin("context put", "context, key, value", aliases=("put",))
def _context_put(ctx: Any, key: Any, value: Any) -> dict[str, Any]:
    return _put(context(ctx), [text(key, "key")], value)


def _merge(contexts: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for c in contexts:
        out.update(context(c))
    return out


@builtin("context merge", "contexts", aliases=("put all",))
def _context_merge(contexts: Any) -> dict[str, Any]:
    return _merge(as_list(contexts))


@builtin("context merge", "c1, c...", aliases=("put all",))
def _context_merge_args(first: Any, rest: list[Any]) -> dict[str, Any]:
    return _merge([first, *rest])
