"""String functions (DMN and Camunda).  Lengths and positions count Unicode code points."""
from __future__ import annotations

import binascii
import os
import time as _time
from decimal import Decimal

from . import _regex
from ..values import int_decimal
from ._core import as_list, builtin, check_string, failure, num, text, whole

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def _position(x: Any, what: str) -> int:
    return whole(x, what)  # fractional positions and lengths are truncated


@builtin("substring", "string, start position, length?")
def _substring(s: Any, start: Any, length: Any = None) -> str:
    chars = text(s)
    if type(start) is Decimal and start.is_finite() and start.adjusted() < 18:
        pos = int(start)  # the common case, inline; as _position: truncated
    else:
        pos = _position(start, "start position")  # huge numbers fail there, before int()
    n = len(chars)
    if pos == 0 or abs(pos) > n:
        raise failure("start position out of range")
    begin = pos - 1 if pos > 0 else n + pos
    if length is None:
        return chars[begin:]
    if type(length) is Decimal and length.is_finite() and length.adjusted() < 18:
        count = int(length)
    else:
        count = _position(length, "length")
    if count < 0:
        raise failure("negative length")
    return chars[begin:begin + count]


@builtin("string length", "string")
def _string_length(s: Any) -> Decimal:
    return int_decimal(len(s if type(s) is str else text(s)))


@builtin("upper case", "string")
def _upper(s: Any) -> str:
    return check_string((s if type(s) is str else text(s)).upper())


@builtin("lower case", "string")
def _lower(s: Any) -> str:
    return check_string((s if type(s) is str else text(s)).lower())


@builtin("substring before", "string, match")
def _before(s: Any, match: Any) -> str:
    s, match = text(s), text(match)
    i = s.find(match)
    return "" if i < 0 or match == "" else s[:i]


@builtin("substring after", "string, match")
def _after(s: Any, match: Any) -> str:
    s, match = text(s), text(match)
    if match == "":
        return s
    i = s.find(match)
    return "" if i < 0 else s[i + len(match):]


@builtin("contains", "string, match")
def _contains(s: Any, match: Any) -> bool:
    if type(s) is str and type(match) is str:
        return match in s
    return text(match) in text(s)


@builtin("starts with", "string, match")
def _starts(s: Any, match: Any) -> bool:
    if type(s) is str and type(match) is str:
        return s.startswith(match)
    return text(s).startswith(text(match))


@builtin("ends with", "string, match")
def _ends(s: Any, match: Any) -> bool:
    if type(s) is str and type(match) is str:
        return s.endswith(match)
    return text(s).endswith(text(match))


def _flags(flags: Any) -> str:
    return "" if flags is None else text(flags, "flags string")


def _timeout(ctx: Any) -> float:
    """Regex work counts against the evaluation's wall-clock budget: each operation may take the
    smaller of the regex timeout and what is left of it (a host calling outside an evaluation
    gets the plain regex timeout)."""
    budget = getattr(ctx, "regex_timeout", None)
    return _regex.TIMEOUT if budget is None else budget()


@builtin("matches", "input, pattern, flags?", ctx=True)
def _matches(ctx: Any, s: Any, pattern: Any, flags: Any = None) -> bool:
    compiled = _regex.compile_pattern(text(pattern, "pattern"), _flags(flags))
    return _regex.search(compiled, text(s), _timeout(ctx))


@builtin("replace", "input, pattern, replacement, flags?", ctx=True)
def _replace(ctx: Any, s: Any, pattern: Any, replacement: Any, flags: Any = None) -> str:
    compiled = _regex.compile_pattern(text(pattern, "pattern"), _flags(flags))
    return check_string(_regex.replace(compiled, text(s), text(replacement, "replacement"),
                                       _timeout(ctx)))


@builtin("split", "string, delimiter", ctx=True)
def _split(ctx: Any, s: Any, delimiter: Any) -> list[str]:
    d = text(delimiter, "delimiter")
    if d == "":
        raise failure("the delimiter must not be empty")
    return _regex.split(_regex.compile_pattern(d, ""), text(s), _timeout(ctx))


@builtin("extract", "string, pattern", ctx=True)
def _extract(ctx: Any, s: Any, pattern: Any) -> list[str]:
    return _regex.find_all(_regex.compile_pattern(text(pattern, "pattern"), ""), text(s),
                           _timeout(ctx))


@builtin("string join", "list, delimiter?")
@builtin("string join", "list, delimiter, prefix, suffix")
def _join(items: Any, delimiter: Any = None, prefix: Any = None, suffix: Any = None) -> str:
    parts = []
    for item in as_list(items):
        if item is None:
            continue
        parts.append(text(item, "string item"))
    sep = "" if delimiter is None else text(delimiter, "delimiter")
    pre = "" if prefix is None else text(prefix, "prefix")
    post = "" if suffix is None else text(suffix, "suffix")
    total = sum(map(len, parts)) + len(sep) * max(0, len(parts) - 1) + len(pre) + len(post)
    if total > _regex.MAX_STRING:
        raise failure("string result too long")
    return pre + sep.join(parts) + post


@builtin("trim", "string")
def _trim(s: Any) -> str:
    return text(s).strip()


@builtin("is blank", "string")
def _is_blank(s: Any) -> bool:
    return text(s).strip() == ""


def _uuid7() -> str:
    """A time-ordered (version 7) UUID: 48 bits of Unix milliseconds, then random bits."""
    import uuid  # (it loads `platform`): only when a UUID is asked for

    ms = int(_time.time() * 1000) & ((1 << 48) - 1)
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms << 80) | (0x7 << 76) | ((rand >> 68) & 0xFFF) << 64 | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


@builtin("uuid", "")
def _new_uuid() -> str:
    return _uuid7()


@builtin("to base64", "value")
def _to_base64(s: Any) -> str:
    import base64  # on first use: not part of every start

    return check_string(base64.b64encode(text(s).encode("utf-8")).decode("ascii"))


@builtin("from base64", "value")
def _from_base64(s: Any) -> str:
    raw = text(s)
    if len(raw) % 4 in (2, 3):  # padding may be left out, as in feel-scala (Java's decoder)
        raw += "=" * (4 - len(raw) % 4)
    import base64

    try:
        return base64.b64decode(raw.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeError):
        raise failure("not valid base64-encoded UTF-8 text") from None

