"""List functions and numeric aggregates."""
from __future__ import annotations

import pytest

from feelish.errors import WarningKind
from feelish.language.values import FeelFunction

from builtin_helpers import D, T, call, fails

FAIL = WarningKind.FUNCTION_INVOCATION_FAILURE


class Fn(FeelFunction):
    """A host FEEL function for the higher-order built-ins."""

    __slots__ = ("fn", "params")

    def __init__(self, fn, params=("a", "b")):
        self.fn = fn
        self.params = params

    def invoke(self, args, ctx):
        return self.fn(*args)


def test_membership_and_counting():
    assert call("list contains", [D(1), None], None) is True
    assert call("list contains", [D(1), "a"], D("1.0")) is True
    assert call("list contains", [[D(1)]], [D(1)]) is True
    assert call("count", [D(1), None]) == D(2)
    assert call("index of", [D(1), D(2), D(1)], D(1)) == [D(1), D(3)]
    assert call("is empty", []) is True


def test_min_max_any_comparable_type():
    assert call("min", [D(3), D(1), 2]) == D(1)
    assert call("max", D(3), D(1)) == D(3)
    assert call("max", ["b", "a"]) == "b"
    assert call("min", [T("2020-01-02"), T("2020-01-01")]) == T("2020-01-01")
    assert call("max", [T("P1D"), T("PT36H")]) == T("PT36H")
    assert call("min", []) is None
    fails(FAIL, "min", [D(1), "a"])


def test_aggregates():
    assert call("sum", [D("0.1"), D("0.2"), D("0.3")]) == D("0.6")
    assert call("sum", D(1), D(2)) == D(3)
    assert call("sum", []) is None
    fails(FAIL, "sum", [D(1), "a"])
    assert call("mean", [D(1), D(2), D(3), D(4)]) == D("2.5")
    assert call("median", [D(8), D(2), D(5), D(3), D(4)]) == D(4)
    assert call("median", [D(6), D(1), D(2), D(3)]) == D("2.5")
    assert call("median", []) is None
    assert abs(call("stddev", [D(2), D(4), D(7), D(5)]) - D("2.0816659994661")) < D("1e-12")
    fails(FAIL, "stddev", [D(47)])
    assert call("mode", [D(3), D(6), D(1), D(9), D(6), D(1), D(3)]) == [D(1), D(3), D(6)]
    assert call("mode", []) == []
    assert call("product", [D(2), D("2.5")]) == D(5)
    fails(FAIL, "product", [])


def test_three_valued_all_any_and_aliases():
    assert call("all", [True, True]) is True
    assert call("all", [True, None]) is None
    assert call("all", [None, False]) is False
    assert call("all", []) is True
    assert call("any", [False, None]) is None
    assert call("any", [None, True]) is True
    assert call("any", []) is False
    assert call("and", True, False) is False
    assert call("or", False, True) is True
    assert call("all", [True, D(1)]) is None


def test_slicing_and_building():
    xs = [D(1), D(2), D(3)]
    assert call("sublist", xs, D(2)) == [D(2), D(3)]
    assert call("sublist", xs, D(-2), D(1)) == [D(2)]
    fails(FAIL, "sublist", xs, D(0))
    assert call("append", xs, D(4), D(5)) == [D(1), D(2), D(3), D(4), D(5)]
    assert call("concatenate", [D(1)], [], [D(2)]) == [D(1), D(2)]
    assert call("insert before", xs, D(1), D(0)) == [D(0), D(1), D(2), D(3)]
    assert call("insert before", xs, D(-1), D(9)) == [D(1), D(2), D(9), D(3)]
    assert call("remove", xs, D(-1)) == [D(1), D(2)]
    fails(FAIL, "remove", xs, D(4))
    assert call("reverse", xs) == [D(3), D(2), D(1)]
    assert xs == [D(1), D(2), D(3)]  # inputs are never mutated
    assert call("flatten", [D(1), [D(2), [[D(3)]]], []]) == [D(1), D(2), D(3)]
    assert call("partition", [D(1), D(2), D(3)], D(2)) == [[D(1), D(2)], [D(3)]]
    fails(FAIL, "partition", xs, D(0))


def test_distinct_union_duplicates_use_feel_equality():
    assert call("distinct values", [D(1), D("1.0"), "1", {"a": D(1)}, {"a": D("1.00")}]) == \
        [D(1), "1", {"a": D(1)}]
    assert call("union", [D(1), D(2)], [D(2), D(3)]) == [D(1), D(2), D(3)]
    assert call("duplicate values", [D(1), D(2), D(1), D(1), "a", "a"]) == [D(1), "a"]


def test_sort():
    assert call("sort", [D(3), D(1), D(2)], Fn(lambda a, b: a > b)) == [D(3), D(2), D(1)]
    assert call("sort", ["b", "c", "a"]) == ["a", "b", "c"]
    fails(FAIL, "sort", [D(1)], Fn(lambda a: True, params=("a",)))
    fails(FAIL, "sort", [D(1), "a"])


def test_list_replace():
    xs = [D(1), D(2), D(3)]
    assert call("list replace", xs, D(2), D(4)) == [D(1), D(4), D(3)]
    assert call("list replace", xs, D(-1), D(4)) == [D(1), D(2), D(4)]
    assert call("list replace", xs, Fn(lambda item, new: item < new), D(3)) == [D(3), D(3), D(3)]
    fails(FAIL, "list replace", xs, D(0), D(4))
    fails(FAIL, "list replace", xs, Fn(lambda item, new: item), D(4))
