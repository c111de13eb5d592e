"""Text -> AST for feelish expressions and unary tests (`parse`, `parse_unary_tests`): the fast
loop over the shipped parser tables (no Lark import on the way), Lark's own LALR loop for the
wording of syntax errors (and when the tables are stale); every failure is a `FeelSyntaxError`
(or `LimitExceeded`) with a span inside the text."""
from __future__ import annotations

import os
import threading
from functools import lru_cache

from .. import ast
from ...resources import grammar_text
from ...errors import LimitExceeded, SourceError, Span
from . import tables
from .builder import MAX_DEPTH, Builder, ShortBuilder, accept_tokens
from .fast_loop import FAILED as _FAILED
from .fast_loop import FastLoop

__all__ = ["parse", "parse_unary_tests", "parse_uncached", "MAX_LENGTH", "MAX_DEPTH", "GRAMMAR_FILE"]

#: The longest text accepted, in characters (a connector body of this size is already unusual).
MAX_LENGTH = 256 * 1024
GRAMMAR_FILE = tables.GRAMMAR_FILE

_lock = threading.RLock()
_builder = Builder()
_short_builder = ShortBuilder()  # for texts shorter than MAX_DEPTH characters (see ShortBuilder)
_parser = None          # Lark's own parser: built on first need (a syntax error, stale tables)
_fast: FastLoop | None = None
_ready = False          # the fast loop was looked for (it may be None: Lark's loop then)


def _cache_file() -> str | bool:
    """Lark's analysed tables, kept in the user's own cache folder (a pickle: never in a shared
    temp folder). Building them takes ~0.25 s; loading ~0.01 s. Lark checks a hash of the
    grammar and options before using the file, so a stale file is rebuilt."""
    if os.environ.get("FEELISH_NO_GRAMMAR_CACHE"):
        return False
    from pathlib import Path  # only when Lark's own parser is built

    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "feelish"
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = base / "lark-feelish.cache"
        if probe.exists() and not os.access(probe, os.W_OK):
            return False
        return str(probe) if os.access(base, os.W_OK) else False
    except (OSError, RuntimeError):
        return False


def _build(builder: Builder, cache: str | bool):
    from lark import Lark, Token

    accept_tokens(Token)
    return Lark(grammar_text(GRAMMAR_FILE), transformer=builder,  # AST nodes during the parse
                cache=cache, **tables.OPTIONS)


def _loop() -> FastLoop | None:
    """The fast loop: over the shipped tables when they match the grammar, else over the
    tables of Lark's own parser (built, or loaded from the user's cache)."""
    global _fast, _ready
    if not _ready:
        with _lock:
            if not _ready:
                fast = FastLoop.make(tables.load(), _builder, _short_builder)
                if fast is None:
                    fast = FastLoop.make(tables.extract(_lark()), _builder, _short_builder)
                _fast = fast
                _ready = True
    return _fast


def _lark():
    """Lark's own parser over the same builder (built on first use)."""
    global _parser
    if _parser is None:
        with _lock:
            if _parser is None:
                cache = _cache_file()
                try:
                    parser = _build(_builder, cache)
                except Exception:  # an unreadable or corrupt cache file: build from the grammar
                    if cache is False:
                        raise
                    parser = _build(_builder, False)
                _parser = parser
    return _parser


def _get():
    """(Lark's parser, the builder), with the fast loop looked for too."""
    _loop()
    return _lark(), _builder


def _run(text: str, start: str, origin: str | None):
    if not isinstance(text, str):
        raise TypeError(f"an expression is text (str), not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise LimitExceeded(
            f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}",
            source=text[:200], span=Span(0, 1), origin=origin)
    fast = _fast if _ready else _loop()
    if fast is not None:
        short = len(text) < MAX_DEPTH
        builder = _short_builder if short else _builder
        builder.begin(text, origin)
        try:
            result = fast.parse(text, start, short)
        finally:
            builder.end()
        if result is not _FAILED:
            return result
    _builder.begin(text, origin)  # Lark's own loop finds the same spot and says why
    try:
        return _lark_parse(text, start, origin)
    finally:
        _builder.end()


def _lark_parse(text: str, start: str, origin: str | None):
    from lark.exceptions import UnexpectedInput

    from .messages import translate

    lark = _lark()
    try:
        return lark.parse(text, start=start)
    except UnexpectedInput as exc:
        raise translate(exc, text, origin, lark, start) from None


#: Texts up to this size are remembered (the AST is immutable, so sharing it is safe).
CACHED_LENGTH = 4096


@lru_cache(maxsize=1024)
def _cached(text: str, start: str):
    return _run(text, start, None)


def _parse(text: str, start: str, origin: str | None):
    if isinstance(text, str) and len(text) <= CACHED_LENGTH:
        try:
            return _cached(text, start)
        except SourceError as err:
            err.origin = origin
            raise
    return _run(text, start, origin)


def parse(text: str, *, origin: str | None = None) -> ast.Node:
    """Parse one expression. Raises FeelSyntaxError or LimitExceeded (never anything else for
    any str input). `origin` (a file or field name) prefixes error positions."""
    return _parse(text, "expression", origin)


def parse_unary_tests(text: str, *, origin: str | None = None) -> ast.UnaryTests:
    """Parse decision-table input entries: `< 10`, `[1..5]`, `"a", "b"`, `not(1, 2)`, `-`,
    `? > 3` or any expression.  Always returns an `ast.UnaryTests`."""
    return _parse(text, "unary_tests", origin)


def parse_uncached(text: str, *, origin: str | None = None, unary_tests: bool = False):
    """Parse without the result cache (benchmarks measure the parser itself with this)."""
    return _run(text, "unary_tests" if unary_tests else "expression", origin)
