"""The one runner for every spec table in this folder (`tests/spec/*.json`).

A table: `{"feature": "...", "cases": [case, ...]}`; a case:
  expr      the expression (or, with `input`, the unary tests)
  vars      variables (typed JSON, see shared/conformance/README.md; plain JSON numbers allowed)
  result    the expected value (typed JSON; `{"@range": [start, end, "[)"]}` for a range)
  warning   a warning kind the evaluation must report (e.g. "no-variable-found")
  warnings  [] to require that the evaluation reports no warning at all
  error     the feelish error class evaluation (or compilation) must raise
  input     evaluate `expr` as unary tests against this input (`feelish.unary_test`)
  secrets   a mapping of secret names to values
  strict    evaluate in strict mode
  reads     the variable paths the expression reads (`Expression.paths`, each written dotted:
            `order.customer.tier`); a case may check only this, with no `result`
  note      free text
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "conformance"))

from typed_json import decode, same, show  # noqa: E402

import feelish  # noqa: E402

_KEYS = {"expr", "vars", "result", "warning", "warnings", "error", "input", "secrets", "strict",
         "reads", "note"}


def _cases():
    for path in sorted(HERE.glob("*.json")):
        table = json.loads(path.read_text(encoding="utf-8"))
        for number, case in enumerate(table["cases"], 1):
            label = f"{path.stem}#{number}:{case.get('expr', '')[:50]}"
            yield pytest.param(path.stem, case, id=label)


def _evaluate(case: dict):
    variables = decode(case.get("vars") or {})
    secrets = case.get("secrets")
    strict = bool(case.get("strict"))
    if "input" in case:
        value = feelish.unary_test(case["expr"], decode(case["input"]), variables,
                                   secrets=secrets, strict=strict)
        return value, ()
    result = feelish.compile(case["expr"]).evaluate_with_warnings(variables, secrets=secrets,
                                                                  strict=strict)
    return result.value, result.warnings


@pytest.mark.parametrize(("table", "case"), list(_cases()))
def test_spec(table: str, case: dict) -> None:
    unknown = set(case) - _KEYS
    assert not unknown, f"unknown keys in case: {sorted(unknown)}"
    assert not ("result" in case and "error" in case), "a case has `result` or `error`, not both"
    assert "result" in case or "error" in case or "reads" in case, "a case checks something"
    if "reads" in case:
        paths = feelish.compile(case["expr"]).paths
        assert {".".join(p) for p in paths} == set(case["reads"]), f"reads {sorted(paths)}"
        if "result" not in case and "error" not in case:
            return
    if "error" in case:
        error = getattr(feelish, case["error"])
        with pytest.raises(error):
            _evaluate(case)
        return
    value, warnings = _evaluate(case)
    expected = decode(case["result"])
    assert same(value, expected), f"got {show(value)}, expected {show(expected)}"
    kinds = [w.kind for w in warnings]
    if "warning" in case:
        assert case["warning"] in kinds, f"expected a {case['warning']} warning, got {kinds}"
    if case.get("warnings") == []:
        assert not kinds, f"expected no warning, got {warnings}"


def test_every_table_is_well_formed() -> None:
    paths = sorted(HERE.glob("*.json"))
    assert paths, "no spec tables found"
    for path in paths:
        table = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(table.get("feature"), str) and table["cases"], path.name
