"""The parser as a component: built once, safe across threads, robust to a bad grammar cache,
fast enough for per-request use."""
from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from feelish.language.parser import driver as parser
from feelish.language import ast
from feelish.errors import FeelSyntaxError


def test_the_lark_parser_is_built_once():
    parser.parse("1")
    first = parser._get()[0]
    parser.parse_uncached("2 + 2")
    parser.parse_unary_tests("< 3")
    assert parser._get()[0] is first


def test_results_are_shared_only_for_identical_text():
    a = parser.parse("x + 1")
    assert parser.parse("x + 1") is a  # immutable AST: sharing is safe
    assert parser.parse("x + 2") is not a
    assert parser.parse_uncached("x + 1") == a


def test_cached_errors_keep_their_own_origin():
    for origin in ("a.feel", "b.feel"):
        with pytest.raises(FeelSyntaxError) as info:
            parser.parse("1 +", origin=origin)
        assert info.value.origin == origin


def test_parallel_parses_do_not_mix_state():
    texts = [f"{{k{i}: [{i}, {i} + 1, f(x: {i})]}}" for i in range(200)]
    bad = [f"[{i}, ({i}" for i in range(50)]

    def work(i):
        if i % 5 == 0:
            text = bad[i % len(bad)]
            try:
                parser.parse_uncached(text)
            except FeelSyntaxError as err:
                return ("error", err.column)
            return ("parsed", None)
        node = parser.parse_uncached(texts[i])
        return ("ok", node.entries[0].key, node.entries[0].value.items[0].value)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, range(200)))
    for i, result in enumerate(results):
        if i % 5 == 0:
            assert result[0] == "error" and result[1] == len(str(i % 50)) + 4
        else:
            assert result == ("ok", f"k{i}", i)


def test_a_corrupt_grammar_cache_is_rebuilt(tmp_path):
    cache = tmp_path / "feelish"
    cache.mkdir()
    (cache / "lark-feelish.cache").write_bytes(b"not a pickle at all\n\x00\x01")
    code = "from feelish.language.parser.driver import parse; print(parse('1 + 2').op)"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "+"


def test_a_100_character_expression_parses_to_the_right_node():
    # its speed is measured by the benchmark suite (python3 -m bench expr), not by a timed test
    text = ('if order.total > 100 and customer.tier in ("gold", "silver") '
            'then order.total * 0.9 else order.total')
    assert len(text) == 100
    assert isinstance(parser.parse_uncached(text), ast.If)
    assert parser.parse(text) == parser.parse_uncached(text)
