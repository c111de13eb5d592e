"""FEEL decision tables through Spiff's DMN parser and business rule tasks."""
from __future__ import annotations

from decimal import Decimal

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from feelish.integrations.spiff import FeelDecisionEngine

from .conftest import PROCESSES, finished, load

TABLES = ("discount.dmn", "shipping.dmn", "perks.dmn", "points.dmn")


def price(engine, customer, order):
    workflow = engine.workflow(load(engine, "pricing.bpmn", *TABLES), "pricing_process",
                               data={"customer": customer, "order": order})
    workflow.do_engine_steps()
    assert workflow.completed
    return workflow


def test_a_gold_customer(engine):
    workflow = price(engine, {"tier": "gold"},
                     {"total": 250, "country": "FR", "weight": 1.5, "placed": "2024-12-24"})
    data = workflow.last_task.data
    assert (data["discount"], data["reason"]) == (Decimal("25.0"), "gold customer")  # UNIQUE
    assert data["shipping"] == "letter"  # FIRST: rules 1, 2 and 3 match, the first wins
    assert data["perks"] == ["lounge", "winter gift", "priority support"]  # COLLECT, rule order
    assert data["points"] == 300  # COLLECT SUM: 250 + 50
    assert finished(workflow)[1:5] == ["Discount", "Shipping", "Perks", "Points"]


def test_another_customer_takes_other_rules(engine):
    data = price(engine, {"tier": "bronze"},
                 {"total": 700, "country": "US", "weight": 30, "placed": "2024-01-02"}).last_task.data
    assert (data["discount"], data["reason"]) == (Decimal("35.00"), "large order")
    assert data["shipping"] == "freight"
    assert data["perks"] == []  # COLLECT with no match: an empty list
    assert data["points"] == 750


def test_unary_tests_see_ranges_lists_and_negation(engine):
    data = price(engine, {"tier": "silver"},
                 {"total": 1200, "country": "DE", "weight": 2, "placed": "2024-06-01"}).last_task.data
    assert (data["discount"], data["reason"]) == (0, "standard")  # not("gold"), > 1000
    assert data["shipping"] == "letter"  # "FR", "DE" and <= 2
    assert data["perks"] == ["lounge"]
    assert data["points"] == 1200 + 50 + 500


def test_unique_with_two_matching_rules_is_an_error(engine):
    workflow = engine.workflow(load(engine, "band.bpmn", "overlap.dmn"), "band_process",
                               data={"order": {"total": 150}})
    with pytest.raises(WorkflowTaskException, match="hit policy UNIQUE but rules 1, 2 match"):
        workflow.do_engine_steps()


def test_decisions_survive_serialisation_with_feelish_evaluating_them(engine):
    workflow = engine.workflow(load(engine, "pricing.bpmn", *TABLES), "pricing_process",
                               data={"customer": {"tier": "gold"}, "order": {
                                   "total": 80, "country": "FR", "weight": 1, "placed": "2024-01-01"}})
    restored = engine.loads(engine.dumps(workflow))
    spec = restored.spec.task_specs["Points"]
    assert isinstance(spec.dmnEngine, FeelDecisionEngine)
    assert spec.dmnEngine.decision_table.hit_policy == "COLLECT SUM"
    restored.do_engine_steps()
    data = restored.last_task.data
    assert (data["discount"], data["points"]) == (5, 80)


def bad_table(tmp_path, entry: str, output: str = '"x"') -> str:
    text = (PROCESSES / "overlap.dmn").read_text()
    text = text.replace("<text>&gt; 100</text>", f"<text>{entry}</text>")
    text = text.replace('<text>"high"</text>', f"<text>{output}</text>")
    path = tmp_path / "bad.dmn"
    path.write_text(text)
    return str(path)


