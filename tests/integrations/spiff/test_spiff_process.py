"""The order process end to end: two connector calls, a FEEL gateway, a pause, a resumption."""
from __future__ import annotations

import json
from decimal import Decimal

from SpiffWorkflow.util.task import TaskState

from feelish.integrations.spiff import FeelishEngine

from .conftest import SECRET, TEMPLATES, finished, load

ORDER = {"id": 7, "amount": 120.50, "lines": ["pen", "ink"], "placed": "2024-05-01"}


def start(engine, base, order=ORDER):
    workflow = engine.workflow(load(engine, "order.bpmn"), "order_process",
                               data={"apiBase": base, "order": order})
    workflow.do_engine_steps()
    return workflow


def review(workflow) -> None:
    (task,) = workflow.get_tasks(state=TaskState.READY)
    assert task.task_spec.bpmn_id == "Review"
    task.run()
    workflow.do_engine_steps()


def test_two_calls_and_a_feel_gateway(engine, httpbin_url):
    workflow = start(engine, httpbin_url)
    registered = workflow.get_tasks(state=TaskState.READY)[0].data["registered"]
    # the parameters were FEEL (120.50 * 2, count(...)); httpbin echoed the JSON body back
    assert registered == {"status": Decimal(200), "headers": registered["headers"],
                          "echoed": {"id": 7, "total": Decimal("241"), "lines": 2}}
    review(workflow)
    assert workflow.completed
    assert finished(workflow) == ["Received", "Register", "Review", "Large", "Approve", "Approved"]
    approval = workflow.last_task.data["approval"]
    assert approval["echoed"] == {"orderId": 7, "total": 241, "due": "2024-05-31"}
    assert approval["status"] == 200


def test_the_gateway_takes_the_other_flow_for_a_small_order(engine, httpbin_url):
    workflow = start(engine, httpbin_url, {**ORDER, "amount": 99.99})
    review(workflow)
    assert workflow.completed
    assert finished(workflow)[-2:] == ["Large", "Small"]
    assert "Approve" not in finished(workflow)
    assert "approval" not in workflow.last_task.data


def test_a_workflow_saved_mid_flight_resumes_in_another_engine(engine, httpbin_url):
    workflow = start(engine, httpbin_url)
    saved = engine.dumps(workflow)
    json.loads(saved)  # plain JSON text
    assert '"typename": "feel:number"' in saved  # the echoed 241 is a FEEL number, kept exact
    with FeelishEngine(template_dirs=[TEMPLATES]) as other:
        resumed = other.loads(saved)
        assert resumed.script_engine is other.script_engine
        assert resumed.get_tasks(state=TaskState.READY)[0].data["registered"]["echoed"]["total"] \
            == Decimal("241")
        review(resumed)
        assert resumed.completed
        assert resumed.last_task.data["approval"]["echoed"]["total"] == 241
        assert finished(resumed)[-2:] == ["Approve", "Approved"]
    assert SECRET not in saved


def test_one_runtime_serves_every_task(engine, httpbin_url):
    for _ in range(3):
        review(start(engine, httpbin_url))
    assert engine.script_engine.runner.runtime is engine.runtime
    assert engine.runtime.client_count == 1  # one pooled client for six calls


def test_a_given_runtime_is_shared_and_left_open(httpbin_url):
    import feelish

    with feelish.Runtime() as runtime:
        with FeelishEngine(runtime=runtime, template_dirs=[TEMPLATES]) as engine:
            review(start(engine, httpbin_url))
        assert runtime.client_count == 1  # the engine did not close what it was given
        with FeelishEngine(runtime=runtime, template_dirs=[TEMPLATES]) as engine:
            workflow = start(engine, httpbin_url)
            assert workflow.get_tasks(state=TaskState.READY)


def test_multi_instance_calls_one_connector_per_item_and_takes_a_feel_cardinality(engine, httpbin_url):
    lines = [{"sku": "A1", "price": 1.25, "quantity": 3}, {"sku": "B2", "price": 0.1, "quantity": 7}]
    workflow = engine.workflow(load(engine, "batch.bpmn"), "batch_process",
                               data={"apiBase": httpbin_url, "lines": lines})
    workflow.do_engine_steps()
    assert workflow.completed
    data = workflow.last_task.data
    assert [r["echoed"] for r in data["receipts"]] == [{"sku": "A1", "cost": Decimal("3.75")},
                                                       {"sku": "B2", "cost": Decimal("0.7")}]
    assert data["ticks"] == 3  # the script ran count(receipts) + 1 times
