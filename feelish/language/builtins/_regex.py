"""XPath/Java-style regular expressions on the `regex` module, always with a timeout: patterns and
replacement strings translated where XPath differs from Python; flags s m i x q. The `regex`
module loads with the first pattern compiled."""
from __future__ import annotations

import re
from functools import lru_cache

from ._core import MAX_LIST, MAX_STRING, failure

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, Callable

TIMEOUT = 0.25  # seconds a single regex operation may run


def _strip_whitespace(pattern: str) -> str:
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            if pattern[i + 1] in "pP" and i + 2 < len(pattern) and pattern[i + 2] == "{":
                end = pattern.find("}", i)
                if end == -1:
                    end = len(pattern) - 1
                out.append("".join(pattern[i:end + 1].split()))
                i = end + 1
                continue
            nxt = pattern[i + 1]
            if depth == 0 and nxt in " \t\r\n":  # `\ ` under x: the backslash escapes nothing left
                out.append("\\")
                i += 2
                while i < len(pattern) and pattern[i] in " \t\r\n":
                    i += 1
                continue
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[":
            depth += 1
        elif c == "]" and depth:
            depth -= 1
        if depth == 0 and c in " \t\r\n":
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _translate(pattern: str, dotall: bool) -> str:
    out: list[str] = []
    depth = 0
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if depth and nxt.isdigit():
                raise failure("invalid regular expression: back-reference inside a class")
            if nxt in "pP" and pattern.startswith("{Is", i + 2):
                end = pattern.find("}", i)
                if end != -1:
                    out.append(f"\\{nxt}{{Block={pattern[i + 5:end]}}}")
                    i = end + 1
                    continue
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[":
            depth += 1
            out.append(c)
            if i + 1 < n and pattern[i + 1] == "^":
                out.append("^")
                i += 1
            if i + 1 < n and pattern[i + 1] == "]":  # a leading `]` is a literal
                out.append("\\]")
                i += 1
        elif c == "]" and depth:
            depth -= 1
            out.append(c)
        elif c == "-" and depth and i + 1 < n and pattern[i + 1] == "[":
            out.append("--")
        elif c == "." and not depth and not dotall:
            out.append("[^\\n\\r]")
        else:
            out.append(c)
        i += 1
    return "".join(out)


MAX_EXPANSION = 100_000  # nested counted repeats like (a{1000}){1000} blow up at compile time
_COUNT_RE = re.compile(r"\{(\d+)(?:,(\d*))?\}")


def _expansion(pattern: str) -> int:
    """The largest product of nested `{n,m}` repeat counts (what the compiler would unroll)."""
    stack = [1]          # per open group: the largest multiplier seen inside it
    last = 1             # multiplier of the atom just before the current position
    worst = 1
    i, n, in_class = 0, len(pattern), False
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            last = 1
            continue
        if in_class:
            in_class = c != "]"
            i += 1
            continue
        if c == "[":
            in_class, last = True, 1
        elif c == "(":
            stack.append(1)
        elif c == ")" and len(stack) > 1:
            last = stack.pop()
        elif c == "{":
            m = _COUNT_RE.match(pattern, i)
            if m:
                count = int(m.group(2) or m.group(1)) if m.group(2) != "" else int(m.group(1))
                last = max(1, count) * last
                stack[-1] = max(stack[-1], last)
                worst = max(worst, last)
                i = m.end()
                continue
        else:
            last = 1
        i += 1
    return worst


@lru_cache(maxsize=256)
def compile_pattern(pattern: str, flags: str = "") -> Any:
    """Compile an XPath-style pattern with XPath flags; FUNCTION_INVOCATION_FAILURE if invalid."""
    import regex  # loaded by the first pattern, not by every process that evaluates FEEL

    if any(f not in "smixq" for f in flags):
        raise failure(f"invalid regular expression flags {flags!r} (allowed: s m i x q)")
    opts = regex.V1
    if "q" in flags:
        body = regex.escape(pattern)
    else:
        body = _strip_whitespace(pattern) if "x" in flags else pattern
        body = _translate(body, "s" in flags)
    if _expansion(body) > MAX_EXPANSION:
        raise failure("regular expression too complex (nested repeat counts)")
    if "s" in flags:
        opts |= regex.DOTALL
    if "m" in flags:
        opts |= regex.MULTILINE
    if "i" in flags:
        opts |= regex.IGNORECASE | regex.FULLCASE
    try:
        return regex.compile(body, opts)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        raise failure(f"invalid regular expression ({_short(str(exc))})") from None


def _short(message: str) -> str:
    return message if len(message) <= 80 else message[:77] + "..."


def _guard(op: Callable[[], Any], timeout: float) -> Any:
    try:
        return op()
    except TimeoutError:
        raise failure(f"regular expression took longer than {timeout:.2g}s; aborted") from None


def search(compiled: Any, s: str, timeout: float = TIMEOUT) -> bool:
    return _guard(lambda: compiled.search(s, timeout=timeout), timeout) is not None


def find_all(compiled: Any, s: str, timeout: float = TIMEOUT) -> list[str]:
    def run() -> list[str]:
        out = []
        for m in compiled.finditer(s, timeout=timeout):
            out.append(m.group(0))
            if len(out) > MAX_LIST:
                raise failure("too many matches")
        return out
    return _guard(run, timeout)


def split(compiled: Any, s: str, timeout: float = TIMEOUT) -> list[str]:
    def run() -> list[str]:
        out, pos = [], 0
        for m in compiled.finditer(s, timeout=timeout):
            if m.end() == m.start():
                continue  # an empty match never splits
            out.append(s[pos:m.start()])
            pos = m.end()
            if len(out) > MAX_LIST:
                raise failure("too many parts")
        out.append(s[pos:])
        return out
    return _guard(run, timeout)


def _replacement(template: str, groups: int) -> list[Any]:
    """Parse `$n`, `\\$`, `\\\\` into literal strings and group numbers."""
    parts: list[Any] = []
    buf: list[str] = []
    i = 0
    while i < len(template):
        c = template[i]
        if c == "\\":
            if i + 1 < len(template) and template[i + 1] in "\\$":
                buf.append(template[i + 1])
                i += 2
                continue
            raise failure("invalid replacement string: lone backslash")
        if c == "$":
            j = i + 1
            while j < len(template) and template[j].isdigit():
                j += 1
            if j == i + 1:
                raise failure("invalid replacement string: '$' without a group number")
            digits = template[i + 1:j][:len(str(groups))]  # never more digits than groups has
            while len(digits) > 1 and int(digits) > groups:  # `$12` with 1 group = `$1` + "2"
                digits = digits[:-1]
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append(int(digits))
            i += 1 + len(digits)
            continue
        buf.append(c)
        i += 1
    if buf:
        parts.append("".join(buf))
    return parts


def replace(compiled: Any, s: str, template: str, timeout: float = TIMEOUT) -> str:
    parts = _replacement(template, compiled.groups)
    size = [0]

    def repl(m: Any) -> str:
        piece = "".join(p if type(p) is str else (m.group(p) or "") if p <= compiled.groups else ""
                        for p in parts)
        size[0] += len(piece)
        if size[0] > MAX_STRING:
            raise failure("string result too long")
        return piece

    return _guard(lambda: compiled.sub(repl, s, timeout=timeout), timeout)
