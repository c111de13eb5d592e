"""The compiler on its own: hand-built ASTs, constant folding, scopes, closures, warnings."""
from __future__ import annotations

from decimal import Decimal

import pytest

import feelish
from feelish.language import ast
from feelish.language.compiler.state import EvalContext
from feelish.language.compiler.util import const_of
from feelish.language.compiler import compile_node
from feelish.errors import EvaluationError, Span, WarningKind

S = Span(0, 1)


def num(x):
    return ast.NumberLit(S, Decimal(x))


def name(n):
    return ast.Name(S, n)


def run(node, variables=None, **kw):
    fn, _, _, _ = compile_node(node, "src")
    ctx = EvalContext(variables or {}, **kw)
    return fn(None, ctx), ctx.warnings


def test_hand_built_ast_without_the_parser():
    node = ast.Arith(S, "+", num(1), ast.Arith(S, "*", name("x"), num(3)))
    assert run(node, {"x": 2})[0] == Decimal(7)


def test_constant_folding_of_literals_and_operators():
    fn, _, _, _ = compile_node(ast.ListLit(S, (num(1), ast.Arith(S, "*", num(2), num(3)))))
    assert const_of(fn) == [Decimal(1), Decimal(6)]
    ctx_fn, _, _, _ = compile_node(ast.ContextLit(S, (ast.ContextEntry(S, "a", num(1)),)))
    assert const_of(ctx_fn) == {"a": Decimal(1)}


def test_folded_containers_are_fresh_per_evaluation():
    expr = feelish.compile("{a: [1, 2]}")
    first = expr.evaluate()
    first["a"].append(3)
    assert expr.evaluate() == {"a": [Decimal(1), Decimal(2)]}


def test_folding_never_hides_a_warning():
    fn, _, _, _ = compile_node(ast.Arith(S, "/", num(1), num(0)))
    ctx = EvalContext({})
    assert fn(None, ctx) is None
    assert ctx.warnings[0].kind == WarningKind.DIVISION_BY_ZERO


def test_iteration_variable_shadows_host_variable():
    assert feelish.evaluate("for x in [1, 2] return x", {"x": 99}) == [1, 2]


def test_context_entries_shadow_and_nest():
    assert feelish.evaluate("{a: 1, b: {a: 2, c: a}, d: a}") == {
        "a": 1, "b": {"a": 2, "c": 2}, "d": 1}


def test_function_closure_keeps_defining_scope_after_the_context_is_done():
    expr = feelish.compile("{k: 10, f: function(x) x + k}.f")
    f = expr.evaluate()
    assert isinstance(f, feelish.FeelFunction)
    assert feelish.evaluate("g(5)", {"g": f}) == 15


def test_function_sees_variables_of_its_defining_evaluation():
    f = feelish.evaluate("function(x) x + base", {"base": 100})
    assert feelish.evaluate("g(1)", {"g": f, "base": 5}) == 101


def test_filter_names_resolve_item_entries_before_variables():
    data = {"xs": [{"a": 1}, {"a": 5}], "a": 100, "limit": 2}
    assert feelish.evaluate("xs[a > limit]", data) == [{"a": 5}]
    assert feelish.evaluate("xs[item.a > limit].a", data) == [5]


def test_nested_filters_each_see_their_own_item():
    data = {"groups": [{"xs": [1, 5]}, {"xs": [7]}]}
    assert feelish.evaluate("groups[count(xs[item > 4]) = 1]", data) == data["groups"]


def test_filter_with_computed_index():
    assert feelish.evaluate("[10, 20, 30][n + 1]", {"n": 2}) == 30


def test_partial_is_a_snapshot_when_kept():
    assert feelish.evaluate("for i in 1..3 return partial") == [[], [[]], [[], [[]]]]


def test_warnings_are_deduplicated_per_position():
    result = feelish.compile("for i in 1..50 return nope").evaluate_with_warnings()
    assert result.value == [None] * 50
    assert len(result.warnings) == 1


def test_input_outside_unary_test_is_an_error():
    with pytest.raises(EvaluationError) as info:
        feelish.evaluate("? + 1")
    assert "unary test" in str(info.value)


def test_external_function_is_refused():
    with pytest.raises(EvaluationError) as info:
        feelish.evaluate('function(x) external {java: {class: "a.B", method signature: "m()"}}')
    assert "external" in str(info.value)


def test_builtin_shadowed_by_a_variable_function():
    assert feelish.evaluate("abs(-3)", {"abs": lambda x: "mine"}) == "mine"
    assert feelish.evaluate("abs(-3)", {"abs": 5}) == 3, "a non-function variable does not shadow"


def test_builtin_as_a_value():
    assert feelish.evaluate("sort([3, 1, 2], f)", {"f": feelish.evaluate("function(a, b) a < b")}) \
        == [1, 2, 3]


def test_named_invocation_of_user_and_builtin_functions():
    assert feelish.evaluate("{f: function(a, b) a / b, r: f(b: 2, a: 10)}.r") == 5
    assert feelish.evaluate('substring(start position: 2, string: "abc")') == "bc"


def test_unknown_named_parameter_is_a_warning():
    result = feelish.compile("{f: function(a) a, r: f(z: 1)}.r").evaluate_with_warnings()
    assert result.value is None
    assert result.warnings[0].kind == WarningKind.INVALID_ARGUMENTS


