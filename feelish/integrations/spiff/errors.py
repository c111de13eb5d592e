"""A failed connector call as a BPMN error: its code, its payload, and who catches it."""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import ErrorEventDefinition
from SpiffWorkflow.util.task import TaskState

from feelish import BusinessError, ConnectorError


def bpmn_code(error: ConnectorError) -> str:
    """The BPMN error code a failed call is thrown with."""
    if isinstance(error, BusinessError):
        return error.code
    if error.code.isdigit():
        return f"HttpError{error.code}"
    return error.code


def payload(error: ConnectorError) -> dict[str, Any]:
    """What the catching event receives (the error is redacted before it gets here)."""
    response = error.response or None
    variables = dict(error.variables or {})
    if set(variables) == {"response"}:  # the runtime's copy of the response: given once, below
        variables = {}
    return {"code": bpmn_code(error), "message": error.message,
            "status": response.get("status") if response else None,
            "response": response, "variables": variables}


def _catchers(task, event) -> list:
    found = task.workflow.get_tasks(catches_event=event, state=TaskState.NOT_FINISHED_MASK)
    if not found and task.workflow is not task.workflow.top_workflow:
        found = task.workflow.top_workflow.get_tasks(catches_event=event,
                                                     state=TaskState.NOT_FINISHED_MASK)
    return found


def throw(task, error: ConnectorError) -> bool:
    """Throw the call's failure as a BPMN error event; False when nothing catches its code."""
    code = bpmn_code(error)
    definition = ErrorEventDefinition(code, code=code)
    event = BpmnEvent(definition, payload=payload(error), target=task.workflow)
    if not _catchers(task, event):
        return False
    task.workflow.top_workflow.catch(event)
    return True


def uncaught(task, template: str, error: ConnectorError) -> WorkflowTaskException:
    """The exception for a failure no event catches (Spiff marks the task ERROR)."""
    exc = WorkflowTaskException(
        f"connector {template!r} failed with BPMN error code {bpmn_code(error)!r}: {error.message}",
        task=task)
    exc.error_code = bpmn_code(error)
    return exc
