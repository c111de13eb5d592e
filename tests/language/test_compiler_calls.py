"""Direct and folded built-in calls behave exactly as the general call path.

The general path is forced by a host variable named like the built-in that is not a function
(a call then still reaches the built-in, through the lookup and `invoke`)."""
from __future__ import annotations

from decimal import Decimal

import pytest

import feelish

CALLS = [
    'string(n)', 'string(null)', 'string(xs)', 'upper case(s)', 'upper case(n)',
    'substring(s, 1, 3)', 'substring(s, "a")', 'substring(s, 2)', 'string length(s)',
    'string length(xs)', 'contains(s, "d")', 'starts with(s, 1)', 'date(d)', 'date("nope")',
    'date(2026, 13, 1)', 'duration("P10D")', 'duration("bad")', 'duration(n)', 'count(xs)',
    'sum(xs)', 'sum(s)', 'abs(n)', 'abs(s)', 'decimal(1/3, 2)', 'number("12.5")',
    'string join(ss, ", ")', 'split(s, "d")', 'sort(xs)', 'reverse(xs)', 'now() = now()',
    'date(d) + duration("P1D")', 'string("x" + s)', 'substring(long, 1, 100)',
    'list contains(xs, 2)', 'append(xs, 4)', 'upper case()', 'upper case(s, s)',
    'is defined(nothere)', 'get or else(nothere, 1)', 'mean(xs)', 'min(xs)', 'max(1, 2, 3)',
    'floor(n / 7)', 'modulo(n, 0)', 'replace(s, "[", "x")', 'matches(s, "(")',
]
VARS = {"n": 12345, "s": "Ada Lovelace", "xs": [3, 1, 2], "d": "2026-01-25", "ss": ["a", "b"],
        "long": "z" * 200}


def _name(call: str) -> str:
    return call.split("(")[0]


@pytest.mark.parametrize("call", CALLS)
def test_direct_call_equals_general_call(call):
    expr = feelish.compile(call)
    fast = expr.evaluate_with_warnings(VARS, clock=_clock)
    general = expr.evaluate_with_warnings({**VARS, _name(call): 5}, clock=_clock)
    assert fast.value == general.value
    assert [(w.kind, w.message, w.span) for w in fast.warnings] == \
        [(w.kind, w.message, w.span) for w in general.warnings]


def _clock():
    import datetime as dt
    return dt.datetime(2026, 1, 1, 12, tzinfo=dt.timezone.utc)


def test_a_host_function_of_the_same_name_wins():
    for text in ('string(n)', 'duration("P10D")', 'substring(s, 1, 2)', 'upper case(s)'):
        assert feelish.evaluate(text, {**VARS, _name(text): lambda *a: "host"}) == "host"


def test_folded_literal_calls_are_fresh_values():
    expr = feelish.compile('{d: date("2026-01-25") + duration("P10D"), u: upper case("ab")}')
    import datetime as dt
    assert expr.evaluate({}) == {"d": dt.date(2026, 2, 4), "u": "AB"}
    assert expr.evaluate({"upper case": lambda x: "host"}) == {"d": dt.date(2026, 2, 4),
                                                                "u": "host"}


def test_long_results_are_charged_as_before():
    with pytest.raises(feelish.LimitExceeded):
        feelish.compile("string join(for i in 1..50 return long, \"\")").evaluate(
            VARS, max_steps=100)
    r = feelish.compile("upper case(long)").evaluate(VARS)
    assert r == "Z" * 200
    assert feelish.evaluate("string(n)", VARS) == "12345"
    assert feelish.evaluate("count(xs)", VARS) == Decimal(3)


PLAIN_CALLS = ['string(n)', 'upper case(s)', 'substring(s, 1, 3)', 'string length(s)',
               'contains(s, "d")', 'count(t)', 'sum(t)', 'sum(fs)', 'mean(t)', 'abs(n)',
               'abs(-2.5)', 'number("1")', 'decimal(f, 1)', 'floor(f)', 'modulo(n, 7)', 'date(d)',
               'duration("P1D")', 'day of week(date(d))', 'string join(["a"], "")', 'odd(n)',
               'list contains(t, 1)', 'is defined(n)', 'trim(" a ")', 'sqrt(n)', 'abs(span)']


@pytest.mark.parametrize("call", PLAIN_CALLS)
def test_results_marked_plain_need_no_export(call):
    import datetime as dt

    from feelish.language.compiler.state import EvalContext
    from feelish.language.compiler.util import export
    from feelish.language.compiler import compile_node, exporting
    from feelish.language.parser import parse
    v = {**VARS, "t": (1, 2), "fs": [1.5, 2.25], "f": 2.75, "span": dt.timedelta(days=-1)}
    fn = compile_node(parse(call), call)[0]
    raw = fn(None, EvalContext(v))
    assert export(raw) is raw
    assert exporting(fn) is fn or getattr(fn, "plain", False)


def test_a_shadowing_host_function_result_is_still_exported():
    r = feelish.evaluate("upper case(s)", {**VARS, "upper case": lambda s: (1, 2.5)})
    assert r == [Decimal(1), Decimal("2.5")] and type(r) is list
    r = feelish.evaluate('duration("P1D")', {"duration": lambda s: 7})
    assert r == Decimal(7) and type(r) is Decimal


def test_variable_arguments_read_inline_behave_as_names():
    # missing: the name's own warning, then the built-in's
    r = feelish.compile("upper case(nobody)").evaluate_with_warnings({})
    assert r.value is None and [w.kind for w in r.warnings][0] == "no-variable-found"
    # a built-in named as a value is found when no variable has the name
    assert feelish.evaluate("string length(s)", {"s": "abc"}) == Decimal(3)
    assert feelish.evaluate("contains(s, \"b\")", {"s": "abc"}) is True
    r = feelish.compile("a * b + a").evaluate_with_warnings({"a": 2})
    assert r.value is None and [w.kind for w in r.warnings] == ["no-variable-found"]
    assert feelish.evaluate("a >= b", {"a": 2, "b": 2.0}) is True
