"""String functions, including the regex ones (XPath flavour, timeouts, replacement groups)."""
from __future__ import annotations

import re
import time

import pytest

from feelish.errors import WarningKind

from builtin_helpers import D, call, fails

FAIL = WarningKind.FUNCTION_INVOCATION_FAILURE


def test_substring():
    assert call("substring", "foobar", D(3)) == "obar"
    assert call("substring", "foobar", D(3), D(3)) == "oba"
    assert call("substring", "foobar", D(-2), D(1)) == "a"
    assert call("substring", "foobar", D(3), D("3.8")) == "oba"
    assert call("substring", "\U0001F40Efoo", D(2)) == "foo"  # code points, not UTF-16 units
    fails(FAIL, "substring", "abc", D(0))
    fails(FAIL, "substring", "abc", D(10))


def test_simple_string_functions():
    assert call("string length", "🐎😀") == D(2)
    assert call("upper case", "abc") == "ABC"
    assert call("lower case", "ÄB") == "äb"
    assert call("substring before", "foobar", "bar") == "foo"
    assert call("substring before", "foobar", "xyz") == ""
    assert call("substring after", "foobar", "ob") == "ar"
    assert call("substring after", "foobar", "") == "foobar"
    assert call("contains", "foobar", "ob") is True
    assert call("starts with", "foobar", "fo") is True
    assert call("ends with", "foobar", "fo") is False
    assert call("trim", "  a b \n") == "a b"
    assert call("is blank", " \t") is True and call("is blank", " x ") is False


def test_string_join():
    assert call("string join", ["a", None, "c"]) == "ac"
    assert call("string join", ["a", "b"], " and ") == "a and b"
    assert call("string join", ["a", "b"], ", ", "[", "]") == "[a, b]"
    assert call("string join", [], "X") == ""
    assert call("string join", "a", "X") == "a"  # a single value is a singleton list
    fails(FAIL, "string join", [D(1)], "X")


def test_matches_finds_anywhere_with_flags():
    assert call("matches", "abracadabra", "bra") is True
    assert call("matches", "abc", "ABC", "i") is True
    assert call("matches", "\nabcd\ndefg\n", "^$", "m") is True
    assert call("matches", "Mary\rJones", "Mary.Jones") is False  # `.` never matches CR/LF
    assert call("matches", "Mary\nJones", "Mary.Jones", "s") is True
    assert call("matches", "hello world", "he ll o[ ]worl d", "x") is True
    assert call("matches", "hello world", r"\p{ IsBasicLatin}+", "x") is True
    assert call("matches", "O", "[A-Z-[OI]]") is False and call("matches", "X", "[A-Z-[OI]]") is True
    assert call("matches", "a+b", "a+b", "q") is True
    fails(FAIL, "matches", "abc", "b", "p")  # unknown flag
    fails(FAIL, "matches", "h", r"(.)\3")  # reference to a missing group
    fails(FAIL, "matches", "abc", "(")  # invalid pattern
    fails(FAIL, "matches", "abcd", r"(asd)[\1]")


def test_catastrophic_pattern_ends_fast():
    # the bound is the regex timeout (0.25 s by default): a clock here only guards against a hang (an
    # unbounded match of these patterns runs for hours), it is not a speed measurement
    assert call("matches", "a", "a") is True  # the built-ins and `regex` load on first use
    start = time.perf_counter()
    msg = fails(FAIL, "matches", "a" * 34 + "b", "(a|aa)+$")
    assert time.perf_counter() - start < 30
    assert "too long" in msg or "longer" in msg
    start = time.perf_counter()
    result = None
    try:
        result = call("matches", "a" * 30 + "b", "(a+)+$")
    except Exception as exc:  # noqa: BLE001 - either outcome is fine as long as it is quick
        assert "longer" in str(getattr(exc, "message", exc))
    assert result in (False, None)
    assert time.perf_counter() - start < 30


def test_replace():
    assert call("replace", "abcd", "(ab)|(a)", "[1=$1][2=$2]") == "[1=ab][2=]cd"
    assert call("replace", "abracadabra", "a(.)", "a$1$1") == "abbraccaddabbra"
    assert call("replace", "facetiously", "[iouy]", "[$0]") == "facet[i][o][u]sl[y]"
    assert call("replace", "0123456789", r"(\d{3})(\d{3})(\d{4})", "($1) $2-$3") == "(012) 345-6789"
    assert call("replace", "abc", "[A-Z]", "#", "i") == "###"
    assert call("replace", "a.b", r"\.", r"\$") == "a$b"
    assert call("replace", "ab", "(a)", "$12") == "a2b"  # only group 1 exists
    fails(FAIL, "replace", "abc", "b", "$")
    fails(FAIL, "replace", "abc", "b", "\\x")


def test_split_and_extract():
    assert call("split", "John Doe", r"\s") == ["John", "Doe"]
    assert call("split", "a;b;c;;", ";") == ["a", "b", "c", "", ""]
    assert call("split", "a1b22c", r"(\d)+") == ["a", "b", "c"]  # groups are not returned
    assert call("extract", "a1b22c333", r"\d+") == ["1", "22", "333"]
    assert call("extract", "abc", r"\d") == []
    fails(FAIL, "split", "abc", "")


def test_uuid_base64():
    u = call("uuid")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", u)
    assert call("uuid") != u
    assert call("to base64", "héllo") == "aMOpbGxv"
    assert call("from base64", "aMOpbGxv") == "héllo"
    fails(FAIL, "from base64", "not base64!")
    fails(FAIL, "from base64", "/w==")  # valid base64, not UTF-8


def test_string_results_are_bounded():
    big = "x" * (6 * 1024 * 1024)
    fails(FAIL, "string join", [big, big])
    fails(FAIL, "replace", big, "x", "yy")


def test_nested_repeat_counts_are_refused_before_compiling():
    start = time.perf_counter()
    msg = fails(FAIL, "matches", "aaa", "((a{1000}){1000}){1000}")
    assert "too complex" in msg
    assert time.perf_counter() - start < 1
    assert call("matches", "2024-01-05", r"^\d{4}-\d{2}-\d{2}$") is True
