"""The public language API: compile / evaluate / unary_test, Expression, Result, secrets."""
from __future__ import annotations

import dataclasses
import threading
from decimal import Decimal

import pytest

import feelish
from feelish import EvaluationError, FeelSyntaxError, Result, SecretError, WarningKind
from feelish.secrets import SecretResolver


def test_compile_once_evaluate_many():
    expr = feelish.compile("a * 2 + b")
    assert expr.evaluate({"a": 1, "b": 1}) == Decimal(3)
    assert expr.evaluate({"a": 10, "b": Decimal("0.5")}) == Decimal("20.5")
    assert expr.source == "a * 2 + b"


def test_free_names_exclude_locals_and_builtins():
    expr = feelish.compile("{x: a, y: for i in items return i + x}.y[count(ys)]")
    # a name inside a filter condition may be an entry of the items: listed all the same
    assert expr.names == frozenset({"a", "items", "ys"})
    fn = feelish.compile("(function(p) p + q)(1)")
    assert fn.names == frozenset({"q"})


def test_paths_read_give_the_entries_below_each_name():
    expr = feelish.compile("if order.customer.tier >= 2 then order.total * rate else order.total")
    assert expr.paths == frozenset({("order", "customer", "tier"), ("order", "total"), ("rate",)})
    assert expr.names == {path[0] for path in expr.paths}
    # fetching only what `paths` lists is enough to evaluate the expression
    order = {"customer": {"tier": 3, "name": "not read"}, "total": 10, "lines": ["not read"]}
    slim = {"order": {"customer": {"tier": 3}, "total": 10}, "rate": Decimal("0.9")}
    assert expr.evaluate(slim) == expr.evaluate({"order": order, "rate": Decimal("0.9")}) == 9
    assert feelish.compile("xs[1].a.b").paths == frozenset({("xs",)})
    assert feelish.compile("xs[item.a > n]").paths == frozenset({("xs",), ("n",)})
    with pytest.raises(AttributeError):
        expr.paths = frozenset()  # type: ignore[misc]


def test_secret_names_listed():
    expr = feelish.compile('"Bearer <<secrets.TOKEN>>" + <<secrets.OTHER>>')
    assert expr.secret_names == frozenset({"TOKEN", "OTHER"})


def test_expression_is_immutable():
    expr = feelish.compile("1")
    with pytest.raises(AttributeError):
        expr.source = "2"  # type: ignore[misc]


def test_a_misspelled_evaluate_option_is_named_with_the_options():
    expr = feelish.compile("a + 1")
    with pytest.raises(TypeError) as info:
        expr.evaluate({"a": 1}, strickt=True)
    assert "evaluate() got an unexpected keyword argument 'strickt'" in str(info.value)
    assert "strict" in str(info.value) and "_evaluate" not in str(info.value)
    assert expr.evaluate({"a": 1}, strict=True, max_steps=100) == 2


def test_result_is_frozen_dataclass_with_warnings():
    result = feelish.compile("x + 1").evaluate_with_warnings({})
    assert isinstance(result, Result)
    assert result.value is None
    assert [w.kind for w in result.warnings] == [WarningKind.NO_VARIABLE_FOUND]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = 1  # type: ignore[misc]


def test_warning_has_span_that_points_at_the_name():
    text = "1 + missing_one"
    warning, = feelish.compile(text).evaluate_with_warnings().warnings
    assert text[warning.span.start:warning.span.end] == "missing_one"
    rendered = warning.render(text)
    assert "missing_one" in rendered and "^" in rendered


def test_missing_context_entry_lists_available_keys():
    warning, = feelish.compile("c.zz").evaluate_with_warnings({"c": {"aa": 1, "bb": 2}}).warnings
    assert warning.kind == WarningKind.NO_CONTEXT_ENTRY_FOUND
    assert "'aa'" in warning.message and "'bb'" in warning.message


def test_strict_raises_at_first_warning_with_position():
    with pytest.raises(EvaluationError) as info:
        feelish.compile("1 + nope").evaluate(strict=True)
    assert info.value.kind == WarningKind.NO_VARIABLE_FOUND
    assert info.value.line == 1 and info.value.column == 5
    assert "^^^^" in str(info.value)


def test_module_level_evaluate_uses_cache():
    feelish.language.api._cached.cache_clear()
    for _ in range(3):
        assert feelish.evaluate("n + 1", {"n": 1}) == 2
    info = feelish.language.api._cached.cache_info()
    assert info.hits == 2 and info.misses == 1


def test_syntax_error_is_positioned():
    with pytest.raises(FeelSyntaxError) as info:
        feelish.compile("1 +* 2")
    assert info.value.line == 1 and info.value.column is not None


