"""A Spiff workflow serializer that knows feelish's task specs and FEEL values."""
from __future__ import annotations

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.serializer.task_spec import BusinessRuleTaskConverter
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask

from .dmn import FeelDecisionEngine
from .service_task import ConnectorServiceTask, ConnectorServiceTaskConverter
from .values import register_feel_values


class FeelBusinessRuleTaskConverter(BusinessRuleTaskConverter):
    """Restores business rule tasks with feelish's decision engine (Spiff's would use its own)."""

    def from_dict(self, dct):
        spec = super().from_dict(dct)
        spec.dmnEngine = FeelDecisionEngine(spec.dmnEngine.decision_table)
        return spec


def configuration() -> dict:
    """Spiff's serializer configuration with feelish's task specs."""
    config = dict(SPIFF_CONFIG)
    config[ConnectorServiceTask] = ConnectorServiceTaskConverter
    config[BusinessRuleTask] = FeelBusinessRuleTaskConverter
    return config


def workflow_serializer(**kwargs) -> BpmnWorkflowSerializer:
    """A `BpmnWorkflowSerializer` for FEEL workflows (keyword arguments go to its constructor)."""
    registry = BpmnWorkflowSerializer.configure(configuration())
    register_feel_values(registry)
    return BpmnWorkflowSerializer(registry, **kwargs)
