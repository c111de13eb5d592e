"""Properties of the front end (hypothesis): any text either parses or fails with a feelish error
whose span lies inside the text; well-formed generated expressions always parse, with every
node's span inside its parent's; parenthesised arithmetic keeps the structure it was built with."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feelish.language import ast
from feelish.errors import FeelSyntaxError, LimitExceeded
from feelish.language.parser.driver import parse, parse_unary_tests

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TOKENS = ["1", ".5", "007", '"s"', '"\\u0041"', "x", "Monthly Salary", "`a b`", "true", "null",
          '@"2024-01-01"', "<<secrets.T>>", "?", "+", "-", "*", "/", "**", "=", "!=", "<", "<=",
          ">", ">=", "and", "or", "not", "in", "between", "instance of", "number", "list<number>",
          "if", "then", "else", "for", "return", "some", "every", "satisfies", "function",
          "external", "(", ")", "[", "]", "{", "}", ",", ":", ".", "..", "->", "date and time",
          "string length", "//c\n", "/*c*/", "\n", "'", "\\", "#", "==", "&&", '"', "`", "@"]


def check_outcome(text: str, parser=parse) -> ast.Node | None:
    try:
        node = parser(text)
    except (FeelSyntaxError, LimitExceeded) as err:
        assert err.span is not None
        assert 0 <= err.span.start <= err.span.end <= len(text), (err.span, len(text))
        assert err.line is not None and err.line >= 1 and err.column >= 1
        str(err)  # renders without failing
        return None
    assert isinstance(node, ast.Node)
    check_spans(node, 0, len(text))
    return node


def check_spans(node, start: int, end: int) -> None:
    stack = [(node, start, end)]
    while stack:
        n, lo, hi = stack.pop()
        if isinstance(n, ast.Node):
            assert lo <= n.span.start <= n.span.end <= hi, n
            for field in n.__slots__:
                stack.append((getattr(n, field), n.span.start, n.span.end))
        elif isinstance(n, tuple):
            stack.extend((item, lo, hi) for item in n)


@SETTINGS
@given(st.text(max_size=60))
def test_any_text_parses_or_fails_inside_the_text(text):
    check_outcome(text)
    check_outcome(text, parse_unary_tests)


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=25), st.sampled_from([" ", "", "  "]))
def test_token_soup_parses_or_fails_inside_the_text(tokens, sep):
    text = sep.join(tokens)
    check_outcome(text)
    check_outcome(text, parse_unary_tests)


# ----------------------------------------------------------------- well-formed expressions

names = st.sampled_from(["x", "y", "Monthly Salary", "`first name`", "item", "a_1", "größe"])
numbers = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
strings = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8).map(
    lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"')
atoms = st.one_of(names, numbers.map(str), strings, st.sampled_from(["true", "false", "null", '@"P1D"']))


def _compound(children):
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**", "=", "!=", "<", ">=",
                                                   "and", "or"]), children)
    return st.one_of(
        binary.map(lambda t: f"(({t[0]}) {t[1]} ({t[2]}))"),
        children.map(lambda c: f"-({c})"),
        st.lists(children, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(st.sampled_from(["a", "b c", '"d"', "e-f"]), children), max_size=3,
                 unique_by=lambda kv: kv[0].strip('"')).map(
            lambda kvs: "{" + ", ".join(f"{k}: {v}" for k, v in kvs) + "}"),
        st.tuples(children, children, children).map(lambda t: f"if {t[0]} then {t[1]} else {t[2]}"),
        st.tuples(children, children).map(lambda t: f"for i in {t[0]} return {t[1]}"),
        st.tuples(children, children).map(lambda t: f"some i in {t[0]} satisfies {t[1]}"),
        st.tuples(children, children).map(lambda t: f"({t[0]}) between ({t[1]}) and ({t[1]})"),
        st.tuples(children, children).map(lambda t: f"({t[0]})[{t[1]}]"),
        st.tuples(children, names).map(lambda t: f"({t[0]}).{t[1]}"),
        st.lists(children, max_size=3).map(lambda xs: "f(" + ", ".join(xs) + ")"),
        children.map(lambda c: f"function(a, b) {c}"),
        st.tuples(children, children).map(lambda t: f"({t[0]}) in ({t[1]}, < 3)"),
        children.map(lambda c: f"({c}) instance of list<number>"),
    )


expressions = st.recursive(atoms, _compound, max_leaves=12)


@SETTINGS
@given(expressions, st.sampled_from(["", " ", "\n", " /* c */ "]))
def test_generated_expressions_parse(text, pad):
    node = check_outcome(pad + text + pad)
    assert node is not None, text


def _arith(children):
    return st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children)


arith_trees = st.recursive(st.integers(0, 99), _arith, max_leaves=10)


def _render(tree) -> str:
    if isinstance(tree, int):
        return str(tree)
    left, op, right = tree
    return f"({_render(left)} {op} {_render(right)})"


def _rebuild(node):
    if isinstance(node, ast.NumberLit):
        return int(node.value)
    assert isinstance(node, ast.Arith)
    return (_rebuild(node.left), node.op, _rebuild(node.right))


@SETTINGS
@given(arith_trees)
def test_parenthesised_arithmetic_keeps_its_structure(tree):
    node = parse(_render(tree))
    assert _rebuild(node) == tree


@SETTINGS
@given(st.lists(st.integers(0, 9), min_size=2, max_size=8), st.sampled_from(["-", "**", "/"]))
def test_binary_operators_are_left_associative(values, op):
    node = parse(f" {op} ".join(map(str, values)))
    for value in reversed(values[1:]):
        assert isinstance(node, ast.Arith) and node.op == op
        assert node.right.value == Decimal(value)
        node = node.left
    assert node.value == Decimal(values[0])