def test_inputs_accept_plain_python_and_json_values():
    value = feelish.evaluate("{n: n + 1, f: f * 2, s: s + \"!\", l: count(l), d: d.k}",
                             {"n": 1, "f": 0.5, "s": "hi", "l": (1, 2), "d": {"k": None}})
    assert value == {"n": Decimal(2), "f": Decimal("1.0"), "s": "hi!", "l": Decimal(2), "d": None}


def test_results_are_plain_python():
    value = feelish.evaluate("[x, {a: y}]", {"x": 1, "y": (1, 2)})
    assert value == [Decimal(1), {"a": [Decimal(1), Decimal(2)]}]
    assert type(value[1]["a"]) is list


def test_unary_test_api():
    assert feelish.unary_test("< 10", 5) is True
    assert feelish.unary_test("[1..3], 7", 5) is False
    assert feelish.unary_test("> limit", 5, {"limit": 1}) is True
    assert feelish.unary_test("< 10", None) is None
    assert feelish.unary_test('not("a", "b")', "c") is True


def test_variables_must_be_a_mapping():
    with pytest.raises(TypeError):
        feelish.compile("1").evaluate([1, 2])  # type: ignore[arg-type]


def test_host_callable_in_variables():
    assert feelish.evaluate("twice(21)", {"twice": lambda x: x * 2}) == 42


def test_host_callable_failure_is_a_warning():
    def boom(x):
        raise RuntimeError("boom")
    result = feelish.compile("f(1)").evaluate_with_warnings({"f": boom})
    assert result.value is None
    assert result.warnings[0].kind == WarningKind.FUNCTION_INVOCATION_FAILURE


def test_thread_safety_of_one_expression():
    expr = feelish.compile("for i in 1..200 return i * k")
    errors = []

    def work(k):
        for _ in range(20):
            got = expr.evaluate({"k": k})
            if got != [Decimal(i * k) for i in range(1, 201)]:
                errors.append(k)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_now_and_today_use_the_evaluation_clock():
    import datetime as dt
    fixed = dt.datetime(2030, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc)
    expr = feelish.compile("[now(), today()]")
    assert expr.evaluate(clock=lambda: fixed) == [fixed, fixed.date()]


# ------------------------------------------------------------------------- secrets

SECRET = "s3cr3t-VALUE-xyz"


def _all_strings(obj) -> str:
    return repr(obj) + str(obj)


def test_secret_spliced_at_value_level():
    assert feelish.evaluate('"Bearer <<secrets.T>>"', secrets={"T": SECRET}) == f"Bearer {SECRET}"
    tricky = '" + 1 + "'
    assert feelish.evaluate('"<<secrets.T>>"', secrets={"T": tricky}) == tricky


def test_missing_secret_names_it_without_values():
    with pytest.raises(SecretError) as info:
        feelish.evaluate('"<<secrets.NOPE>>"', secrets={"OTHER": SECRET})
    assert info.value.name == "NOPE" and "NOPE" in str(info.value)
    assert SECRET not in str(info.value)


def test_secret_never_in_warnings_errors_or_reprs():
    expr = feelish.compile('{t: "<<secrets.T>>", a: t + 1, b: t.nope, c: date(t), '
                           'd: {x: t}.y, e: number(t), r: t}')
    resolver = SecretResolver({"T": SECRET})
    result = expr.evaluate_with_warnings(secrets=resolver)
    assert result.value["r"] == SECRET  # the value itself is the point
    assert result.warnings, "the expression is built to produce warnings"
    for warning in result.warnings:
        assert SECRET not in _all_strings(warning)
        assert SECRET not in warning.render(expr.source)
    assert SECRET not in repr(result)
    assert SECRET not in repr(expr) and SECRET not in repr(resolver)
    with pytest.raises(EvaluationError) as info:
        expr.evaluate(secrets={"T": SECRET}, strict=True)
    assert SECRET not in str(info.value) and SECRET not in repr(info.value)
    for warning in info.value.warnings:
        assert SECRET not in _all_strings(warning)


def test_secret_in_assert_message_is_redacted():
    with pytest.raises(EvaluationError) as info:
        feelish.evaluate('assert(1, false, "<<secrets.T>>")', secrets={"T": SECRET})
    assert SECRET not in str(info.value)


def test_evaluation_errors_carry_the_origin():
    expr = feelish.compile("1 + x", origin="orders.connector")
    with pytest.raises(EvaluationError) as info:
        expr.evaluate(strict=True)
    assert info.value.origin == "orders.connector"
    assert str(info.value).splitlines()[1].startswith("orders.connector:1:5")
