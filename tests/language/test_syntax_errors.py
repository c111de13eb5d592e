"""Syntax errors: the curated message, the exact line and column, a caret under the spot,
readable `expected` words, and limits that end deep or huge input quickly."""
from __future__ import annotations

import time

import pytest

from feelish.errors import FeelSyntaxError, LimitExceeded
from feelish.language.parser.driver import MAX_DEPTH, MAX_LENGTH, parse, parse_unary_tests

# text, words the message must contain, line, column (1-based) of the reported spot
CASES = [
    # unclosed string / name / temporal literal / comment: at the opening character
    ('"abc', "unclosed string", 1, 1),
    ('x + "abc\n+ 1', "unclosed string", 1, 5),
    ('{\n  a: 1,\n  b: "x\n}', "unclosed string", 3, 6),
    ('@"2024-01-01', "unclosed temporal literal", 1, 1),
    ("`first name", "unclosed name", 1, 1),
    ("1 /* note", "unclosed comment", 1, 3),
    ("1 +\n/* note\n 2", "unclosed comment", 2, 1),
    # unclosed brackets: at the opener that is never closed
    ("f(1, 2", "'(' is never closed", 1, 2),
    ("[1, 2", "'[' is never closed", 1, 1),
    ("{a: 1", "'{' is never closed", 1, 1),
    ("(1 + (2 * 3)", "'(' is never closed", 1, 1),
    ("[1,\n 2,\n 3", "'[' is never closed", 1, 1),
    ("x + (y\n * 2", "'(' is never closed", 1, 5),
    ("xs[1", "'[' is never closed", 1, 3),
    # closers without an opener, trailing commas
    ("a)", "unmatched ')'", 1, 2),
    ("(1))", "unmatched ')'", 1, 4),
    ("[1, 2,]", "',' must be followed by another item", 1, 6),
    ("f(1,)", "',' must be followed by another item", 1, 4),
    # operators from other languages
    ("a == b", "'==' is not an operator", 1, 3),
    ("a ==", "'==' is not an operator", 1, 3),
    ("x = 1 and\ny == 2", "'==' is not an operator", 2, 3),
    ("a && b", "'&&' is not an operator", 1, 3),
    ("a || b", "'||' is not an operator", 1, 3),
    ("!a", "'!' is not an operator", 1, 1),
    ("'text'", "double quotes", 1, 1),
    ("1 < 2 < 3", "comparisons do not chain", 1, 7),
    # an operator with nothing after it: at the operator
    ("1 +", "ends after '+'", 1, 3),
    ("a and", "ends after 'and'", 1, 3),
    ("x *\n", "ends after '*'", 1, 3),
    ("2 **", "ends after '**'", 1, 3),
    ("a.b <=", "ends after '<='", 1, 5),
    ("x in", "ends after 'in'", 1, 3),
    ("x between 1 and", "ends after 'and'", 1, 13),
    # if / for / some without their keywords
    ("if a then b", "needs an 'else' branch", 1, 12),
    ("if a > 1\nthen 2", "needs an 'else' branch", 2, 7),
    ("if a else b", "needs 'then' before 'else'", 1, 6),
    ("if a", "needs 'then'", 1, 5),
    ("for x in xs", "needs 'return'", 1, 12),
    ("some x in xs", "needs 'satisfies'", 1, 13),
    # unknown characters
    ("a # b", "unexpected character '#'", 1, 3),
    ("1 ; 2", "unexpected character ';'", 1, 3),
    ("$x", "unexpected character '$'", 1, 1),
    ("x\n  + 1 § 2", "unexpected character '§'", 2, 7),
    # empty input
    ("", "empty input", 1, 1),
    ("   \n ", "empty input", 1, 1),
    ("// only a comment", "empty input", 1, 1),
    # other mistakes, with the generic wording
    ("1 2", "unexpected number 2", 1, 3),
    ("a.", "expected a name", 1, 3),
    ("for in xs return 1", "unexpected 'in'", 1, 5),
    ("f(a: 1, 2)", "either positional or named", 1, 9),
    ("f(a: 1, a: 2)", "given twice", 1, 9),
    ("{a: 1, a: 2}", "defined twice", 1, 8),
    ("function(a, a) a", "declared twice", 1, 13),
    ('"\\U110000"', "beyond the last Unicode code point", 1, 2),
    ('"\\uD800"', "surrogate", 1, 2),
    ("x instance of number<string>", "takes no parameters", 1, 15),
    ("x instance of list<a: number>", "exactly one element type", 1, 15),
]


