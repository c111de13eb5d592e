"""feelish on SpiffWorkflow: FEEL as the process language, connectors as service tasks, FEEL DMN."""
from __future__ import annotations

from .dmn import FeelDecisionEngine, FeelDMNParser
from .engine import FeelishEngine
from .environment import FeelEnvironment
from .errors import bpmn_code
from .parser import FeelBpmnParser
from .script_engine import FeelScriptEngine
from .serializer import workflow_serializer
from .service_task import ConnectorServiceTask
from .values import register_feel_values

__all__ = [
    "ConnectorServiceTask", "FeelBpmnParser", "FeelDMNParser", "FeelDecisionEngine", "FeelEnvironment",
    "FeelScriptEngine", "FeelishEngine", "bpmn_code", "register_feel_values", "workflow_serializer",
]
