"""The expression AST: frozen, slotted dataclasses, each node with its source `span`; the contract
between the parser and the compiler, only ever added to, never changed in meaning."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from operator import attrgetter
from typing import Union

from ..errors import Span


def node(cls: type) -> type:
    """A slotted dataclass whose instances are frozen, with every method dataclass would compile
    from source per class (`__init__`, `__repr__`, `__eq__`, `__hash__`, the frozen `__setattr__`
    and `__delattr__`, pickling) made from shared closures instead: nodes that behave as
    `@dataclass(frozen=True, slots=True)` ones (`dataclasses.FrozenInstanceError` included), for a
    fraction of the import time (dataclass keeps the methods a class defines)."""
    names: list[str] = []
    defaults: dict = {}
    for base in cls.__bases__:
        if dataclasses.is_dataclass(base):
            for f in dataclasses.fields(base):
                names.append(f.name)
                if f.default is not dataclasses.MISSING:
                    defaults[f.name] = f.default
    for name in cls.__dict__.get("__annotations__", ()):
        if name not in names:
            names.append(name)
        if name in cls.__dict__:
            defaults[name] = cls.__dict__[name]
    fields = tuple(names)
    count = len(fields)
    get = attrgetter(*fields)
    if count == 1:
        one = get
        get = lambda obj: (one(obj),)  # noqa: E731
    put = object.__setattr__

    def __init__(self, *args, **kwargs):
        if len(args) > count:
            raise TypeError(f"{cls.__name__}() takes {count} arguments but {len(args)} were given")
        for name, value in zip(fields, args):
            put(self, name, value)
        for name in fields[len(args):]:
            if name in kwargs:
                put(self, name, kwargs.pop(name))
            elif name in defaults:
                put(self, name, defaults[name])
            else:
                raise TypeError(f"{cls.__name__}() missing required argument: {name!r}")
        if kwargs:
            raise TypeError(f"{cls.__name__}() got an unexpected or repeated argument: "
                            f"{next(iter(kwargs))!r}")

    def __repr__(self):
        return f"{type(self).__qualname__}(" + ", ".join(
            f"{name}={value!r}" for name, value in zip(fields, get(self))) + ")"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return get(self) == get(other)
        return NotImplemented

    def __hash__(self):
        return hash(get(self))

    def __setattr__(self, name, value):
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def __getstate__(self):
        return get(self)

    def __setstate__(self, state):
        for name, value in zip(fields, state):
            put(self, name, value)

    for method in (__init__, __repr__, __eq__, __hash__, __setattr__, __delattr__, __getstate__,
                   __setstate__):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        setattr(cls, method.__name__, method)
    if cls.__doc__ is None:
        cls.__doc__ = f"{cls.__name__}({', '.join(fields)})"
    return dataclasses.dataclass(slots=True)(cls)  # frozen by the methods above


@node
class Node:
    span: Span


# ----------------------------------------------------------------------------- literals


@node
class NumberLit(Node):
    value: Decimal


@node
class StringLit(Node):
    value: str  # escapes already decoded


@node
class SecretRef(Node):
    """`<<secrets.NAME>>` as a bare atom: the secret's value, a string."""

    name: str


@node
class SecretString(Node):
    """A string literal holding placeholders: parts are str or SecretRef, spliced at evaluation
    after parsing, so a secret's value can never change the expression's structure."""

    parts: tuple[Union[str, SecretRef], ...]


@node
class BoolLit(Node):
    value: bool


@node
class NullLit(Node):
    pass


@node
class TemporalLit(Node):
    """`@"2024-01-01"`, `@"PT1H"`, ... : the string is parsed by the value model at compile time."""

    text: str


@node
class ListLit(Node):
    items: tuple[Node, ...]


@node
class ContextEntry(Node):
    key: str
    value: Node


@node
class ContextLit(Node):
    """`{a: 1, "b c": a + 1}`: later entries see earlier ones."""

    entries: tuple[ContextEntry, ...]


