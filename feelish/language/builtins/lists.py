"""List functions: membership, slicing, building, ordering, de-duplication, boolean folds."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import cmp_to_key

from ..operators import compare, equal
from ..values import FeelFailure, FeelFunction, YearsMonthsDuration, int_decimal, is_number, to_decimal
from ._core import as_list, boolean, builtin, check_list, failure, integer, num, whole

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def feel_eq(a: Any, b: Any) -> bool:
    """FEEL equality as a plain bool: values of different types are simply not equal."""
    try:
        return equal(a, b) is True
    except FeelFailure:
        return False


def _key(x: Any) -> Any:
    """A hashable identity for scalars equal under FEEL equality, or None for the slow path."""
    t = type(x)
    if t is str:
        return ("s", x)
    if t is bool:
        return ("b", x)
    if x is None:
        return ("null",)
    if is_number(x):
        d = to_decimal(x)
        return ("n", d.normalize() if d is not None else None)
    if t is list:  # lists and contexts of hashable values hash too: set operations stay linear
        keys = tuple(map(_key, x))
        return None if None in keys else ("l", keys)
    if t is dict:
        pairs = frozenset((k, _key(v)) for k, v in x.items())
        return None if any(v is None for _, v in pairs) else ("c", pairs)
    if t is date or t is timedelta:
        return (t.__name__, x)
    if t is YearsMonthsDuration:
        return ("ymd", x.months)
    return None


def distinct(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    seen: set[Any] = set()
    slow: list[Any] = []
    for item in items:
        k = _key(item)
        if k is not None:
            if k not in seen:
                seen.add(k)
                out.append(item)
        elif not any(feel_eq(item, o) for o in slow):
            slow.append(item)
            out.append(item)
    return out


@builtin("list contains", "list, element")
def _contains(items: Any, element: Any) -> bool:
    return any(feel_eq(x, element) for x in as_list(items))


@builtin("count", "list")
def _count(items: Any) -> Decimal:
    return int_decimal(len(items if type(items) is list else as_list(items)))


def _extreme(items: list[Any], sign: int) -> Any:
    if not items:
        return None
    best = items[0]
    if best is None:
        raise failure("null items are not comparable")
    for x in items[1:]:
        if x is None:
            raise failure("null items are not comparable")
        try:
            if compare(x, best) * sign > 0:
                best = x
        except FeelFailure:
            raise failure("the items are not comparable") from None
    return to_decimal(best) if is_number(best) else best


@builtin("min", "list")
def _min_list(items: Any) -> Any:
    return _extreme(as_list(items), -1)


@builtin("min", "c1, c...")
def _min_args(first: Any, rest: list[Any]) -> Any:
    return _extreme([first, *rest], -1)


@builtin("max", "list")
def _max_list(items: Any) -> Any:
    return _extreme(as_list(items), 1)


@builtin("max", "c1, c...")
def _max_args(first: Any, rest: list[Any]) -> Any:
    return _extreme([first, *rest], 1)


def _all(items: list[Any]) -> bool | None:
    result: bool | None = True
    for x in items:
        if x is False:
            return False
        if x is not True:
            result = None
    return result


def _any(items: list[Any]) -> bool | None:
    result: bool | None = False
    for x in items:
        if x is True:
            return True
        if x is not False:
            result = None
    return result


@builtin("all", "list", aliases=("and",))
def _all_list(items: Any) -> bool | None:
    return _all(as_list(items))


@builtin("all", "b1, b...", aliases=("and",))
def _all_args(first: Any, rest: list[Any]) -> bool | None:
    return _all([first, *rest])


@builtin("any", "list", aliases=("or",))
def _any_list(items: Any) -> bool | None:
    return _any(as_list(items))


@builtin("any", "b1, b...", aliases=("or",))
def _any_args(first: Any, rest: list[Any]) -> bool | None:
    return _any([first, *rest])


def _index(pos: Any, n: int, *, allow_end: bool = False) -> int:
    """A 1-based (negative: from the end) position as a 0-based index; failure if out of range."""
    p = whole(pos, "position")
    limit = n + 1 if allow_end else n
    if p == 0 or p > limit or -p > n:
        raise failure(f"position {p} is out of range for a list of {n} item(s)")
    return p - 1 if p > 0 else n + p


@builtin("sublist", "list, start position, length?")
def _sublist(items: Any, start: Any, length: Any = None) -> list[Any]:
    xs = as_list(items)
    begin = _index(start, len(xs))
    if length is None:
        return xs[begin:]
    count = integer(length, "length")
    if count < 0:
        raise failure("negative length")
    return xs[begin:begin + count]


@builtin("append", "list, item...")
def _append(items: Any, more: list[Any]) -> list[Any]:
    return check_list([*as_list(items), *more])


@builtin("concatenate", "list...")
def _concatenate(lists: list[Any]) -> list[Any]:
    out: list[Any] = []
    for xs in lists:
        out.extend(as_list(xs))
        check_list(out)
    return out


@builtin("insert before", "list, position, newItem")
def _insert_before(items: Any, position: Any, new: Any) -> list[Any]:
    xs = list(as_list(items))
    xs.insert(_index(position, len(xs)), new)
    return check_list(xs)


@builtin("remove", "list, position")
def _remove(items: Any, position: Any) -> list[Any]:
    xs = list(as_list(items))
    del xs[_index(position, len(xs))]
    return xs


@builtin("reverse", "list")
def _reverse(items: Any) -> list[Any]:
    return list(reversed(as_list(items)))


@builtin("index of", "list, match")
def _index_of(items: Any, match: Any) -> list[Decimal]:
    return [Decimal(i) for i, x in enumerate(as_list(items), 1) if feel_eq(x, match)]


@builtin("union", "list...")
def _union(lists: list[Any]) -> list[Any]:
    return distinct(_concatenate(lists))


@builtin("distinct values", "list")
def _distinct(items: Any) -> list[Any]:
    return distinct(as_list(items))


@builtin("duplicate values", "list")
def _duplicates(items: Any) -> list[Any]:
    """The values that occur more than once, each once, in order of first occurrence (feel-scala)."""
    entries: list[list[Any]] = []  # [first occurrence, seen again], in order of first occurrence
    by_key: dict[Any, list[Any]] = {}
    slow: list[list[Any]] = []
    for x in as_list(items):
        k = _key(x)
        if k is not None:
            entry = by_key.get(k)
            if entry is None:
                by_key[k] = entry = [x, False]
                entries.append(entry)
            else:
                entry[1] = True
            continue
        for entry in slow:
            if feel_eq(x, entry[0]):
                entry[1] = True
                break
        else:
            entry = [x, False]
            slow.append(entry)
            entries.append(entry)
    return [entry[0] for entry in entries if entry[1]]


@builtin("flatten", "list")
def _flatten(items: Any) -> list[Any]:
    out: list[Any] = []
    stack = [iter(as_list(items))]
    while stack:
        for x in stack[-1]:
            if isinstance(x, (list, tuple)):
                stack.append(iter(x))
                break
            out.append(x)
        else:
            stack.pop()
    return check_list(out)


#: a sort with a comparator charges n * log2(n) / this many steps up front, instead of a step
#: per comparison: the budget measures work (100,000 items cost ~212,000 steps), and a
#: comparator's own loops and calls are still charged as they run
COMPARISONS_PER_STEP = 8


def _arity_ok(fn: Any, n: int) -> bool:
    params = getattr(fn, "params", None)
    return not params or len(params) == n or not isinstance(fn, FeelFunction)


@builtin("sort", "list, precedes?", ctx=True)
def _sort(ctx: Any, items: Any, precedes: Any = None) -> list[Any]:
    xs = list(as_list(items))
    if precedes is None:
        try:
            return sorted(xs, key=cmp_to_key(compare))
        except FeelFailure:
            raise failure("the items are not comparable") from None
    if not isinstance(precedes, FeelFunction) or not _arity_ok(precedes, 2):
        raise failure("precedes must be a function of two parameters")
    n = len(xs)
    if n > 1 and ctx is not None and hasattr(ctx, "charge"):
        ctx.charge(n * n.bit_length() // COMPARISONS_PER_STEP)  # the comparisons, once
    cmp, done = precedes.comparator(ctx)
    try:
        return sorted(xs, key=cmp_to_key(cmp))
    finally:
        done()


@builtin("is empty", "list")
def _is_empty(items: Any) -> bool:
    return len(as_list(items)) == 0


@builtin("partition", "list, size")
def _partition(items: Any, size: Any) -> list[list[Any]]:
    xs = as_list(items)
    n = integer(size, "size")
    if n <= 0:
        raise failure("size must be positive")
    return [xs[i:i + n] for i in range(0, len(xs), n)]


@builtin("list replace", "list, position, newItem", ctx=True)
def _list_replace(ctx: Any, items: Any, position: Any, new: Any) -> list[Any]:
    xs = list(as_list(items))
    if isinstance(position, FeelFunction):
        if not _arity_ok(position, 2):
            raise failure("match must be a function of two parameters")
        out = []
        for x in xs:
            hit = position.invoke([x, new], ctx)
            if type(hit) is not bool:
                raise failure("match must return a boolean")
            out.append(new if hit else x)
        return out
    xs[_index(position, len(xs))] = new
    return xs


@builtin("list replace", "list, match, newItem", ctx=True)
def _list_replace_match(ctx: Any, items: Any, match: Any, new: Any) -> list[Any]:
    return _list_replace(ctx, items, match, new)


__all__ = ["distinct", "feel_eq", "boolean"]
