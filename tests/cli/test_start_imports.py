"""What a short command's start loads (docs/internals.md, "Start-up"): `feelish eval` of an
expression that calls no function imports no HTTP stack, no Lark, no built-in family, and none
of the standard modules it does not need; each case runs in a fresh interpreter."""
from __future__ import annotations

import json

import pytest
from fresh import run_fresh

NOT_LOADED = ("typing", "dataclasses", "inspect", "pathlib", "zoneinfo", "shutil", "random",
              "traceback", "base64", "contextlib", "asyncio", "lark", "httpx2", "authlib", "regex")
NOT_LOADED_PACKAGES = ("feelish.connector", "feelish.auth", "feelish.templates",
                       "feelish.integrations")
FAMILIES = ("aggregates", "boolean", "context", "conversion", "lists", "misc", "numeric",
            "ranges", "strings", "temporal")


def _start(argv: list[str]) -> tuple[str, list[str]]:
    """The output of `feelish *argv` run in a fresh interpreter, and the modules it loaded."""
    code = ("import io, json, sys\n"
            "from feelish.cli import main\n"
            "out = io.StringIO()\n"
            f"code = main({argv!r}, out=out, err=out)\n"
            "print(json.dumps([code, out.getvalue(), sorted(sys.modules)]))\n")
    code, output, modules = json.loads(run_fresh(code))
    assert code == 0, output
    return output, modules


@pytest.mark.parametrize("argv, shown", [
    (["eval", "1+1"], "2"),
    (["eval", "{a: x.a + 1, b: a * 2}", "--var", 'x={"a": 1}', "-c"], '{"a":2,"b":4}'),
    (["eval", "[1..3]", "--arg", "s=text"], '"[1..3]"'),
])
def test_an_eval_without_calls_loads_only_what_it_needs(argv, shown):
    output, modules = _start(argv)
    assert output.strip() == shown
    loaded = set(modules)
    assert sorted(loaded & set(NOT_LOADED)) == []
    assert [m for m in modules if m.startswith(NOT_LOADED_PACKAGES)] == []
    assert [f for f in FAMILIES if f"feelish.language.builtins.{f}" in loaded] == []


def test_a_call_loads_the_built_in_families_and_still_no_typing():
    output, modules = _start(["eval", 'string length("abc") + count([1, 2])'])
    assert output.strip() == "5"
    assert all(f"feelish.language.builtins.{f}" in modules for f in FAMILIES)
    assert "typing" not in modules and "dataclasses" not in modules
