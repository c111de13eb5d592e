"""`FeelBpmnParser`: Spiff's BPMN+DMN parser with connector service tasks and FEEL decision tables."""
from __future__ import annotations

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import ServiceTaskParser

from .dmn import FeelDecisionEngine, FeelDMNParser
from .service_task import ConnectorServiceTask


class FeelBpmnParser(SpiffBpmnParser):
    """Parse BPMN (with Spiff's extensions) and DMN files for a FEEL-speaking workflow."""

    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (ServiceTaskParser, ConnectorServiceTask),
    }

    def __init__(self, namespaces=None, validator=VALIDATOR, dmn_schemas=None):
        super().__init__(namespaces, validator, dmn_schemas)

    def add_dmn_xml(self, node, filename=None):
        """As Spiff's, with `FeelDMNParser` (Spiff names its DMN parser class inline)."""
        namespaces = self.namespaces.copy()
        namespaces.update(node.nsmap)
        if None in namespaces:
            namespaces["dmn"] = namespaces.pop(None)
        schema = self.dmn_schemas.get(namespaces.get("dmn"))
        if self.validator and schema is not None:
            BpmnValidator(schema).validate(node, filename)
        dmn_parser = FeelDMNParser(self, node, namespaces, filename=filename)
        self.dmn_parsers[dmn_parser.bpmn_id] = dmn_parser
        self.dmn_parsers_by_name[dmn_parser.get_name()] = dmn_parser

    def get_engine(self, decision_ref, node):
        engine = BpmnDmnParser.get_engine(self, decision_ref, node)
        if not engine.decision_table.rules and not engine.decision_table.inputs:
            raise ValidationException(f"decision {decision_ref!r} has an empty table", node=node)
        return FeelDecisionEngine(engine.decision_table)