def test_an_input_entry_that_is_not_a_unary_test_is_refused_at_parse_time(engine, tmp_path):
    parser = engine.parser()
    parser.add_bpmn_file(str(PROCESSES / "band.bpmn"))
    parser.add_dmn_file(bad_table(tmp_path, "&lt; &lt; 3"))
    with pytest.raises(ValidationException, match="input entry is not valid FEEL"):
        parser.get_spec("band_process")


def test_feel_output_entries_python_would_refuse_are_accepted(engine, tmp_path):
    parser = engine.parser()
    parser.add_bpmn_file(str(PROCESSES / "band.bpmn"))
    parser.add_dmn_file(bad_table(tmp_path, "&gt; 100", "if order.total &gt; 120 then {size: @&quot;P1D&quot;} else null"))
    workflow = engine.workflow(parser, "band_process", data={"order": {"total": 130}})
    workflow.spec.task_specs["Band"].dmnEngine.decision_table.hit_policy = "FIRST"
    workflow.do_engine_steps()
    assert str(workflow.last_task.data["band"]["size"]) == "1 day, 0:00:00"


@pytest.mark.parametrize(("policy", "points", "perks"), [
    ("COLLECT MIN", 50, ["lounge", "winter gift", "priority support"]),
    ("COLLECT MAX", 250, ["lounge", "winter gift", "priority support"]),
    ("COLLECT COUNT", 2, ["lounge", "winter gift", "priority support"]),
    ("RULE ORDER", [250, 50], ["lounge", "winter gift", "priority support"]),
])
def test_other_collect_forms(engine, policy, points, perks):
    workflow = engine.workflow(load(engine, "pricing.bpmn", *TABLES), "pricing_process", data={
        "customer": {"tier": "gold"},
        "order": {"total": 250, "country": "FR", "weight": 1, "placed": "2024-12-24"}})
    workflow.spec.task_specs["Points"].dmnEngine.decision_table.hit_policy = policy
    if policy == "RULE ORDER":
        workflow.spec.task_specs["Perks"].dmnEngine.decision_table.hit_policy = policy
    workflow.do_engine_steps()
    assert workflow.last_task.data["points"] == points
    assert workflow.last_task.data["perks"] == perks


def test_any_needs_agreeing_rules(engine):
    def run(tier):
        workflow = engine.workflow(load(engine, "pricing.bpmn", *TABLES), "pricing_process", data={
            "customer": {"tier": tier},
            "order": {"total": 10, "country": "US", "weight": 1, "placed": "2024-01-01"}})
        workflow.spec.task_specs["Perks"].dmnEngine.decision_table.hit_policy = "ANY"
        workflow.do_engine_steps()
        return workflow.last_task.data["perks"]

    assert run("silver") == "lounge"  # one rule matches
    with pytest.raises(WorkflowTaskException, match="hit policy ANY but matching rules disagree"):
        run("gold")  # "lounge" and "priority support"


@pytest.mark.parametrize(("policy", "aggregation", "message"), [
    ("PRIORITY", None, "hit policy 'PRIORITY' is not supported"),
    ("FIRST", "SUM", "aggregation 'SUM' needs hit policy COLLECT"),
    ("COLLECT", "AVERAGE", "'AVERAGE' is not an element of the set"),  # the DMN schema
])
def test_unsupported_hit_policies_are_refused_at_parse_time(engine, tmp_path, policy, aggregation,
                                                            message):
    text = (PROCESSES / "overlap.dmn").read_text().replace(
        'hitPolicy="UNIQUE"', f'hitPolicy="{policy}"' + (f' aggregation="{aggregation}"' if aggregation else ""))
    (tmp_path / "t.dmn").write_text(text)
    parser = engine.parser()
    parser.add_bpmn_file(str(PROCESSES / "band.bpmn"))
    with pytest.raises(ValidationException, match=message):  # the schema check: when added
        parser.add_dmn_file(str(tmp_path / "t.dmn"))
        parser.get_spec("band_process")  # feelish's checks: when the table is read
