"""Bounded evaluation (issue 9): huge numbers never become indexes, lengths, scales or date
fields; set operations hash what they can; the budget counts work; regex time is budgeted;
the parser's error path never backtracks exponentially."""
import json
from decimal import Decimal

import pytest

import feelish
from feelish.errors import LimitExceeded

HUGE = Decimal("1e999999")


@pytest.mark.parametrize("text, message", [
    ("[1, 2, 3][1e999999]", "a list index is too large"),
    ("[1, 2, 3][x.i]", "a list index is too large"),
    ('substring("abc", 1e999999)', "start position is too large"),
    ('substring("abc", 1, 1e999999)', "length is too large"),
    ("decimal(1, 1e999999)", "scale is too large"),
    ("round up(1, 1e999999)", "scale is too large"),
    ("time(1e999999, 0, 0)", "hour is too large"),
    ("time(1, 2, 1e999999)", "second is too large"),
    ('@"P1D" * 1e999999', "duration out of range"),
    ('@"P1D" / 1e-999999', "duration out of range"),
    ('@"P1Y" * 1e999999', "duration out of range"),
    ("date(2017, 8, 1e999999 - 2)", "day is too large"),
    ("sublist([1, 2], 1e999999)", "position is too large"),
    ("insert before([1], 1e999999, 2)", "position is too large"),
    ("partition([1, 2], 1e999999)", "size is too large"),
])
def test_a_huge_number_gives_null_and_a_warning(text, message):
    result = feelish.compile(text).evaluate_with_warnings({"x": {"i": HUGE}})
    assert result.value is None
    assert any(message in w.message for w in result.warnings), result.warnings


def test_a_huge_number_from_a_response_as_an_index():
    body = json.loads('{"i": 1e999999}', parse_float=Decimal)  # as the connector reads a body
    result = feelish.compile("items[body.i]").evaluate_with_warnings({"items": [1, 2], "body": body})
    assert result.value is None and result.warnings


@pytest.mark.parametrize("text, expected", [
    ("odd(1e999999)", False), ("even(1e999999)", True), ("odd(-3)", True), ("even(12)", True),
    ("odd(2.5)", False), ("substring(\"abcdef\", 2.7, 2.2)", "bc"), ("[1, 2, 3][-1]", Decimal(3)),
])
def test_ordinary_numbers_still_work(text, expected):
    assert feelish.compile(text).evaluate({}) == expected


def test_set_operations_hash_contexts_and_lists():
    items = [{"a": i % 500, "b": [str(i % 7)], "d": None} for i in range(10_000)]
    distinct = feelish.compile("distinct values(xs)").evaluate({"xs": items})
    assert len(distinct) == 3500
    assert feelish.compile("count(duplicate values(xs))").evaluate({"xs": items}) == 3500
    assert len(feelish.compile("union(xs, xs)").evaluate({"xs": items})) == 3500
    # FEEL equality, not Python's: 1 = 1.0, key order does not matter, a day is 24 hours
    mixed = feelish.compile('distinct values([{a: 1, b: 2}, {b: 2, a: 1.0}, [1, 2], [1.0, 2], '
                            '@"P1D", @"PT24H", date("2017-01-01"), @"2017-01-01", "1", 1])').evaluate({})
    assert len(mixed) == 6


@pytest.mark.parametrize("text", [
    "for i in 1..999999 return {" + ", ".join(f"k{i}: i" for i in range(1000)) + "}",
    "for i in 1..999999 return {" + ", ".join(f"k{i}: {i}" for i in range(1000)) + "}",
    "for i in 1..999999 return [" + ", ".join("i" for _ in range(1000)) + "]",
    "for i in 1..999999 return max(" + ", ".join("i" for _ in range(2000)) + ")",
    "for i in 1..999999 return max(list: [" + ", ".join("i" for _ in range(2000)) + "])",
])
def test_the_budget_counts_work_not_iterations(text):
    with pytest.raises(LimitExceeded, match="budget"):
        feelish.compile(text).evaluate({})


def test_large_literals_within_the_budget_still_evaluate():
    text = "for i in 1..100 return max(" + ", ".join("i" for _ in range(2000)) + ")"
    assert feelish.compile(text).evaluate({})[-1] == 100


def test_regex_time_counts_against_the_evaluation_budget():
    expr = feelish.compile("for i in 1..1000 return matches(s, p)")
    with pytest.raises(LimitExceeded, match="time budget"):
        expr.evaluate({"s": "a" * 5000 + "!", "p": "^(a|aa)+$"})


def test_one_slow_regex_is_null_with_a_warning():
    result = feelish.compile("matches(s, p)").evaluate_with_warnings({"s": "a" * 5000 + "!",
                                                                      "p": "^(a|aa)+$"})
    assert result.value is None and "regular expression took longer" in result.warnings[0].message


@pytest.mark.parametrize("text", ["/" * 60 + "\n)", "/" * 4000 + "\n1 +", "{a: " + "/" * 60 + "}",
                                  '"' + "/" * 60, "1 /" + "*/" * 60 + ")"])
def test_slashes_never_make_the_error_path_backtrack(text):
    with pytest.raises(feelish.FeelSyntaxError) as caught:
        feelish.compile(text)
    assert caught.value.span is not None


def test_check_reports_a_template_with_a_line_of_slashes(tmp_path, capsys):
    from feelish.cli.main import main
    path = tmp_path / "slashes.feelish"
    path.write_text('connector slashes "a syntax error after a line of slashes"\n\nmethod: "GET"\n'
                    'url: "http://127.0.0.1:1/" +\n  ' + "/" * 60 + "\n  )\n", encoding="utf-8")
    assert main(["check", str(path)]) != 0
    assert "unmatched ')'" in capsys.readouterr().err


def test_bulk_work_counts_against_the_evaluation_time_budget():
    # each item builds a 40-element list (bulk work, charged with its size): far inside the step
    # budget, but the time budget given here is spent after the first one
    text = "for i in 1..500 return [" + ", ".join("i" for _ in range(40)) + "]"
    assert len(feelish.compile(text).evaluate({})) == 500
    with pytest.raises(LimitExceeded, match=r"time budget of 1e-06 s \(bulk work\)"):
        feelish.compile(text, max_seconds=1e-6).evaluate({})
