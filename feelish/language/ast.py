"""The expression AST: frozen, slotted dataclasses, each node with its source `span`; the contract
between the parser and the compiler, only ever added to, never changed in meaning."""
from __future__ import annotations

from decimal import Decimal

from ..errors import Span
from ..records import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Union


def node(cls: type) -> type:
    """An AST node class: a `records.record` (frozen and slotted, as `@dataclass(frozen=True,
    slots=True)`, `dataclasses.FrozenInstanceError` included, its methods shared closures)."""
    return record(cls)


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
