"""FEEL values in task data: FEEL scripts, timers with FEEL values, lossless serialisation."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.util.task import TaskState

import feelish
from feelish.integrations.spiff import register_feel_values, workflow_serializer
from feelish.integrations.spiff.values import NotStorable, iso_text, storable
from feelish.language.nanos import WideDuration, WideTime
from feelish.language.wide import WideDate, WideDateTime

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

#: FEEL values beyond Python's date, time and timedelta (years outside 1..9999, nanoseconds)
WIDE = {
    "bc": feelish.evaluate('date("-0044-03-15")'),
    "far": feelish.evaluate('date("999999999-12-31")'),
    "nanos": feelish.evaluate('date and time("2024-10-27T02:30:00.000000001@Europe/Berlin")'),
    "ancient": feelish.evaluate('date and time("-2024-05-01T10:00:00.5-03:30")'),
    "future": feelish.evaluate('date and time("12024-05-01T10:00:00Z")'),
    "clock": feelish.evaluate('time("23:59:59.999999999@Asia/Tokyo")'),
    "clock offset": feelish.evaluate('time("09:30:00.000000007+02:00")'),
    "tiny": feelish.evaluate('duration("-PT0.000000001S")'),
    "long": feelish.evaluate('duration("P1000000000DT1.000000002S")'),
    "range": feelish.Range(feelish.evaluate('date("-0001-01-01")'), dt.date(2024, 1, 1), True, True),
    "nested": [{"when": feelish.evaluate('time("10:00:00.123456789")')}],
}


def test_every_feel_value_round_trips_through_the_registry():
    registry = register_feel_values(DefaultRegistry())
    restored = registry.restore(registry.convert(VALUES))
    assert restored == VALUES
    for name, value in VALUES.items():
        assert type(restored[name]) is type(value), name
    assert restored["zoned"].fold == 1 and restored["zoned"].tzinfo.key == "Europe/Berlin"
    assert str(restored["number"]) == "1.50"  # the scale too


def test_wide_values_round_trip_through_the_registry_and_json():
    kinds = {type(v) for v in WIDE.values()}
    assert {WideDate, WideDateTime, WideTime, WideDuration} <= kinds
    registry = register_feel_values(DefaultRegistry())
    restored = registry.restore(json.loads(json.dumps(registry.convert(WIDE))))
    assert restored == WIDE
    for name, value in WIDE.items():
        assert type(restored[name]) is type(value), name
        assert feelish.evaluate("string(x)", {"x": restored[name]}) == \
            feelish.evaluate("string(x)", {"x": value}), name
    assert restored["nanos"].tzinfo.key == "Europe/Berlin" and restored["nanos"].nanos == 1
    assert type(restored["range"].start) is WideDate and restored["range"].start.year == -1
    assert type(restored["nested"][0]["when"]) is WideTime


def test_a_wide_date_time_keeps_its_fold():
    registry = register_feel_values(DefaultRegistry())
    second = feelish.evaluate('date and time("2024-10-27T02:30:00.000000001@Europe/Berlin")')
    second = second.replace(fold=1)  # the second 02:30 of the night the clocks go back
    data = registry.convert({"at": second})
    assert data["at"]["fold"] == 1 and data["at"]["value"] == "2024-10-27T02:30:00.000000001"
    back = registry.restore(data)["at"]
    assert back.fold == 1 and back.utcoffset() == dt.timedelta(hours=1) and back == second


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


WIDE_SCRIPT = """{
  founded: date("-0753-04-21"),
  launch: date and time("2024-05-01T10:00:00.123456789@Europe/Berlin"),
  tick: time("10:00:00.000000001"),
  pause: duration("PT0.000000500S"),
  grace: duration("PT1S")
}"""


def test_a_feel_script_stores_wide_values_and_the_workflow_resumes_with_them(engine):
    workflow = engine.workflow(load(engine, "feel.bpmn"), "feel_process", data={"items": ITEMS})
    workflow.spec.task_specs["Compute"].script = WIDE_SCRIPT
    workflow.do_engine_steps()
    (waiting,) = workflow.get_tasks(state=TaskState.WAITING)
    saved = engine.dumps(workflow)
    assert '"value": "-0753-04-21"' in saved and '"nanoseconds": 500' in saved
    restored = engine.loads(saved)
    after = restored.get_tasks(state=TaskState.WAITING)[0].data
    assert after == waiting.data
    assert type(after["founded"]) is WideDate and after["founded"].year == -753
    assert type(after["launch"]) is WideDateTime and after["launch"].nanos == 789
    assert type(after["tick"]) is WideTime and after["tick"].nanos == 1
    assert type(after["pause"]) is WideDuration and after["pause"].nanos == 500


STAMPS = {"at": 'date and time("-0044-03-15T12:00:00.000000001+01:00")', "day": 'date("12024-02-29")',
          "clock": 'time("08:00:00.000000250+01:00")', "span": 'duration("P1000000000DT0.5S")'}


def test_a_connectors_result_mapping_stores_wide_values_that_survive_a_resume(engine, httpbin_url):
    workflow = engine.workflow(load(engine, "order.bpmn"), "order_process",
                               data={"apiBase": httpbin_url, "order": {}})
    register = workflow.spec.task_specs["Register"]  # its connector sends and maps temporal values
    register.operation_name = "feelish/stamp"
    payload = "{" + ", ".join(f"{k}: {v}" for k, v in STAMPS.items()) + "}"
    register.operation_params = {"base": {"value": "apiBase"}, "payload": {"value": payload}}
    workflow.do_engine_steps()
    (review,) = workflow.get_tasks(state=TaskState.READY)
    stamped = review.data["registered"]
    # on the wire as ISO text (httpbin echoes what it got), mapped back to FEEL values
    assert stamped["sent"] == {"at": "-0044-03-15T12:00:00.000000001+01:00", "day": "12024-02-29",
                               "clock": "08:00:00.000000250+01:00", "span": "P1000000000DT0.5S"}
    for name, text in STAMPS.items():
        assert stamped[name] == feelish.evaluate(text), name
    resumed = engine.loads(engine.dumps(workflow))
    again = resumed.get_tasks(state=TaskState.READY)[0].data["registered"]
    assert again == stamped
    assert [type(again[k]) for k in STAMPS] == [WideDateTime, WideDate, WideTime, WideDuration]
    assert again["at"].utcoffset() == dt.timedelta(hours=1) and again["at"].year == -44


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
    assert iso_text(WIDE["tiny"] + dt.timedelta(days=1)) == "P0DT23H59M59.999999999S"
    assert iso_text(WIDE["nanos"]) == "2024-10-27T02:30:00.000000001+02:00"
    with pytest.raises(ValueError, match="years 1..9999, not -44"):
        iso_text(WIDE["bc"])
    with pytest.raises(ValueError, match="must not be negative"):
        iso_text(WIDE["tiny"])
    for value in WIDE.values():
        assert storable(value, "x") is value


def test_the_serializer_is_spiffs_own():
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

    assert isinstance(workflow_serializer(), BpmnWorkflowSerializer)
