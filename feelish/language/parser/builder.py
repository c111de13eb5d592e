"""Build AST nodes while Lark parses: one callback per grammar rule (an inline transformer), so no
parse tree is built, nothing recurses, spans are exact and too deep nesting stops early."""
from __future__ import annotations

import re
import threading
import types
from decimal import Decimal, InvalidOperation

from .. import ast
from ...errors import FeelSyntaxError, LimitExceeded, Span
from ...patterns import lazy
from ...records import field_names
from ...secrets import split_placeholders

#: The deepest AST the parser hands on (the compiler and evaluator recurse over it).
MAX_DEPTH = 200

_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "'": "'"}
_ESCAPE = lazy(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{1,6})|([\s\S]))")
_SURROGATE = lazy("[\ud800-\udfff]")
_SECRET_NAME = lazy(r"<<\s*secrets\.(\S+?)\s*>>")
_SPACES = lazy(r"\s+")


class Tok:
    """A token of the fast parse loop (`fast_loop.FastLoop`): what the builder reads of Lark's Token."""

    __slots__ = ("type", "value", "start_pos", "end_pos")

    def __init__(self, type_: str, value: str, start_pos: int, end_pos: int) -> None:
        self.type = type_
        self.value = value
        self.start_pos = start_pos
        self.end_pos = end_pos


#: the token classes the builder meets: `Tok`, and Lark's Token once Lark's own loop is built
#: (`accept_tokens`); the fast loop never needs Lark imported
_TOKENS: tuple = (Tok,)


def accept_tokens(token_class: type) -> None:
    """Let the builder read tokens of `token_class` (Lark's Token) too."""
    global _TOKENS
    if token_class not in _TOKENS:
        _TOKENS = (Tok, token_class)


def _maker(cls):
    """A constructor for the frozen, slotted record `cls` that fills its slots directly: the
    same object as `cls(*fields)`, made in about half the time (a frozen dataclass's __init__
    goes through object.__setattr__ per field).  `cls` itself when it has a __post_init__ or a
    field that is not a slot (then only its own __init__ is right)."""
    try:
        names = list(field_names(cls))
        setters = [getattr(cls, name).__set__ for name in names]
    except (TypeError, AttributeError):  # pragma: no cover - not a dataclass
        return cls
    if hasattr(cls, "__post_init__") or not all(
            isinstance(getattr(cls, name), types.MemberDescriptorType) for name in names):
        return cls  # pragma: no cover - every AST node is plain
    new = object.__new__
    if len(setters) == 2:
        set0, set1 = setters

        def make2(a, b):
            obj = new(cls)
            set0(obj, a)
            set1(obj, b)
            return obj
        return make2
    if len(setters) == 3:
        set0, set1, set2 = setters

        def make3(a, b, c):
            obj = new(cls)
            set0(obj, a)
            set1(obj, b)
            set2(obj, c)
            return obj
        return make3
    if len(setters) == 4:
        set0, set1, set2, set3 = setters

        def make4(a, b, c, d):
            obj = new(cls)
            set0(obj, a)
            set1(obj, b)
            set2(obj, c)
            set3(obj, d)
            return obj
        return make4
    return cls  # pragma: no cover


#: the nodes made most often, built through `_maker` (tests/language/test_parser_fast.py checks
#: each against its class)
_Span = _maker(Span)
_Name = _maker(ast.Name)
_NumberLit = _maker(ast.NumberLit)
_StringLit = _maker(ast.StringLit)
_Path = _maker(ast.Path)
_ContextEntry = _maker(ast.ContextEntry)
_Arith = _maker(ast.Arith)
_Compare = _maker(ast.Compare)
_And = _maker(ast.And)
_Or = _maker(ast.Or)
_Filter = _maker(ast.Filter)
_Negate = _maker(ast.Negate)
_If = _maker(ast.If)
_ListLit = _maker(ast.ListLit)
_ContextLit = _maker(ast.ContextLit)
_Call = _maker(ast.Call)
_NamedArg = _maker(ast.NamedArg)
_BoolLit = _maker(ast.BoolLit)
_For = _maker(ast.For)
_Quantified = _maker(ast.Quantified)
_Iterator = _maker(ast.Iterator)
_IterRange = _maker(ast.IterRange)
MAKERS = {Span: _Span, ast.Name: _Name, ast.NumberLit: _NumberLit, ast.StringLit: _StringLit,
          ast.Path: _Path, ast.ContextEntry: _ContextEntry, ast.Arith: _Arith,
          ast.Compare: _Compare, ast.And: _And, ast.Or: _Or, ast.Filter: _Filter,
          ast.Negate: _Negate, ast.If: _If, ast.ListLit: _ListLit, ast.ContextLit: _ContextLit,
          ast.Call: _Call, ast.NamedArg: _NamedArg, ast.BoolLit: _BoolLit, ast.For: _For,
          ast.Quantified: _Quantified, ast.Iterator: _Iterator, ast.IterRange: _IterRange}


