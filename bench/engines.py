"""Adapters: one uniform face over feelish, the peers, the floor and CPython's compile().

An engine offers
  ``compile(text)``  the uncached parse+compile step (what is timed as parse+compile),
  ``prepare(vars)``  the host data in the engine's own form (done once, outside every timed loop),
  ``evaluator(compiled)`` a callable ``f(prepared_vars)`` (what is timed as evaluation),
  ``plain(result)``  the result as plain Python, to compare with the floor.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

from .workloads import PY_GLOBALS


class Engine:
    name = "?"
    available = True
    why_unavailable = ""

    def compile(self, text: str) -> Any:
        raise NotImplementedError

    def prepare(self, variables: dict) -> Any:
        return variables

    def compiled_for_eval(self, text: str) -> Any:
        return self.compile(text)

    def evaluator(self, compiled: Any) -> Callable[[Any], Any]:
        raise NotImplementedError

    def plain(self, result: Any) -> Any:
        return result


class Floor(Engine):
    """The hand-written Python function: `eval` of the workload's lambda source."""
    name = "python"

    def compile(self, text: str) -> Any:
        return eval(compile(text, "<floor>", "eval"), dict(PY_GLOBALS))

    def evaluator(self, compiled: Any) -> Callable[[Any], Any]:
        return compiled


class CPythonCompile(Engine):
    """CPython's own compile() of the lambda source: the parse+compile reference only."""
    name = "cpython-compile"

    def compile(self, text: str) -> Any:
        return compile(text, "<bench>", "eval")


class Feelish(Engine):
    name = "feelish"

    def __init__(self) -> None:
        try:
            import feelish
            self._compile = feelish.compile
        except (ImportError, AttributeError) as exc:
            self.available = False
            self.why_unavailable = f"feelish.compile is not available yet ({exc.__class__.__name__})"
            return
        # parse+compile is timed without the parser's text-keyed result cache
        try:
            from feelish.language.compiler import compile_node
            from feelish.language.parser.driver import parse_uncached

            def uncached(text: str, _p=parse_uncached, _c=compile_node):
                return _c(_p(text), text)
            self._uncached = uncached
            self.parse_path = "feelish.language.parser.driver.parse_uncached + compiler.compile_node"
        except ImportError:
            self._uncached = self._compile
            self.parse_path = "feelish.compile (may hit a cache)"

    def compile(self, text: str) -> Any:
        return self._uncached(text)

    def evaluator(self, compiled: Any) -> Callable[[Any], Any]:
        return compiled.evaluate

    def compiled_for_eval(self, text: str) -> Any:
        return self._compile(text)  # the public API: what users evaluate

    def plain(self, result: Any) -> Any:
        value = getattr(result, "value", result)
        return value


class SimpleEval(Engine):
    name = "simpleeval"
    #: the host functions simpleeval is given: Python built-ins plus date parsing for (k)
    FUNCTIONS = {"str": str, "len": len, "sum": sum, "range": range, "any": any, "all": all}

    def __init__(self) -> None:
        import simpleeval
        from datetime import date, timedelta
        self._cls = simpleeval.EvalWithCompoundTypes
        self._functions = dict(self.FUNCTIONS, date=date.fromisoformat, timedelta=timedelta)

    def compile(self, text: str) -> Any:
        ev = self._cls(functions=self._functions)
        return ev, text, ev.parse(text)

    def evaluator(self, compiled: Any) -> Callable[[Any], Any]:
        ev, text, tree = compiled

        def run(variables, ev=ev, text=text, tree=tree):
            ev.names = variables
            return ev.eval(text, previously_parsed=tree)
        return run


class JMESPath(Engine):
    name = "jmespath"

    def __init__(self) -> None:
        import jmespath.parser
        self._parser_cls = jmespath.parser.Parser

    def compile(self, text: str) -> Any:
        # Parser.parse() memoises by text; _do_parse() is the real work
        return self._parser_cls()._do_parse(text)

    def evaluator(self, compiled: Any) -> Callable[[Any], Any]:
        return compiled.search


class CEL(Engine):
    name = "cel-python"

    def __init__(self) -> None:
        import logging
        logging.getLogger("celpy").setLevel(logging.ERROR)
        import celpy
        from celpy import celtypes
        self._celpy, self._t = celpy, celtypes
        self._env = celpy.Environment()

    def compile(self, text: str) -> Any:
        return self._env.program(self._env.compile(text))

    def prepare(self, variables: dict) -> Any:
        # json_to_cel converts the host data once, outside the timed loop (a favour to CEL)
        return self._celpy.json_to_cel(variables)

    def evaluator(self, compiled: Any) -> Callable[[Any], Any]:
        return compiled.evaluate

    def plain(self, result: Any) -> Any:
        t = self._t
        if isinstance(result, t.BoolType):
            return bool(result)
        if isinstance(result, dict):
            return {str(k): self.plain(v) for k, v in result.items()}
        if isinstance(result, list):
            return [self.plain(v) for v in result]
        if isinstance(result, t.StringType):
            return str(result)
        if isinstance(result, int):
            return int(result)
        if isinstance(result, float):
            return float(result)
        return result


class BKFlow(Engine):
    name = "bkflow-feel"

    def __init__(self) -> None:
        import logging
        logging.getLogger("bkflow_feel").setLevel(logging.ERROR)
        import bkflow_feel
        self._parser, self._transformer = bkflow_feel.parser, bkflow_feel.transformer

    def compile(self, text: str) -> Any:
        return self._transformer.transform(self._parser.parse(text))

    def evaluator(self, compiled: Any) -> Callable[[Any], Any]:
        return compiled.evaluate


PEERS = ("simpleeval", "jmespath", "cel-python", "bkflow-feel")
_PEER_CLASSES = {"simpleeval": SimpleEval, "jmespath": JMESPath, "cel-python": CEL,
                 "bkflow-feel": BKFlow}


def peer(name: str) -> Engine:
    try:
        return _PEER_CLASSES[name]()
    except ImportError as exc:
        eng = Engine()
        eng.name, eng.available = name, False
        eng.why_unavailable = f"not installed ({exc}); pip install -e '.[bench]'"
        return eng


def feelish_version() -> str:
    try:
        return importlib.import_module("feelish").__version__
    except Exception:  # pragma: no cover - reporting only
        return "?"
