"""FEEL values in task data: FEEL scripts, timers with FEEL values, lossless serialisation."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.util.task import TaskState

import feelish
from feelish.integrations.spiff import register_feel_values, workflow_serializer
from feelish.integrations.spiff.values import NotStorable, iso_text, storable

from .conftest import load

ITEMS = [{"price": 1.10}, {"price": 2.20}, {"price": 0.05}]

VALUES = {
    "number": Decimal("1.50"),
    "big": Decimal("1234567890123456789012345678901.234"),
    "date": dt.date(2024, 2, 29),
    "zoned": dt.datetime(2024, 10, 27, 2, 30, 0, 5, tzinfo=ZoneInfo("Europe/Berlin"), fold=1),
    "offset": dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30))),
    "utc": dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.timezone.utc),
    "local": dt.datetime(2024, 5, 1, 10, 0, 0, 999999),
    "time": dt.time(23, 59, 59, 1, tzinfo=ZoneInfo("Asia/Tokyo")),
    "time offset": dt.time(9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    "days": dt.timedelta(days=-2, seconds=5, microseconds=7),
    "months": feelish.YearsMonthsDuration(-14),
    "range": feelish.Range(dt.date(2024, 1, 1), None, False, False),
    "nested": {"list": [Decimal("0.1"), {"at": dt.date(2000, 1, 1)}], "plain": [1, 2.5, "x", None, True]},
}


def test_every_feel_value_round_trips_through_the_registry():
    registry = register_feel_values(DefaultRegistry())
    restored = registry.restore(registry.convert(VALUES))
    assert restored == VALUES
    for name, value in VALUES.items():
        assert type(restored[name]) is type(value), name
    assert restored["zoned"].fold == 1 and restored["zoned"].tzinfo.key == "Europe/Berlin"
    assert str(restored["number"]) == "1.50"  # the scale too


def run(engine):
    workflow = engine.workflow(load(engine, "feel.bpmn"), "feel_process", data={"items": ITEMS})
    workflow.do_engine_steps()
    return workflow


def test_a_feel_script_sets_variables(engine):
    (waiting,) = run(engine).get_tasks(state=TaskState.WAITING)
    data = waiting.data
    assert data["subtotal"] == Decimal("3.35")  # FEEL decimals: 1.1 + 2.2 + 0.05 exactly
    assert data["average"] == Decimal("1.116666666666666666666666666666667")
    assert data["placed"] == dt.datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=ZoneInfo("Europe/Berlin"))
    assert data["term"] == feelish.YearsMonthsDuration(14)
    assert data["grace"] == dt.timedelta(hours=36, microseconds=500000)
    assert data["band"] == feelish.Range(Decimal(10), Decimal(20), True, False)


def test_timers_take_feel_date_times_and_durations(engine):
    workflow = run(engine)
    (waiting,) = workflow.get_tasks(state=TaskState.WAITING)
    assert waiting.task_spec.bpmn_id == "Later"  # "Long ago" fired: a FEEL date-time in 2000
    (event,) = workflow.waiting_events()
    due = dt.datetime.fromisoformat(event.value)
    assert dt.timedelta(hours=23) < due - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(days=1)


def test_a_workflow_with_feel_values_resumes_unchanged(engine):
    workflow = run(engine)
    saved = engine.dumps(workflow)
    restored = engine.loads(saved)
    before = workflow.get_tasks(state=TaskState.WAITING)[0].data
    after = restored.get_tasks(state=TaskState.WAITING)[0].data
    assert after == before and after["placed"].tzinfo == ZoneInfo("Europe/Berlin")
    assert '"zone": "Europe/Berlin"' in saved
    assert restored.waiting_events()[0].value == workflow.waiting_events()[0].value


def test_a_script_that_does_not_return_a_context_is_an_error(engine):
    workflow = engine.workflow(load(engine, "feel.bpmn"), "feel_process", data={"items": ITEMS})
    workflow.spec.task_specs["Compute"].script = "sum(items.price)"
    with pytest.raises(WorkflowTaskException, match="must return a context"):
        workflow.do_engine_steps()


def test_a_script_cannot_store_a_function(engine):
    workflow = engine.workflow(load(engine, "feel.bpmn"), "feel_process", data={"items": ITEMS})
    workflow.spec.task_specs["Compute"].script = "{helpers: {double: function(x) x * 2}}"
    with pytest.raises(WorkflowTaskException, match=r"helpers\.double is a function"):
        workflow.do_engine_steps()


def test_a_syntax_error_in_a_script_has_line_and_column(engine):
    workflow = engine.workflow(load(engine, "feel.bpmn"), "feel_process", data={"items": ITEMS})
    workflow.spec.task_specs["Compute"].script = "{a: 1,\n b: (2 + }"
    with pytest.raises(WorkflowTaskException, match="line 2, column"):
        workflow.do_engine_steps()


def test_storable_and_timer_text():
    assert storable({"a": [Decimal(1)]}, "x") == {"a": [Decimal(1)]}
    with pytest.raises(NotStorable, match=r"x\[2\] is a object"):
        storable([1, object()], "x")
    assert iso_text(dt.timedelta(days=1, hours=2, seconds=0.5)) == "P1DT2H0M0.5S"
    assert iso_text(feelish.YearsMonthsDuration(14)) == "P1Y2M"
    assert iso_text("PT5M") == "PT5M"


def test_the_serializer_is_spiffs_own():
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

    assert isinstance(workflow_serializer(), BpmnWorkflowSerializer)
