"""DMN decision tables evaluated by feelish: FEEL unary tests in, FEEL expressions out."""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.parser.DMNParser import DMNParser
from SpiffWorkflow.dmn.specs.model import InputEntry

import feelish

from .environment import compiled

AGGREGATIONS = ("SUM", "MIN", "MAX", "COUNT")
POLICIES = ("UNIQUE", "FIRST", "ANY", "RULE ORDER", "COLLECT")


class FeelDMNParser(DMNParser):
    """Spiff's DMN parser with FEEL checks of every entry and COLLECT aggregations kept."""

    def _parse_decision_tables(self, decision, decision_element):
        super()._parse_decision_tables(decision, decision_element)
        elements = decision_element.findall("dmn:decisionTable", namespaces=self.nsmap)
        for table, element in zip(decision.decisionTables, elements):
            policy = table.hit_policy
            aggregation = (element.attrib.get("aggregation") or "").upper()
            if policy not in POLICIES:
                raise ValidationException(f"hit policy {policy!r} is not supported (supported: "
                                          f"{', '.join(POLICIES)})", node=element, file_name=self.filename)
            if aggregation:
                if policy != "COLLECT" or aggregation not in AGGREGATIONS:
                    raise ValidationException(f"aggregation {aggregation!r} needs hit policy COLLECT "
                                              f"and one of {', '.join(AGGREGATIONS)}",
                                              node=element, file_name=self.filename)
                table.hit_policy = f"COLLECT {aggregation}"

    def _parse_input(self, input_element):
        entry = super()._parse_input(input_element)
        self._check(entry.expression, "input expression", input_element)
        return entry

    def _parse_input_output_element(self, decision_table, element, cls, idx):
        text = None
        for child in element:
            if child.tag.endswith("text"):
                text = child.text
        if cls is InputEntry:
            self._check(text, "input entry", element, unary=True)
            return super()._parse_input_output_element(decision_table, element, cls, idx)
        self._check(text, "output entry", element)
        element = _without_text(element)  # Spiff would check the text as Python
        entry = super()._parse_input_output_element(decision_table, element, cls, idx)
        entry.text = text
        return entry

    def _check(self, text, what, node, unary=False):
        if text is None or not text.strip() or (unary and text.strip() == "-"):
            return
        try:
            if unary:
                feelish.unary_test(text, None)
            else:
                compiled(text)
        except feelish.FeelishError as exc:
            raise ValidationException(f"{what} is not valid FEEL: {exc}", node=node,
                                      file_name=self.filename) from None


def _without_text(element):
    """A copy of an output entry element without its <text> (its FEEL was checked already)."""
    from copy import deepcopy

    copy = deepcopy(element)
    for child in list(copy):
        if child.tag.endswith("text"):
            copy.remove(child)
    return copy


class FeelDecisionEngine(DMNEngine):
    """Evaluates one decision table with feelish (a drop-in for Spiff's `DMNEngine`)."""

    def result(self, task) -> dict[str, Any]:
        table = self.decision_table
        data = task.data
        inputs = [self._value(task, i.expression, f"input {i.label or i.id}") for i in table.inputs]
        matched = [rule for rule in table.rules if self._matches(task, rule, inputs, data)]
        policy, aggregation = table.hit_policy, ""
        if policy.startswith("COLLECT "):
            policy, aggregation = "COLLECT", policy[len("COLLECT "):]
        if not matched:  # COLLECT gives empty lists (a count of 0, no sum); the others nothing
            if policy not in ("COLLECT", "RULE ORDER"):
                return {}
            return _nested({o.name or o.label: _aggregate(aggregation, []) if aggregation else []
                            for o in table.outputs})
        if policy == "UNIQUE" and len(matched) > 1:
            rows = ", ".join(str(r.row_number) for r in matched)
            raise WorkflowTaskException(f"decision table {table.name or table.id!r} has hit policy "
                                        f"UNIQUE but rules {rows} match", task=task)
        outputs = [self._outputs(task, rule) for rule in matched]
        if policy in ("UNIQUE", "FIRST"):
            return _nested(outputs[0])
        if policy == "ANY":
            if any(o != outputs[0] for o in outputs[1:]):
                raise WorkflowTaskException(f"decision table {table.name or table.id!r} has hit "
                                            "policy ANY but matching rules disagree", task=task)
            return _nested(outputs[0])
        collected = {name: [o[name] for o in outputs] for name in outputs[0]}
        if aggregation:
            return {name: _aggregate(aggregation, values) for name, values in collected.items()}
        return _nested(collected)

    def _value(self, task, text, what):
        if text is None or not text.strip():
            return None
        try:
            return compiled(text).evaluate(task.data)
        except feelish.FeelishError as exc:
            raise WorkflowTaskException(f"{what} failed: {exc}", task=task) from None

    def _matches(self, task, rule, inputs, data) -> bool:
        for entry, value in zip(rule.inputEntries, inputs):
            for test in entry.lhs:
                if test is None or not test.strip() or test.strip() == "-":
                    continue
                try:
                    if feelish.unary_test(test, value, data) is not True:
                        return False
                except feelish.FeelishError as exc:
                    raise WorkflowTaskException(f"rule {rule.row_number}: {exc}", task=task) from None
        return True

    def _outputs(self, task, rule) -> dict[str, Any]:
        out = {}
        for entry in rule.outputEntries:
            name = entry.output.name or entry.output.label
            out[name] = self._value(task, entry.text, f"rule {rule.row_number}, output {name}")
        return out


def _aggregate(kind: str, values: list) -> Any:
    present = [v for v in values if v is not None]
    if kind == "COUNT":
        return len(present)
    if not present:
        return None
    function = {"SUM": "sum(xs)", "MIN": "min(xs)", "MAX": "max(xs)"}[kind]
    return compiled(function).evaluate({"xs": present})


def _nested(flat: dict[str, Any]) -> dict[str, Any]:
    """Output names with dots (`order.discount`) become nested contexts, as Spiff's tables do."""
    out: dict[str, Any] = {}
    for name, value in flat.items():
        *path, last = name.split(".")
        target = out
        for part in path:
            target = target.setdefault(part, {})
        target[last] = value
    return out
