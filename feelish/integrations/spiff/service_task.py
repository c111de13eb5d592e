"""The service task spec that runs feelish connectors, and its serializer converter."""
from __future__ import annotations

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.serializer.task_spec import ServiceTaskConverter
from SpiffWorkflow.spiff.specs.defaults import ServiceTask


class ConnectorServiceTask(ServiceTask):
    """A `bpmn:serviceTask` whose `spiffworkflow:serviceTaskOperator` names a feelish connector."""

    def _execute(self, task):
        engine = task.workflow.script_engine
        run = getattr(engine, "run_service_task", None)
        if run is None:
            raise WorkflowTaskException(
                f"service task {self.bpmn_id!r} needs feelish's FeelScriptEngine as the workflow's "
                f"script engine (it has {type(engine).__name__})", task=task)
        return run(task)


class ConnectorServiceTaskConverter(ServiceTaskConverter):
    """Serialises `ConnectorServiceTask` exactly as Spiff serialises its own service tasks."""
