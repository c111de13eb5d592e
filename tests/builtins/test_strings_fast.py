"""String built-ins: the plain-str shortcuts give what the general argument checks give."""
from __future__ import annotations

from decimal import Decimal

import pytest

import feelish


@pytest.mark.parametrize("text, want", [
    ('substring("abcdef", 2.7, 2.2)', "bc"),           # positions and lengths are truncated
    ('substring("abcdef", -2)', "ef"),
    ('substring(["abcdef"], 2, 1)', "b"),              # a singleton list stands for its item
    ('substring("abcdef", [2], [3])', "bcd"),
    ('substring("abc", 0)', None), ('substring("abc", 4)', None), ('substring("abc", 1, -1)', None),
    ('string length("héllo")', Decimal(5)), ('string length(["abc"])', Decimal(3)),
    ('string length(5)', None), ('upper case(["ab"])', "AB"), ('upper case(1)', None),
    ('lower case("ÀB")', "àb"), ('contains(["abc"], "b")', True), ('contains("abc", ["c"])', True),
    ('contains("abc", 1)', None), ('starts with("abc", "ab")', True), ('ends with("abc", ["bc"])', True),
    ('starts with(1, "a")', None), ('count([1, 2, 3])', Decimal(3)), ('count(5)', Decimal(1)),
    ('count(null)', None),
])
def test_string_builtins(text, want):
    r = feelish.compile(text).evaluate_with_warnings({})
    assert r.value == want
    assert bool(r.warnings) == (want is None)


def test_nan_positions_fail_as_numbers_do():
    r = feelish.compile("substring(s, p)").evaluate_with_warnings({"s": "abc", "p": Decimal("NaN")})
    assert r.value is None and r.warnings
    assert feelish.evaluate("substring(s, p)", {"s": "abc", "p": 2}) == "bc"
    assert feelish.evaluate("string length(s)", {"s": "x" * 5000}) == Decimal(5000)
