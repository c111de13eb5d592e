"""Property tests: any generated expression over any JSON variables raises nothing but feelish
errors; one compiled expression gives the same results as compiling for every evaluation."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import feelish
from feelish import FeelishError, FeelSyntaxError

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000)
    | st.floats(allow_nan=False, allow_infinity=False, width=32) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["a", "b", "c", "item", "x y"]), children, max_size=4),
    max_leaves=12,
)
variables = st.dictionaries(st.sampled_from(["a", "b", "c", "xs", "n", "s"]), json_values,
                            max_size=6)

ATOMS = ["1", "0", "-2.5", "null", "true", "false", '"s"', '""', "a", "b", "c", "xs", "n",
         "s", "item", "[]", "{}", '@"2024-01-31"', '@"P1D"', '@"P1Y"', "[1, 2, 3]",
         '{a: 1, b: "x"}', "[1..3]"]
BINARY = ["+", "-", "*", "/", "**", "=", "!=", "<", "<=", ">", ">=", "and", "or"]
CALLS = ["count", "sum", "abs", "string", "not", "upper case", "reverse", "flatten",
         "string length", "is defined", "min", "max", "list contains", "append", "number",
         "substring", "get value", "date"]


def combiner(calls=tuple(CALLS)):
    """The recursive step of an expression strategy calling the given built-ins
    (tests/test_fuzz_errors.py builds its hostile expressions with it too)."""
    return lambda children: _combine(children, calls)


def _combine(children, calls=tuple(CALLS)):
    two = st.tuples(children, children)
    return st.one_of(
        st.tuples(children, st.sampled_from(BINARY), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda e: f"-({e})"),
        two.map(lambda t: f"if {t[0]} then {t[1]} else 0"),
        two.map(lambda t: f"for v in {t[0]} return {t[1]}"),
        two.map(lambda t: f"({t[0]})[{t[1]}]"),
        children.map(lambda e: f"({e}).a"),
        st.lists(children, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        two.map(lambda t: f"{{k: {t[0]}, m: {t[1]}}}"),
        st.tuples(st.sampled_from(calls), st.lists(children, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"),
        two.map(lambda t: f"some v in {t[0]} satisfies {t[1]}"),
        two.map(lambda t: f"every v in {t[0]} satisfies {t[1]}"),
        st.tuples(children, children, children).map(lambda t: f"{t[0]} between {t[1]} and {t[2]}"),
        two.map(lambda t: f"{t[0]} in ({t[1]}, < 3)"),
        children.map(lambda e: f"{e} instance of number"),
        two.map(lambda t: f"(function(v) {t[1]})({t[0]})"),
    )


expressions = st.recursive(st.sampled_from(ATOMS), _combine, max_leaves=8)


def _comparable(value):
    """Functions compare by identity; replace them so results can be compared."""
    if isinstance(value, feelish.FeelFunction):
        return "<function>"
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    return value


def _outcome(expr: feelish.Expression, env: dict):
    try:
        return ("value", _comparable(expr.evaluate(env, max_steps=20_000)))
    except FeelishError as exc:
        return ("error", type(exc).__name__)


@SETTINGS
@given(text=expressions, env=variables)
def test_generated_expressions_raise_only_feelish_errors(text, env):
    try:
        expr = feelish.compile(text)
    except FeelSyntaxError as exc:
        assert exc.span is not None and 0 <= exc.span.start <= len(text)
        return
    _outcome(expr, env)  # anything but a FeelishError propagates and fails the test


@SETTINGS
@given(text=expressions, envs=st.lists(variables, min_size=1, max_size=3))
def test_compile_once_equals_compile_each_time(text, envs):
    try:
        once = feelish.compile(text)
    except FeelSyntaxError:
        return
    for env in envs:
        assert _outcome(once, env) == _outcome(feelish.compile(text), env)


@SETTINGS
@given(env=variables)
def test_fixed_expressions_over_random_json(env):
    for text in ["a + b", "xs[item > 1]", "xs.a", "for x in xs return x", "a.b.c", "s + \"!\"",
                 "count(xs)", "sum(xs)", "a = b", "xs[1]", "if a then b else c", "{r: a, q: r}",
                 "some x in xs satisfies x = a", "n in [1..10]", "string(a)", "n * 2 > 3"]:
        try:
            value = feelish.compile(text).evaluate(env)
        except FeelishError:
            continue
        # results are plain Python: numbers are Decimal, never int or float
        assert not isinstance(value, float) and (type(value) is not int)


@SETTINGS
@given(n=st.integers(-50, 50), m=st.integers(-50, 50))
def test_arithmetic_matches_python_decimal(n, m):
    got = feelish.evaluate("a * b + a - b", {"a": n, "b": m})
    assert got == Decimal(n * m + n - m)


@SETTINGS
@given(x=st.integers(-20, 20), lo=st.integers(-20, 20), hi=st.integers(-20, 20),
       test=st.sampled_from(["< lo", "<= hi", "> lo", ">= hi", "[lo..hi]", "(lo..hi)", "lo, hi",
                             "not(lo, hi)", "-", "? > lo", "[lo..hi), > 10"]))
def test_unary_tests_agree_with_in_and_with_python(x, lo, hi, test):
    env = {"lo": lo, "hi": hi}
    direct = feelish.unary_test(test, x, env)
    if not test.startswith("not") and test != "-" and "?" not in test:
        assert feelish.evaluate(f"x in ({test})", {**env, "x": x}) == direct
    python = {
        "< lo": x < lo, "<= hi": x <= hi, "> lo": x > lo, ">= hi": x >= hi,
        "[lo..hi]": lo <= x <= hi, "(lo..hi)": lo < x < hi, "lo, hi": x in (lo, hi),
        "not(lo, hi)": x not in (lo, hi), "-": True, "? > lo": x > lo,
        "[lo..hi), > 10": lo <= x < hi or x > 10,
    }[test]
    assert direct is python
