"""The parser's fast loop (`fast_loop.FastLoop`) against Lark's own loop: over the TCK corpus, tricky
texts and random token soups, both must build equal ASTs, raise the same builder error, or (the
fast loop) give up exactly where Lark raises a parse error."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedInput

from feelish.language.parser import driver as parser
from feelish.errors import SourceError

from .test_parse_properties import TOKENS

from tests.corpus import CORPUS, require_corpus

TRICKY = [
    "", " ", "1", "-1", "- -x", "a.b.c[1].d(2)", "f()", "f(a: 1, b: 2)", "f(1, b: 2)", "f(a: 1, a: 2)",
    "{}", "{a: 1, a: 2}", '{"a b": 1, `c`: 2, first name: 3}', "[]", "[ ]", "[1, 2, 3]", "[1..2]",
    "]1..2[", "(1..2)", "[a..b(1).c]", "(< 10)", "(= 1)", "(!= 1)", "x in (1, 2, < 3)", "x in < 3",
    "x between 1 and 2", "x instance of list<number>", "x instance of context<a: number>",
    "x instance of function<number, string> -> boolean", "x instance of function",
    "function(a, b: number) a + b", "function(a, a) 1", "function() external {}",
    "for x in 1..3, y in [1] return x * y", "some x in l satisfies x > 1", "every x in l satisfies x",
    "if a then b else c", "date and time(\"2020-01-01T00:00:00\")", "get or else(null, 1)",
    "and(true, false)", "or([true])", "not(1, 2)", "not(< 3)", "-", "? > 3", "< 10, > 20",
    "<<secrets.A>>", '"a<<secrets.B>>b"', '"\\u0041\\U01F600\\n"', '"\\ud800"', '"\\U110000"',
    "@\"2024-01-01\"", "1e3 + .5 - 007", "a /* c */ + // c\n b", "/* open", "1 +", "1 2", "(1",
    "1)", "a < b < c", "a == b", "a && b", "'s'", "x[", "{a: }", "{a 1}", "\ufeff1", "`unclosed",
    "((((((((((1))))))))))", "  1  ", "\t1\n+\r\n2 ", "1 \ufeff+ \u200b2", "{ \ufeffa b : 1 }",
    "\u200b", "  ", "x\ufeff", "{a\u200b: 1}", "1 \n// c", "1 /* c */ ", "1 \u00a0 + 2",
    "-" * 300 + "1", "[" * 250 + "]" * 250,
    # a field after a dot: one word (kept a token), words, a backticked name, a built-in's name
    "a.first name.b", "a.`x-y`.date and time", "[1..a.b]", "[1..a.b c]", "a.b c", "a.", "a.1",
    "a.b(1).c[2].d", "a.get or else",
    # short texts nested as deep as their length allows (the depth bound ShortBuilder rests on)
    "-" * 198 + "1", "-" * 199 + "1", "[" * 99 + "]" * 99, "a" + ".b" * 99, "1" + "+1" * 99,
    "not(" + "-" * 194 + "1)",
]


def _both(text: str, start: str):
    lark, builder = parser._get()

    def run(fn):
        builder.begin(text, None)
        try:
            result = fn()
        except UnexpectedInput:
            return ("parse error",)
        except SourceError as err:
            return ("error", type(err).__name__, str(err))
        finally:
            builder.end()
        return ("parse error",) if result is parser._FAILED else ("ok", result)

    want = run(lambda: lark.parse(text, start=start))
    got = run(lambda: parser._fast.parse(text, start))
    assert got == want, (text, start)
    if len(text) < parser.MAX_DEPTH:  # what `parse` runs for a short text: no depth bookkeeping
        short = parser._short_builder
        short.begin(text, None)
        try:
            result = parser._fast.parse(text, start, True)
            outcome = ("parse error",) if result is parser._FAILED else ("ok", result)
        except SourceError as err:
            outcome = ("error", type(err).__name__, str(err))
        finally:
            short.end()
        assert outcome == want, (text, start)
        _check_depth_bound(text, start)
    return got


def _check_depth_bound(text: str, start: str) -> None:
    """The bound `ShortBuilder` rests on: the depth the full builder tracks never exceeds the
    text's length + 1."""
    builder = parser._builder
    builder.begin(text, None)
    try:
        if parser._fast.parse(text, start) is not parser._FAILED:
            depths = builder._state.depth
            assert max(depths.values(), default=1) <= len(text) + 1, text
    except SourceError:
        pass
    finally:
        builder.end()


def test_the_fast_loop_is_in_use():
    parser._get()
    assert parser._fast is not None