@node
class RangeLit(Node):
    """`[a..b]`, `(a..b]`, `]a..b[`; start/end None only for unary comparisons made into ranges."""

    start: Node | None
    end: Node | None
    start_included: bool
    end_included: bool


# ----------------------------------------------------------------------------- names and access


@node
class Name(Node):
    """A variable reference. `name` may contain spaces (`Monthly Salary`, `` `first name` ``)."""

    name: str


@node
class InputRef(Node):
    """`?`: the input value of a unary test."""


@node
class Path(Node):
    """`base.name`: a context entry, a temporal/duration property, or a projection over a list."""

    base: Node
    name: str


@node
class Filter(Node):
    """`base[condition]`: a boolean filter (with `item` and bare entry names) or a 1-based index."""

    base: Node
    condition: Node


@node
class NamedArg(Node):
    name: str
    value: Node


@node
class Call(Node):
    """`callee(args)`: positional (`named` is None) or named arguments (`args` is empty)."""

    callee: Node  # usually a Name (`string length`), or a Path (`m.f`), or any expression
    args: tuple[Node, ...]
    named: tuple[NamedArg, ...] | None = None


# ----------------------------------------------------------------------------- operators


@node
class Negate(Node):
    operand: Node


@node
class Arith(Node):
    op: str  # "+", "-", "*", "/", "**"
    left: Node
    right: Node


@node
class Compare(Node):
    op: str  # "=", "!=", "<", "<=", ">", ">="
    left: Node
    right: Node


@node
class And(Node):
    left: Node
    right: Node


@node
class Or(Node):
    left: Node
    right: Node


@node
class Between(Node):
    value: Node
    low: Node
    high: Node


@node
class In(Node):
    """`value in tests`: tests is one positive unary test or a parenthesised list of them."""

    value: Node
    tests: tuple[Node, ...]


@node
class TypeRef(Node):
    """A type for `instance of`: `number`, `list<number>`, `context<a: string>`,
    `function<number, string> -> boolean`, `range<date>`."""

    name: str  # "number", "list", "context", "function", "range", "date and time", "Any", ...
    params: tuple["TypeRef", ...] = ()  # list/range element type; function parameter types
    fields: tuple[tuple[str, "TypeRef"], ...] = ()  # context<...>
    result: "TypeRef | None" = None  # function result type


@node
class InstanceOf(Node):
    value: Node
    type: TypeRef


# ----------------------------------------------------------------------------- control flow


@node
class If(Node):
    condition: Node
    then: Node
    otherwise: Node


@node
class IterRange(Node):
    """`a..b` as an iteration domain of `for`/`some`/`every` (counts down when a > b)."""

    start: Node
    end: Node


@node
class Iterator(Node):
    name: str
    domain: Node  # an expression (a list) or an IterRange


@node
class For(Node):
    iterators: tuple[Iterator, ...]
    body: Node


@node
class Quantified(Node):
    kind: str  # "some" | "every"
    iterators: tuple[Iterator, ...]
    condition: Node


@node
class FunctionDef(Node):
    params: tuple[str, ...]
    body: Node
    param_types: tuple[TypeRef | None, ...] = ()
    external: bool = False  # `function(x) external {...}`: parsed, refused at evaluation


# ----------------------------------------------------------------------------- unary tests


@node
class UnaryCompare(Node):
    """`< 10`, `>= x`, `= 5`, `!= "a"`: compare the input with `value`."""

    op: str
    value: Node


@node
class AnyTest(Node):
    """`-`: matches every input."""


@node
class UnaryTests(Node):
    """A top-level list of unary tests (`"a", "b"`, `not(1, 2)`): true if any test matches.

    A test that is a plain expression matches when it equals the input, is a list containing it,
    a range including it, or (when it mentions `?`) evaluates to true.
    """

    tests: tuple[Node, ...]
    negated: bool = False
