"""Compiling `between`, `in` and unary tests (`< 10`, `[1..5]`, `"a", "b"`, `not(...)`, `-`, `?`)
into tests `t(s, c, x) -> True | False | None` for the input value `x`."""
from __future__ import annotations

from .. import ast, operators
from .state import MISSING, EvalContext
from .util import const_of, contains
from .base import SOFT, ORDER, Closure, Compiler, failed
from ...errors import EvaluationError, WarningKind
from ..values import FeelFailure, Range

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, TypeAlias

Test: TypeAlias = "Any"  # Callable[[scope, EvalContext, Any], bool | None]


def _between(comp: Compiler, node: ast.Between) -> Closure:
    value, low, high = comp.compile(node.value), comp.compile(node.low), comp.compile(node.high)
    span = node.span
    ge, le = operators.greater_equal, operators.less_equal

    def between(s, c):
        x = value(s, c)
        try:
            a = ge(x, low(s, c))
            if a is False:
                return False
            b = le(x, high(s, c))
        except (FeelFailure, *SOFT) as exc:
            return failed(c, exc, span, WarningKind.NOT_COMPARABLE)
        if b is False:
            return False
        return True if a is True and b is True else None
    return between


def member(x: Any, items: Any) -> bool | None:
    """Whether `x` equals an element of `items` (FEEL equality; other types never match)."""
    eq = operators.equal
    for item in items:
        try:
            if type(item) is Range:
                if operators.in_range(x, item) is True:
                    return True
            elif eq(x, item) is True:
                return True
        except FeelFailure:
            continue
    return False


def matches(c: EvalContext, x: Any, v: Any, with_input: bool, span) -> bool | None:
    """Does input `x` satisfy a test whose expression evaluated to `v`?"""
    if with_input and type(v) is bool:
        return v
    tv = type(v)
    try:
        if tv is Range:
            return operators.in_range(x, v)
        if tv is list or tv is tuple:
            if member(x, v):
                return True
            if isinstance(x, (list, tuple)):
                return operators.equal(x, v) is True
            return False
        if tv is bool and type(x) is not bool and x is not None:
            return v  # a boolean expression used as a test
        return operators.equal(x, v)
    except (FeelFailure, *SOFT) as exc:
        return failed(c, exc, span, WarningKind.NOT_COMPARABLE)


def compile_test(comp: Compiler, node: ast.Node) -> Test:
    span = node.span
    if isinstance(node, ast.AnyTest):
        return lambda s, c, x: True
    if isinstance(node, ast.UnaryTests):
        return compile_tests(comp, node)
    if isinstance(node, ast.UnaryCompare):
        value = comp.compile(node.value)
        op = node.op
        if op == "=":
            def eq_test(s, c, x):
                return matches(c, x, value(s, c), False, span)
            return eq_test
        if op == "!=":
            def ne_test(s, c, x):
                r = matches(c, x, value(s, c), False, span)
                return None if r is None else not r
            return ne_test
        order = ORDER[op]

        def compare_test(s, c, x):
            try:
                return order(x, value(s, c))
            except (FeelFailure, *SOFT) as exc:
                return failed(c, exc, span, WarningKind.NOT_COMPARABLE)
        return compare_test
    if (isinstance(node, ast.RangeLit) and node.start is not None and node.start == node.end
            and node.start_included and node.end_included):
        node = node.start  # `= x`, as the parser writes it: [x..x] with one node
    with_input = contains(node, ast.InputRef)
    value = comp.compile(node)
    k = const_of(value)
    if k is not MISSING and type(k) is list:
        def list_test(s, c, x):
            if member(x, k):
                return True
            if isinstance(x, (list, tuple)):
                try:
                    return operators.equal(x, k) is True
                except FeelFailure:
                    return False
            return False
        return list_test
    if with_input:
        def input_test(s, c, x):
            saved = c.input
            c.input = x
            try:
                v = value(s, c)
            finally:
                c.input = saved
            return matches(c, x, v, True, span)
        return input_test

    def value_test(s, c, x):
        return matches(c, x, value(s, c), False, span)
    return value_test


def disjunction(tests: tuple[Test, ...]) -> Test:
    if len(tests) == 1:
        return tests[0]

    def any_test(s, c, x):
        unknown = False
        for t in tests:
            r = t(s, c, x)
            if r is True:
                return True
            if r is None:
                unknown = True
        return None if unknown else False
    return any_test


def compile_tests(comp: Compiler, node: ast.UnaryTests) -> Test:
    test = disjunction(tuple(compile_test(comp, t) for t in node.tests))
    if not node.negated:
        return test

    def negated(s, c, x):
        r = test(s, c, x)
        return None if r is None else not r
    return negated


def _in(comp: Compiler, node: ast.In) -> Closure:
    value = comp.compile(node.value)
    test = disjunction(tuple(compile_test(comp, t) for t in node.tests))

    def in_(s, c):
        return test(s, c, value(s, c))
    return in_


def _unary_tests_value(comp: Compiler, node: ast.UnaryTests) -> Closure:
    """A unary-tests node met as an expression: test the `?` input of the enclosing unary test."""
    test = compile_tests(comp, node)
    span = node.span

    def tests_value(s, c):
        x = c.input
        if x is MISSING:
            raise EvaluationError("unary tests can only be evaluated against an input value",
                                  source=c.source, span=span)
        return test(s, c, x)
    return tests_value


def _any_value(comp: Compiler, node: ast.AnyTest) -> Closure:
    return lambda s, c: True


HANDLERS = {ast.Between: _between, ast.In: _in, ast.UnaryTests: _unary_tests_value,
            ast.AnyTest: _any_value}