def _start(item) -> int:
    return item.start_pos if isinstance(item, _TOKENS) else item.span.start


def _end(item) -> int:
    return item.end_pos if isinstance(item, _TOKENS) else item.span.end


def _span(first, last) -> Span:
    return _Span(_start(first), _end(last))


def _nodes(children) -> list:
    return [c for c in children if isinstance(c, ast.Node)]


class _State(threading.local):
    def __init__(self) -> None:
        self.depth: dict[int, int] = {}
        self.source = ""
        self.origin: str | None = None


class Builder:
    """The Lark inline transformer. `begin()` must be called before each parse (same thread)."""

    #: one-child rules whose method returns the child unchanged: the fast loop skips the call
    #: (not `expression`: the loop must see the start rule's reduction to stop)
    PASS_THROUGH = frozenset({"ptest", "cmp_op", "targ"})

    def __init__(self) -> None:
        self._state = _State()

    # ------------------------------------------------------------------ bookkeeping

    def begin(self, source: str, origin: str | None) -> None:
        self._state.depth = {}
        self._state.source = source
        self._state.origin = origin

    def end(self) -> None:
        self._state.depth = {}
        self._state.source = ""

    def _track(self, node, *kids):
        depths = self._state.depth
        deepest = 0
        for kid in kids:
            if kid is not None:
                d = depths.get(id(kid), 1)
                if d > deepest:
                    deepest = d
        depth = deepest + 1
        if depth > 2:  # leaves and their parents need no entry: absent means 1
            depths[id(node)] = depth
            if depth > MAX_DEPTH:
                raise LimitExceeded(
                    f"the expression is nested more than {MAX_DEPTH} levels deep",
                    source=self._state.source, span=node.span, origin=self._state.origin,
                    hint="split it into smaller expressions or context entries")
        elif depth == 2:
            depths[id(node)] = 2
        return node

    def _track1(self, node, kid):
        """`_track` for a node over one child node (never None): the common, cheaper case."""
        depths = self._state.depth
        depth = depths.get(id(kid), 1) + 1
        depths[id(node)] = depth
        if depth > MAX_DEPTH:
            self._track(node, kid)  # raises
        return node

    def _track2(self, node, left, right):
        """`_track` for a node over two child nodes (never None)."""
        depths = self._state.depth
        a = depths.get(id(left), 1)
        b = depths.get(id(right), 1)
        depth = (a if a > b else b) + 1
        depths[id(node)] = depth
        if depth > MAX_DEPTH:
            self._track(node, left, right)  # raises
        return node

    def _error(self, message: str, span: Span, hint: str | None = None) -> FeelSyntaxError:
        return FeelSyntaxError(message, source=self._state.source, span=span,
                               origin=self._state.origin, hint=hint)

    # ------------------------------------------------------------------ entry points

    def expression(self, c):
        return c[0]

    def expression_1(self, child):
        return child

    def any_test(self, c):
        return ast.UnaryTests(_span(c[0], c[0]), (ast.AnyTest(_span(c[0], c[0])),))

    def negated_tests(self, c):
        tests = tuple(_nodes(c))
        return self._track(ast.UnaryTests(_span(c[0], c[-1]), tests, True), *tests)

    def tests(self, c):
        tests = tuple(_nodes(c))
        return self._track(ast.UnaryTests(_span(c[0], c[-1]), tests), *tests)

    def ptest(self, c):
        return c[0]

    def cmp_test(self, c):
        op, value = c
        return self._track(ast.UnaryCompare(_span(op, value), op.value, value), value)

    def cmp_op(self, c):
        return c[0]

    # ------------------------------------------------------------------ textual expressions

    def _iterators(self, c):
        return tuple(x for x in c if isinstance(x, ast.Iterator))

    def for_expr(self, c):
        its = self._iterators(c)
        return self._track(_For(_span(c[0], c[-1]), its, c[-1]), *its, c[-1])

    def quantified(self, c):
        its = self._iterators(c)
        return self._track(_Quantified(_span(c[0], c[-1]), c[0].value, its, c[-1]), *its, c[-1])

    def iterator(self, c):
        name, _, domain = c
        return self._track(_Iterator(_span(name, domain), name.name, domain), domain)

    def iterator_range(self, c):
        name, _, start, _, end = c
        rng = self._track(_IterRange(_span(start, end), start, end), start, end)
        return self._track(_Iterator(_span(name, end), name.name, rng), rng)

    def if_expr(self, c):
        _, cond, _, then, _, other = c
        node = _If(_Span(c[0].start_pos, other.span.end), cond, then, other)
        return self._track(node, cond, then, other)

    def function_def(self, c):
        params = [p for p in c if isinstance(p, tuple)]
        external = any(isinstance(t, _TOKENS) and t.type == "EXTERNAL" for t in c)
        body = c[-1]
        names = tuple(p[0] for p in params)
        seen = set()
        for p in params:
            if p[0] in seen:
                raise self._error(f"parameter {p[0]!r} is declared twice", p[2])
            seen.add(p[0])
        types = tuple(p[1] for p in params)
        if all(t is None for t in types):
            types = ()
        return self._track(ast.FunctionDef(_span(c[0], body), names, body, types, external), body)

    def param(self, c):
        name = c[0]
        ptype = c[2] if len(c) > 2 and c[2] is not None else None
        return (name.name, ptype, name.span)

    # ------------------------------------------------------------------ operators

    def or_(self, c):
        return self.or__3(*c)

    def or__3(self, left, _, right):
        return self._track2(_Or(_Span(left.span.start, right.span.end), left, right), left, right)

    def and_(self, c):
        return self.and__3(*c)

    def and__3(self, left, _, right):
        return self._track2(_And(_Span(left.span.start, right.span.end), left, right), left, right)

    def compare(self, c):
        return self.compare_3(*c)

    def compare_3(self, left, op, right):
        return self._track2(_Compare(_Span(left.span.start, right.span.end), op.value, left, right),
                            left, right)

    def between(self, c):
        value, _, low, _, high = c
        return self._track(ast.Between(_span(value, high), value, low, high), value, low, high)

    def in_(self, c):
        value, _, (tests, last) = c
        return self._track(ast.In(_span(value, last), value, tests), value, *tests)

    def in_single(self, c):
        return ((c[0],), c[0])

    def in_list(self, c):
        tests = tuple(_nodes(c))
        return (tests, c[-1])

    def instance_of(self, c):
        value, _, typ = c
        return self._track(ast.InstanceOf(_span(value, typ), value, typ), value)

    def arith(self, c):
        return self.arith_3(*c)

    def arith_3(self, left, op, right):
        return self._track2(_Arith(_Span(left.span.start, right.span.end), op.value, left, right),
                            left, right)

    def negate(self, c):
        op, operand = c
        return self._track1(_Negate(_Span(op.start_pos, operand.span.end), operand), operand)

    # ------------------------------------------------------------------ postfix

    def path(self, c):
        return self.path_3(*c)

    def path_3(self, base, _, field):
        if type(field) is Tok or isinstance(field, _TOKENS):  # one word: the NAME token itself
            path = _Path(_Span(base.span.start, field.end_pos), base, field.value)
            return self._track1(path, base)
        return self._track1(_Path(_Span(base.span.start, field.span.end), base, field.name), base)

    def filter(self, c):
        base, _, cond, close = c
        return self._track2(_Filter(_Span(base.span.start, close.end_pos), base, cond), base, cond)

    def call(self, c):
        callee, close = c[0], c[-1]
        args = c[2:-1:2]  # `f(a, b)`: f ( a , b ); `f()`: f ( None )
        if args[0] is None:
            args = []
        named = [a for a in args if type(a) is ast.NamedArg]
        span = _Span(callee.span.start, close.end_pos)
        if named and len(named) != len(args):
            first = next(a for a in args if type(a) is not ast.NamedArg)
            raise self._error("a call takes either positional or named arguments, not both",
                              first.span, hint="name every argument, or none")
        if named:
            seen = set()
            for a in named:
                if a.name in seen:
                    raise self._error(f"argument {a.name!r} is given twice", a.span)
                seen.add(a.name)
            return self._track(_Call(span, callee, (), tuple(named)), callee, *named)
        return self._track(_Call(span, callee, tuple(args), None), callee, *args)

    def named_arg(self, c):
        name, _, value = c
        return self._track1(_NamedArg(_Span(name.span.start, value.span.end), name.name, value), value)

    # ------------------------------------------------------------------ atoms

    def number(self, c):
        return self.number_1(c[0])

    def number_1(self, tok):
        span = _Span(tok.start_pos, tok.end_pos)
        try:
            value = Decimal(tok.value)
        except InvalidOperation:  # pragma: no cover - the terminal only admits valid numbers
            raise self._error(f"invalid number {tok.value!r}", span) from None
        return _NumberLit(span, value)

    def string(self, c):
        return self.string_1(c[0])

    def string_1(self, tok):
        span = _Span(tok.start_pos, tok.end_pos)
        text = self._decode(tok.value[1:-1], tok.start_pos + 1)
        if "<<" not in text:
            return _StringLit(span, text)
        parts = split_placeholders(text)
        if len(parts) == 1 and isinstance(parts[0], str):
            return ast.StringLit(span, text)
        out = tuple(ast.SecretRef(span, p[0]) if isinstance(p, tuple) else p for p in parts)
        return ast.SecretString(span, out)

    def temporal(self, c):
        tok = c[0]
        return ast.TemporalLit(_span(tok, tok), self._decode(tok.value[2:-1], tok.start_pos + 2))

    def true(self, c):
        return self.true_1(c[0])

    def true_1(self, tok):
        return _BoolLit(_Span(tok.start_pos, tok.end_pos), True)

    def false(self, c):
        return self.false_1(c[0])

    def false_1(self, tok):
        return _BoolLit(_Span(tok.start_pos, tok.end_pos), False)

    def null(self, c):
        return ast.NullLit(_span(c[0], c[0]))

    def secret(self, c):
        tok = c[0]
        return ast.SecretRef(_span(tok, tok), _SECRET_NAME.match(tok.value).group(1))

    def input_ref(self, c):
        return ast.InputRef(_span(c[0], c[0]))

    def name(self, c):
        if len(c) == 1:
            return self.name_1(c[0])
        words = " ".join([_SPACES.sub(" ", t.value) if t.type == "KW_NAME" else t.value for t in c])
        return _Name(_Span(c[0].start_pos, c[-1].end_pos), words)

    def name_1(self, tok):
        """`name` of one NAME, FN_ANDOR, BACKTICK or KW_NAME token."""
        kind = tok.type
        if kind == "NAME" or kind == "FN_ANDOR":
            return _Name(_Span(tok.start_pos, tok.end_pos), tok.value)
        if kind == "BACKTICK":
            return _Name(_Span(tok.start_pos, tok.end_pos), tok.value[1:-1])
        words = tok.value  # a KW_NAME (`string length`): its blanks become one space each
        if not words.isprintable() or "  " in words:  # (printable: no blank but the space)
            words = _SPACES.sub(" ", words)
        return _Name(_Span(tok.start_pos, tok.end_pos), words)

    def paren(self, c):
        return c[1]

    def list(self, c):
        items = tuple(c[1:-1:2])  # [ a , b ]; `[]` is one token
        return self._track(_ListLit(_Span(c[0].start_pos, c[-1].end_pos), items), *items)

    def context(self, c):
        entries = tuple(c[1:-1:2])  # { a , b }; `{}`: { None }
        if entries[0] is None:
            entries = ()
        if len({e.key for e in entries}) < len(entries):
            seen: set[str] = set()
            for e in entries:
                if e.key in seen:
                    raise self._error(f"context key {e.key!r} is defined twice", e.span)
                seen.add(e.key)
        return self._track(_ContextLit(_Span(c[0].start_pos, c[-1].end_pos), entries), *entries)

    def entry(self, c):
        return self.entry_3(*c)

    def entry_3(self, key, _, value):
        if key.type == "STRING":
            text = self._decode(key.value[1:-1], key.start_pos + 1)
        elif key.type == "BACKTICK":
            text = key.value[1:-1]
        else:
            text = key.value
        return self._track1(_ContextEntry(_Span(key.start_pos, value.span.end), text, value), value)

    def cmp_range(self, c):
        open_, test, close = c
        op, value, span = test.op, test.value, _span(open_, close)
        if op == "<" or op == "<=":
            node = ast.RangeLit(span, None, value, False, op == "<=")
        elif op == ">" or op == ">=":
            node = ast.RangeLit(span, value, None, op == ">=", False)
        elif op == "=":
            node = ast.RangeLit(span, value, value, True, True)
        else:  # "!=": not a range; the compiler makes it a unary-test value
            return test
        return self._track(node, value)

    def range(self, c):
        open_, start, _, end, close = c
        return self._track(ast.RangeLit(_span(open_, close), start, end, open_.value == "[",
                                        close.value == "]"), start, end)

    # ------------------------------------------------------------------ types

    def type_simple(self, c):
        name = c[0]
        return ast.TypeRef(name.span, name.name)

    def type_generic(self, c):
        name, close = c[0], c[-1]
        params = []
        fields = []
        for item in c[2:-1]:
            if isinstance(item, ast.TypeRef):
                params.append(item)
            elif isinstance(item, tuple):
                fields.append(item)
        kind = name.name
        span = _span(name, close)
        if kind == "context":
            if params:
                raise self._error("context<...> lists fields as `name: type`", params[0].span)
            return ast.TypeRef(span, kind, (), tuple(fields))
        if kind in ("list", "range"):
            if fields or len(params) != 1:
                raise self._error(f"{kind}<...> takes exactly one element type", span)
            return ast.TypeRef(span, kind, tuple(params))
        raise self._error(f"type {kind!r} takes no parameters", span,
                          hint="only list<T>, range<T>, context<k: T> and function<...> -> T are generic")

    def type_function(self, c):
        if len(c) == 1:
            return ast.TypeRef(_span(c[0], c[0]), "function")
        params = tuple(t for t in c[2:-3] if isinstance(t, ast.TypeRef))
        result = c[-1]
        return ast.TypeRef(_span(c[0], result), "function", params, (), result)

    def targ(self, c):
        return c[0]

    def type_field(self, c):
        name, _, typ = c
        return (name.name, typ)

    # ------------------------------------------------------------------ strings

    def _decode(self, raw: str, offset: int) -> str:
        if "\\" not in raw:
            return raw

        def one(m: re.Match) -> str:
            if m.group(1) is not None:
                return chr(int(m.group(1), 16))
            if m.group(2) is not None:
                code = int(m.group(2), 16)
                if code > 0x10FFFF:
                    raise self._error(f"\\U{m.group(2)} is beyond the last Unicode code point",
                                      Span(offset + m.start(), offset + m.end()))
                return chr(code)
            ch = m.group(3)
            return _SIMPLE_ESCAPES.get(ch, m.group(0))

        text = _ESCAPE.sub(one, raw)
        if _SURROGATE.search(text):
            try:
                text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
            except UnicodeDecodeError:
                m = re.search(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}", raw)
                start = offset + (m.start() if m else 0)
                raise self._error("a \\u escape holds half of a surrogate pair without the other half",
                                  Span(start, start + 6)) from None
        return text


class ShortBuilder(Builder):
    """The builder for a text shorter than `MAX_DEPTH` characters, which cannot nest that deep:
    every node the builder tracks spans at least one token more than each child it is tracked
    over (an operator, a keyword, a bracket...; only a top-level `UnaryTests` may span just its
    one test), so a text of n tokens, n characters at most, nests at most n + 1 levels.  The
    depth bookkeeping is skipped (about 7 % of a parse); the nodes are the same."""

    def begin(self, source: str, origin: str | None) -> None:
        state = self._state
        state.source = source
        state.origin = origin

    def end(self) -> None:
        self._state.source = ""

    def _track(self, node, *kids):
        return node

    def _track1(self, node, kid):
        return node

    def _track2(self, node, left, right):
        return node
