"""The expression AST: frozen, slotted dataclasses, each node with its source `span`; the contract
between the parser and the compiler, only ever added to, never changed in meaning."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Union

from ..errors import Span


@dataclass(frozen=True, slots=True)
class Node:
    span: Span


# ----------------------------------------------------------------------------- literals


@dataclass(frozen=True, slots=True)
class NumberLit(Node):
    value: Decimal


@dataclass(frozen=True, slots=True)
class StringLit(Node):
    value: str  # escapes already decoded


@dataclass(frozen=True, slots=True)
class SecretRef(Node):
    """`<<secrets.NAME>>` as a bare atom: the secret's value, a string."""

    name: str


@dataclass(frozen=True, slots=True)
class SecretString(Node):
    """A string literal holding placeholders: parts are str or SecretRef, spliced at evaluation
    after parsing, so a secret's value can never change the expression's structure."""

    parts: tuple[Union[str, SecretRef], ...]


@dataclass(frozen=True, slots=True)
class BoolLit(Node):
    value: bool


@dataclass(frozen=True, slots=True)
class NullLit(Node):
    pass


@dataclass(frozen=True, slots=True)
class TemporalLit(Node):
    """`@"2024-01-01"`, `@"PT1H"`, ... : the string is parsed by the value model at compile time."""

    text: str


@dataclass(frozen=True, slots=True)
class ListLit(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class ContextEntry(Node):
    key: str
    value: Node


@dataclass(frozen=True, slots=True)
class ContextLit(Node):
    """`{a: 1, "b c": a + 1}`: later entries see earlier ones."""

    entries: tuple[ContextEntry, ...]


@dataclass(frozen=True, slots=True)
class RangeLit(Node):
    """`[a..b]`, `(a..b]`, `]a..b[`; start/end None only for unary comparisons made into ranges."""

    start: Node | None
    end: Node | None
    start_included: bool
    end_included: bool


# ----------------------------------------------------------------------------- names and access


@dataclass(frozen=True, slots=True)
class Name(Node):
    """A variable reference. `name` may contain spaces (`Monthly Salary`, `` `first name` ``)."""

    name: str


@dataclass(frozen=True, slots=True)
class InputRef(Node):
    """`?`: the input value of a unary test."""


@dataclass(frozen=True, slots=True)
class Path(Node):
    """`base.name`: a context entry, a temporal/duration property, or a projection over a list."""

    base: Node
    name: str


@dataclass(frozen=True, slots=True)
class Filter(Node):
    """`base[condition]`: a boolean filter (with `item` and bare entry names) or a 1-based index."""

    base: Node
    condition: Node


@dataclass(frozen=True, slots=True)
class NamedArg(Node):
    name: str
    value: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    """`callee(args)`: positional (`named` is None) or named arguments (`args` is empty)."""

    callee: Node  # usually a Name (`string length`), or a Path (`m.f`), or any expression
    args: tuple[Node, ...]
    named: tuple[NamedArg, ...] | None = None


# ----------------------------------------------------------------------------- operators


@dataclass(frozen=True, slots=True)
class Negate(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class Arith(Node):
    op: str  # "+", "-", "*", "/", "**"
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Compare(Node):
    op: str  # "=", "!=", "<", "<=", ">", ">="
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class And(Node):
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Or(Node):
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Between(Node):
    value: Node
    low: Node
    high: Node


@dataclass(frozen=True, slots=True)
class In(Node):
    """`value in tests`: tests is one positive unary test or a parenthesised list of them."""

    value: Node
    tests: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class TypeRef(Node):
    """A type for `instance of`: `number`, `list<number>`, `context<a: string>`,
    `function<number, string> -> boolean`, `range<date>`."""

    name: str  # "number", "list", "context", "function", "range", "date and time", "Any", ...
    params: tuple["TypeRef", ...] = ()  # list/range element type; function parameter types
    fields: tuple[tuple[str, "TypeRef"], ...] = ()  # context<...>
    result: "TypeRef | None" = None  # function result type


@dataclass(frozen=True, slots=True)
class InstanceOf(Node):
    value: Node
    type: TypeRef


# ----------------------------------------------------------------------------- control flow


@dataclass(frozen=True, slots=True)
class If(Node):
    condition: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True, slots=True)
class IterRange(Node):
    """`a..b` as an iteration domain of `for`/`some`/`every` (counts down when a > b)."""

    start: Node
    end: Node


@dataclass(frozen=True, slots=True)
class Iterator(Node):
    name: str
    domain: Node  # an expression (a list) or an IterRange


@dataclass(frozen=True, slots=True)
class For(Node):
    iterators: tuple[Iterator, ...]
    body: Node


@dataclass(frozen=True, slots=True)
class Quantified(Node):
    kind: str  # "some" | "every"
    iterators: tuple[Iterator, ...]
    condition: Node


@dataclass(frozen=True, slots=True)
class FunctionDef(Node):
    params: tuple[str, ...]
    body: Node
    param_types: tuple[TypeRef | None, ...] = ()
    external: bool = False  # `function(x) external {...}`: parsed, refused at evaluation


# ----------------------------------------------------------------------------- unary tests


@dataclass(frozen=True, slots=True)
class UnaryCompare(Node):
    """`< 10`, `>= x`, `= 5`, `!= "a"`: compare the input with `value`."""

    op: str
    value: Node


@dataclass(frozen=True, slots=True)
class AnyTest(Node):
    """`-`: matches every input."""


@dataclass(frozen=True, slots=True)
class UnaryTests(Node):
    """A top-level list of unary tests (`"a", "b"`, `not(1, 2)`): true if any test matches.

    A test that is a plain expression matches when it equals the input, is a list containing it,
    a range including it, or (when it mentions `?`) evaluates to true.
    """

    tests: tuple[Node, ...]
    negated: bool = False