def test_user_function_invoked_by_a_builtin():
    assert feelish.evaluate("sort(xs, function(a, b) a.n > b.n).n",
                            {"xs": [{"n": 1}, {"n": 3}, {"n": 2}]}) == [3, 2, 1]


def test_quantifier_short_circuits():
    # `some` stops at the first match, so the division by zero after it never runs
    result = feelish.compile("some x in [1, 0] satisfies 1 / x = 1").evaluate_with_warnings()
    assert result.value is True and not result.warnings


def test_missing_variable_warning_names_it():
    w, = feelish.compile("Monthly Salary * 12").evaluate_with_warnings().warnings
    assert w.kind == WarningKind.NO_VARIABLE_FOUND and "Monthly Salary" in w.message


def test_between_and_in_three_valued():
    assert feelish.evaluate("x between 1 and 10", {"x": None}) is None
    assert feelish.evaluate("x in (1, null)", {"x": None}) is True
    assert feelish.evaluate('x in (< 5, "a")', {"x": "a"}) is True


def test_partial_read_by_calls_is_not_copied_and_never_aliased():
    counts = feelish.evaluate("for i in 1..3000 return count(partial)")
    assert counts[-1] == 2999  # linear work: no copy of `partial` per iteration
    assert feelish.evaluate("for i in 1..3 return get or else(partial, 0)") == [[], [[]], [[], [[]]]]


def test_self_referencing_host_value_is_a_limit_not_a_crash():
    looped: list = [1]
    looped.append(looped)
    with pytest.raises(feelish.LimitExceeded):
        feelish.evaluate("x", {"x": looped})


@pytest.mark.parametrize("text, expected", [
    ("{a: 1, b: a + 1}", {"a": 1, "b": 2}),            # an earlier key named in a value
    ('{"a": 1, b: a}', {"a": 1, "b": 1}),                # a string key
    ('{"b\\u0061": 1, c: ba}', {"ba": 1, "c": 1}),       # a key with an escape
    ("{a b: 1, c: a   b}", {"a b": 1, "c": 1}),         # a name of words, other spacing
    ("{`a b`: 1, c: `a b`}", {"a b": 1, "c": 1}),
    ("{a: 1, b: {c: a}}", {"a": 1, "b": {"c": 1}}),      # nested
    ("{a: 2, b: for i in 1..a return i}", {"a": 2, "b": [1, 2]}),
    ("{q: query, page: page, limit: 50}", {"q": "Q", "page": 3, "limit": 50}),  # the variables
    ("{a: 1, b: x.a, c: a.x}", {"a": 1, "b": 5, "c": None}),  # `.a` is a field, `a.x` the key
    ("{a: 1, b: x.a + a}", {"a": 1, "b": 6}),            # a field and the key in one value
    ("{a: 1, b: x.a.a}", {"a": 1, "b": None}),
    ("{a: [3], b: for i in 1..a[1] return i}", {"a": [3], "b": [1, 2, 3]}),
    ("{a: 2, b: for i in 1..a return i}", {"a": 2, "b": [1, 2]}),  # `..a`: the key
])
def test_context_entries_see_the_earlier_entries(text, expected):
    # the compiler decides from the source text which entries may name an earlier key; every
    # shape of a key and a name must still see it (and a field or a variable must not)
    value = feelish.compile(text).evaluate({"a": 99, "query": "Q", "page": 3, "x": {"a": 5}})
    assert value == expected


def test_context_entries_of_a_hand_built_ast_with_another_source_text():
    # the spans do not index "src": the compiler must not trust the text and walks the entries
    node = ast.ContextLit(S, (ast.ContextEntry(S, "a", num(1)), ast.ContextEntry(S, "b", name("a"))))
    assert run(node, {"a": 99})[0] == {"a": Decimal(1), "b": Decimal(1)}
    # a value's span outside its entry's span: not the text the spans index either
    node = ast.ContextLit(Span(0, 13), (ast.ContextEntry(Span(1, 5), "s", num(1)),
                                       ast.ContextEntry(Span(7, 9), "t", ast.Name(Span(4, 5), "s"))))
    fn, _, _, _ = compile_node(node, "{s: 1, t: s}")
    assert fn(None, EvalContext({"s": 99})) == {"s": Decimal(1), "t": Decimal(1)}


@pytest.mark.parametrize("text, expected", [
    ("for x in [[1,2],[3]], y in x return y", [1, 2, 3]),  # a domain naming an earlier iterator
    ("for i in 1..2, j in i..2 return [i, j]", [[1, 1], [1, 2], [2, 2]]),
    ("some x in [1,2], y in [x] satisfies y > 1", True),
    ("for i in 1..2 return (function() i)()", [1, 2]),  # a function in the body: a layer each
    ("  for i in [1, 2] return (function(x) x + i)(1)  ", [2, 3]),
    ("// a comment\nfor x in [[1],[2]], y in x return y", [1, 2]),  # the root does not span it
    ("for x in [{x: [1]}], y in x.x return y", [1]),  # `x.x`: the iterator, then a field
    ("for i in [1, 2], j in z.i return j", [7, 7]),  # `.i`: a field only, the domain is fixed
])
def test_loops_judged_from_the_text_keep_their_scopes(text, expected):
    assert feelish.compile(text).evaluate({"x": [9], "i": 9, "z": {"i": [7]}}) == expected
