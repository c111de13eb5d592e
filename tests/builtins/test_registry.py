"""The built-in registry: lookup, overloads by arity, named parameters, failure kinds, cost."""
from __future__ import annotations


import pytest

from feelish.language.builtins import lookup, names
from feelish.errors import WarningKind
from feelish.language.values import FeelFailure, FeelFunction

from builtin_helpers import D, call, fails, named

EVERY_FUNCTION = """
date|date and time|time|number|string|duration|years and months duration|context|to json|from json|range
not|is defined|get or else|assert|is
substring|string length|upper case|lower case|substring before|substring after|replace|contains|starts with
ends with|matches|split|string join|extract|trim|uuid|to base64|from base64|is blank
list contains|count|min|max|sum|mean|median|stddev|mode|product|all|any|and|or|sublist|append|concatenate
insert before|remove|reverse|index of|union|distinct values|duplicate values|flatten|sort|is empty|partition
list replace
decimal|floor|ceiling|round up|round down|round half up|round half down|abs|modulo|sqrt|log|exp|odd|even
random number
get value|get entries|context put|context merge|put|put all
now|today|day of year|day of week|month of year|week of year|last day of month
before|after|meets|met by|overlaps|overlaps before|overlaps after|finishes|finished by|includes|during
starts|started by|coincides
fromAi
"""


@pytest.mark.parametrize("name", [n for n in "|".join(EVERY_FUNCTION.split("\n")).split("|") if n])
def test_every_listed_function_exists(name):
    fn = lookup(name)
    assert isinstance(fn, FeelFunction)
    assert fn.name == name
    assert name in names()


def test_lookup_unknown_and_whitespace():
    assert lookup("no such function") is None
    assert lookup("string  length") is lookup("string length")


def test_names_sorted_and_unique():
    ns = names()
    assert ns == sorted(set(ns))


def test_overloads_by_arity():
    assert call("date", "2024-02-29") == call("date", D(2024), D(2), D(29))
    assert call("min", [D(3), D(1)]) == D(1)
    assert call("min", D(3), D(1), D(2)) == D(1)


def test_wrong_arity_is_no_function_found():
    fails(WarningKind.NO_FUNCTION_FOUND, "substring")
    fails(WarningKind.NO_FUNCTION_FOUND, "string length", "a", "b")
    fails(WarningKind.NO_FUNCTION_FOUND, "string join", ["a"], ",", "(")  # prefix needs a suffix


def test_bad_argument_type_is_invocation_failure():
    fails(WarningKind.FUNCTION_INVOCATION_FAILURE, "string length", D(1))
    fails(WarningKind.FUNCTION_INVOCATION_FAILURE, "sqrt", True)
    fails(WarningKind.FUNCTION_INVOCATION_FAILURE, "upper case", None)


def test_named_parameters_spelled_as_feel_does():
    assert named("substring", string="foobar", start_position=D(3)) == "obar"
    assert named("number", **{"from": "1.000,5", "grouping_separator": ".",
                               "decimal_separator": ","}) == D("1000.5")
    assert named("date", year=D(2020), month=D(1), day=D(2)) == call("date", "2020-01-02")
    assert named("date", **{"from": "2020-01-02"}) == call("date", "2020-01-02")


def test_named_unknown_parameter_is_no_function_found():
    with pytest.raises(FeelFailure) as info:
        named("floor", n=D("1.5"), scal=D(1))
    assert info.value.kind == WarningKind.NO_FUNCTION_FOUND


def test_named_missing_optional_and_missing_required():
    assert named("is", value1=D(1)) is False  # the missing value2 is null
    with pytest.raises(FeelFailure):
        named("round up", scale=D(0))  # n is null -> invocation failure


def test_named_keys_overload_is_distinct_from_key():
    ctx = {"x": D(1), "y": {"a": D(0)}}
    assert named("context put", context=ctx, keys=["y", "a"], value=D(2)) == {"x": D(1), "y": {"a": D(2)}}
    with pytest.raises(FeelFailure):
        named("context put", context=ctx, key=["y", "a"], value=D(2))


def test_host_numbers_accepted_everywhere():
    assert call("abs", -3) == D(3)
    assert call("sum", [1, 2.5, D("0.5")]) == D(4)
    assert call("substring", "abcdef", 2, 3.0) == "bcd"
    fails(WarningKind.FUNCTION_INVOCATION_FAILURE, "abs", True)  # bool is never a number


def test_builtin_repr_names_it():
    assert "string length" in repr(lookup("string length"))
