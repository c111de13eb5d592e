"""`FeelScriptEngine`: the script engine of a FEEL workflow (Spiff's `PythonScriptEngine` contract)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException

import feelish

from .connectors import ConnectorRunner
from .environment import FeelEnvironment, compiled
from .values import NotStorable, iso_text


def _timer_expressions(task) -> set[str]:
    definition = getattr(task.task_spec, "event_definition", None)
    found = [definition]
    if isinstance(definition, MultipleEventDefinition):
        found = list(definition.event_definitions)
    return {d.expression for d in found if isinstance(d, TimerEventDefinition)}


def _spiff_value(task, expression: str, value: Any) -> Any:
    """The value as the Spiff code that asked for it expects it."""
    if expression in _timer_expressions(task):
        return iso_text(value)
    if isinstance(value, Decimal) and expression == getattr(task.task_spec, "cardinality", None):
        return int(value)
    return value


class FeelScriptEngine(PythonScriptEngine):
    """Evaluates a process's expressions in FEEL and runs its connector service tasks."""

    def __init__(self, runner: ConnectorRunner | None = None):
        super().__init__(environment=FeelEnvironment())
        self.runner = runner

    def validate(self, expression: str) -> None:
        """Raise FeelSyntaxError (line, column, caret) if `expression` is not FEEL."""
        compiled(expression)

    def evaluate(self, task, expression, external_context=None):
        try:
            value = self.environment.evaluate(expression, task.data, external_context)
            return _spiff_value(task, expression, value)
        except SpiffWorkflowException as exc:
            exc.add_note(f"Error evaluating expression '{expression}'")
            raise
        except (feelish.FeelishError, ValueError) as exc:
            raise WorkflowTaskException(f"FEEL expression failed: {exc}", task=task) from None

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context)
        except NotStorable as exc:
            raise WorkflowTaskException(f"FEEL script: {exc}", task=task) from None
        except feelish.FeelishError as exc:
            raise WorkflowTaskException(f"FEEL script failed: {exc}", task=task) from None

    def run_service_task(self, task) -> bool:
        """Run a `ConnectorServiceTask` (see `connectors`)."""
        if self.runner is None:
            raise WorkflowTaskException("this script engine has no connector runtime; build it with "
                                        "FeelishEngine to run service tasks", task=task)
        return self.runner.run(task)

    def call_service(self, task, operation_name=None, operation_params=None, **kwargs):
        raise WorkflowTaskException(
            f"service task {task.task_spec.bpmn_id!r} was not parsed by FeelBpmnParser: parse the "
            "process with feelish's parser so that its connector runs", task=task)
