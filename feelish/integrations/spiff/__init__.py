"""feelish on SpiffWorkflow: FEEL as the process language, connectors as service tasks, FEEL DMN.

Install with `pip install 'feelish[spiff]'`; see docs/engines.md.

    from feelish.integrations.spiff import FeelishEngine
    with FeelishEngine(secrets={"API_KEY": "..."}) as engine:
        parser = engine.parser(); parser.add_bpmn_file("order.bpmn")
        workflow = engine.workflow(parser, "order_process", data={"orderId": 7})
        workflow.do_engine_steps()
"""
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
