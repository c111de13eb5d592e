"""FEEL in place of Python for Spiff's script environment: expressions and scripts on task data."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from SpiffWorkflow.bpmn.script_engine import BasePythonScriptEngineEnvironment

import feelish

from .values import storable

log = logging.getLogger("feelish.spiff")


@lru_cache(maxsize=2048)
def compiled(text: str) -> feelish.Expression:
    """The compiled expression for `text` (cached: processes evaluate the same texts again)."""
    return feelish.compile(text.strip())


def scope(data: Mapping[str, Any], external: Mapping[str, Any] | None) -> dict[str, Any]:
    """What an expression sees: external context (data objects) overlaid by the task data."""
    if not external:
        return data if type(data) is dict else dict(data)
    return {**external, **data}


class FeelEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates FEEL expressions and FEEL scripts against task data (no Python is ever run)."""

    def evaluate(self, expression: str, context: Mapping[str, Any], external_context=None) -> Any:
        result = compiled(expression).evaluate_with_warnings(scope(context, external_context))
        for warning in result.warnings:
            log.debug("%s: %s", expression.strip(), warning.message)
        return result.value

    def execute(self, script: str, context: dict[str, Any], external_context=None) -> bool:
        value = self.evaluate(script, context, external_context)
        if value is None:
            return True
        if not isinstance(value, Mapping):
            raise feelish.EvaluationError(
                "a FEEL script must return a context (its entries become variables), not "
                f"{type(value).__name__}", source=script)
        for name, item in value.items():
            context[name] = storable(item, name)
        return True

    def call_service(self, context, **kwargs):  # the script engine serves service tasks
        raise NotImplementedError("service tasks are run by FeelScriptEngine")
