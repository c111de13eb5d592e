"""Running one connector service task: the operator id `feelish/<name>` picks the template,
FEEL parameters give its inputs, the call runs on the engine's shared runtime, and the
outputs (secrets masked) go to the task's result variable or a failure becomes a BPMN error."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

import feelish
from feelish.secrets import Redactor, SecretResolver

from . import errors
from .environment import compiled, scope
from .retry import RetryPlan
from .templates import TemplateLibrary, template_name
from .values import NotStorable, storable


class ConnectorRunner:
    """Runs connector service tasks for one engine (one runtime, one template library)."""

    def __init__(self, runtime: feelish.Runtime, library: TemplateLibrary, *,
                 sleep: Callable[[float], None] = time.sleep, max_delay: float = 60.0,
                 max_attempts: int = 20):
        self.runtime = runtime
        self.library = library
        self.sleep = sleep
        self.max_delay = max_delay
        self.max_attempts = max_attempts

    def plan(self, spec) -> RetryPlan:
        return RetryPlan(retries=int(spec.retries or 0), backoff_base=spec.retry_backoff_base,
                         max_delay=self.max_delay, max_attempts=self.max_attempts)

    def parameters(self, task, spec) -> tuple[dict[str, Any], SecretResolver]:
        """The evaluated parameters, and the resolver that saw which secrets they used."""
        resolver = SecretResolver(self.runtime.secrets)
        data = scope(task.data, task.workflow.data_objects)
        values = {}
        for name, param in spec.operation_params.items():
            try:
                values[name] = compiled(param["value"]).evaluate(data, secrets=resolver)
            except feelish.FeelishError as exc:
                raise WorkflowTaskException(f"service task parameter {name!r}: {exc}", task=task) from None
        return values, resolver

    def run(self, task) -> bool | None:
        spec = task.task_spec
        name = template_name(spec.operation_name)
        if name is None:
            raise WorkflowTaskException(f"service task operator {spec.operation_name!r} is not a "
                                        "feelish connector (use id=\"feelish/<template>\")", task=task)
        try:
            template, connector = self.library.get(name, self.runtime)
        except feelish.TemplateError as exc:
            raise WorkflowTaskException(f"connector {name!r}: {exc}", task=task) from None
        inputs, resolver = self.parameters(task, spec)
        plan = self.plan(spec)
        remaining, attempt = plan.retries, 1
        while True:
            context = {"task": spec.bpmn_id, "process": task.workflow.spec.name,
                       "attempt": attempt, "retries": remaining + 1}  # Camunda's job.retries
            try:
                outcome = feelish.run_template(template, inputs, runtime=self.runtime, context=context,
                                               connector=connector)
                break
            except feelish.TemplateError as exc:  # an input the template refuses
                raise WorkflowTaskException(f"connector {name!r}: {exc}", task=task) from None
            except feelish.ConnectorError as exc:
                exc.redact(resolver.redactor())
                step = plan.next_wait(exc, attempt, remaining)
                if step is None:
                    return self.fail(task, name, exc)
                wait, remaining = step
                if wait:
                    self.sleep(wait)
                attempt += 1
        masked = Redactor(set(outcome.secret_values) | set(resolver.used))
        outputs = masked.value(outcome.outputs) if masked else outcome.outputs
        try:
            task.data[spec.result_variable] = storable(outputs, spec.result_variable)
        except NotStorable as exc:
            raise WorkflowTaskException(f"connector {name!r}: {exc}", task=task) from None
        return True

    def fail(self, task, name: str, error: feelish.ConnectorError) -> None:
        """Throw the failure as a BPMN error, or raise it (the task goes to ERROR).  A caught
        error leaves the task STARTED (None), and the interrupting boundary event cancels it."""
        if not errors.throw(task, error):
            raise errors.uncaught(task, name, error)
        return None