def test_a_parse_uses_the_shipped_tables_without_importing_lark():
    code = ("import sys; from feelish.language.parser import driver as parser; "
            "print(parser.parse('a.b + 1').op, parser._fast is not None, "
            "any(m.split('.')[0] == 'lark' for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["+", "True", "False"]


def test_the_shipped_tables_are_built_from_the_grammar_in_use():
    # (the tests below then run the loop over them against Lark's own loop)
    from feelish.language.parser import tables

    assert tables.load() is not None, "grammar/feelish.tables.json is stale: python3 -m feelish.language.parser"
    assert parser._loop() is not None


def test_stale_tables_are_not_used(monkeypatch):
    from feelish.language.parser import tables

    text = tables.grammar_text(tables.GRAMMAR_FILE)
    monkeypatch.setattr(tables, "grammar_text", lambda name: text + "\n// edited\n")
    assert tables.load() is None


@pytest.mark.parametrize("env", [{"FEELISH_NO_GRAMMAR_CACHE": "1"}, {}])
def test_syntax_errors_build_lark_from_the_grammar_or_its_cache(tmp_path, env):
    code = ("from feelish.language.parser import driver as parser\n"
            "from feelish.errors import FeelSyntaxError\n"
            "try:\n    parser.parse('a.b +')\nexcept FeelSyntaxError as e:\n    print(e.span.start)\n"
            "print(parser._fast is not None, parser._parser is not None)")
    base = {k: v for k, v in os.environ.items() if k != "FEELISH_NO_GRAMMAR_CACHE"}
    env = {**base, "XDG_CACHE_HOME": str(tmp_path), **env}
    for _ in range(2):  # with a cache: built and written, then loaded
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert out.stdout.split() == ["4", "True", "True"]  # at the "+"
    assert (tmp_path / "feelish" / "lark-feelish.cache").exists() == (not env.get(
        "FEELISH_NO_GRAMMAR_CACHE"))


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_texts_agree(text):
    for start in ("expression", "unary_tests"):
        _both(text, start)


def test_tck_corpus_agrees():
    require_corpus()
    with CORPUS.open(encoding="utf-8") as fh:
        texts = sorted({json.loads(line)["expression"] for line in fh if line.strip()})
    outcomes = {_both(text, "expression")[0] for text in texts}
    assert "ok" in outcomes


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=14), st.sampled_from(["", " "]),
       st.booleans())
def test_token_soups_agree(tokens, sep, tests):
    _both(sep.join(tokens), "unary_tests" if tests else "expression")


def test_fast_node_makers_build_what_the_classes_build():
    import dataclasses
    from decimal import Decimal

    from feelish.language import ast
    from feelish.errors import Span
    from feelish.language.parser.builder import MAKERS

    span = Span(3, 9)
    name = ast.Name(span, "x")
    samples = {Span: (3, 9), ast.Name: (span, "x"), ast.NumberLit: (span, Decimal("1.5")),
               ast.StringLit: (span, "s"), ast.Path: (span, name, "b"),
               ast.ContextEntry: (span, "k", name), ast.Arith: (span, "+", name, name),
               ast.Compare: (span, "<", name, name), ast.And: (span, name, name),
               ast.Or: (span, name, name), ast.Filter: (span, name, name),
               ast.Negate: (span, name), ast.If: (span, name, name, name),
               ast.ListLit: (span, (name,)), ast.ContextLit: (span, ()),
               ast.Call: (span, name, (name,), None), ast.NamedArg: (span, "a", name),
               ast.BoolLit: (span, True), ast.For: (span, (), name),
               ast.Quantified: (span, "some", (), name), ast.Iterator: (span, "i", name),
               ast.IterRange: (span, name, name)}
    assert set(MAKERS) == set(samples)
    for cls, args in samples.items():
        made, want = MAKERS[cls](*args), cls(*args)
        assert type(made) is cls
        assert made == want and hash(made) == hash(want) and repr(made) == repr(want)
        with pytest.raises(dataclasses.FrozenInstanceError):  # still frozen
            setattr(made, dataclasses.fields(cls)[0].name, None)


def test_the_lexer_patterns_keep_every_terminal_when_heads_move_out():
    import re
    from types import SimpleNamespace

    from feelish.language.parser import tables
    from feelish.language.parser.fast_loop import _first_chars_out

    data = tables.load()
    for source, flags in data["patterns"]:
        loop = SimpleNamespace(ignore=frozenset(data["ignore"]), fixed={}, extra={})
        rewritten = re.compile(_first_chars_out(source, flags, loop), flags)
        original = re.compile(source, flags)
        assert rewritten.groupindex.keys() == original.groupindex.keys()
        assert rewritten.pattern != source  # punctuation heads moved out in every state
        for name, text in loop.fixed.items():  # a fixed terminal matches just its text
            assert original.fullmatch(text).lastgroup == name
            assert rewritten.fullmatch(text).lastgroup == name


@pytest.mark.parametrize("body, bar", [
    ("ab|cd", True), ("(?:a|b)c", False), ("[|]x", False), (r"\|x", False), ("[]|]", False),
    ("a[^]|]b", False), ("[^a]|b", True), ("b)", None), ("(a", None), ("[ab", None)])
def test_a_top_level_alternation_keeps_its_head(body, bar):
    from feelish.language.parser.fast_loop import _top_level_bar

    assert _top_level_bar(body) is bar