@pytest.mark.parametrize(("text", "words", "line", "column"), CASES, ids=[c[0] for c in CASES])
def test_syntax_error_position_and_message(text, words, line, column):
    with pytest.raises(FeelSyntaxError) as info:
        parse(text)
    err = info.value
    assert words in err.message
    assert (err.line, err.column) == (line, column)
    assert 0 <= err.span.start <= err.span.end <= len(text)
    rendered = str(err)
    assert f"line {line}, column {column}" in rendered
    caret_line = rendered.splitlines()[3]
    assert caret_line.strip().startswith("^")
    assert "Traceback" not in rendered


def test_expected_is_readable_words():
    with pytest.raises(FeelSyntaxError) as info:
        parse("f(1, 2")
    assert info.value.expected == ("')'", "','") or set(info.value.expected) == {"')'", "','"}
    with pytest.raises(FeelSyntaxError) as info:
        parse("1 +")
    assert info.value.expected == ("an expression",)
    with pytest.raises(FeelSyntaxError) as info:
        parse("1 2")
    assert set(info.value.expected) == {"an operator", "the end of the text"}
    with pytest.raises(FeelSyntaxError) as info:
        parse("a.")
    assert info.value.expected == ("a name",)
    for text in ("f(1, 2", "1 +", "1 2", "a.", "if a then b", "{a: 1"):
        with pytest.raises(FeelSyntaxError) as info:
            parse(text)
        for word in info.value.expected:
            assert "_" not in word and not word.isupper(), word


def test_caret_snippet_points_at_the_spot():
    with pytest.raises(FeelSyntaxError) as info:
        parse("amount +\n  tax ** ")
    lines = str(info.value).splitlines()
    assert lines[1] == "line 2, column 7"
    assert lines[2] == "2 |   tax ** "
    assert lines[3] == " " * 10 + "^^"


def test_unary_tests_errors():
    with pytest.raises(FeelSyntaxError) as info:
        parse_unary_tests("")
    assert "empty input" in info.value.message and "-" in info.value.hint
    with pytest.raises(FeelSyntaxError) as info:
        parse_unary_tests("< 10,")
    assert (info.value.line, info.value.column) == (1, 6)
    with pytest.raises(FeelSyntaxError) as info:
        parse_unary_tests("not(1, 2")
    assert "never closed" in info.value.message and info.value.column == 1


def test_deep_brackets_end_in_a_limit_quickly():
    for text in ("[" * 10_000 + "]" * 10_000, "{a: " * 5_000 + "1" + "}" * 5_000,
                 "-" * 5_000 + "1", "f(" * 5_000 + ")" * 5_000, "x" + ".y" * 5_000,
                 "not(" * 300 + "1" + ")" * 300):
        started = time.perf_counter()
        with pytest.raises(LimitExceeded) as info:
            parse(text)
        assert time.perf_counter() - started < 2
        assert str(MAX_DEPTH) in info.value.message
        assert 0 <= info.value.span.start <= info.value.span.end <= len(text)


def test_unclosed_deep_brackets_are_a_syntax_error():
    started = time.perf_counter()
    with pytest.raises(FeelSyntaxError) as info:
        parse("(" * 10_000)
    assert time.perf_counter() - started < 2
    assert info.value.line == 1


def test_redundant_parentheses_do_not_deepen_the_tree():
    assert parse("(" * 2_000 + "1" + ")" * 2_000).value == 1


def test_long_operator_chains_hit_the_depth_limit_not_the_stack():
    started = time.perf_counter()
    with pytest.raises(LimitExceeded):
        parse("1" + "+1" * 100_000)  # 200 KB, under the size limit
    with pytest.raises(LimitExceeded):
        parse("1" + "+1" * 500_000)  # 1 MB, over the size limit
    assert time.perf_counter() - started < 2


def test_depth_just_under_the_limit_parses():
    node = parse("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))
    depth = 0
    while node.items:
        node, depth = node.items[0], depth + 1
    assert depth == MAX_DEPTH - 2


def test_size_limit():
    text = '"' + "a" * MAX_LENGTH + '"'
    with pytest.raises(LimitExceeded) as info:
        parse(text)
    assert "limit" in info.value.message


def test_non_text_is_a_type_error():
    with pytest.raises(TypeError):
        parse(42)  # type: ignore[arg-type]
