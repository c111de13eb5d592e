"""examples/camunda/order-lookup.bpmn: its REST task's inputs and headers, run by the worker.

No broker runs here, so this test does the engine's part itself: it reads the task's
`zeebe:ioMapping` inputs (an `=` source is FEEL, evaluated here by feelish in place of Zeebe;
a dotted target builds a nested context) and `zeebe:taskHeaders`, and hands the job to the
stand-in cluster."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import feelish

BPMN = Path(__file__).resolve().parents[3] / "examples" / "camunda" / "order-lookup.bpmn"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "zeebe": "http://camunda.org/schema/zeebe/1.0"}


def _task():
    root = ET.parse(BPMN).getroot()
    task = root.find(".//bpmn:serviceTask[@id='lookup']", NS)
    errors = {e.get("id"): e.get("errorCode") for e in root.findall("bpmn:error", NS)}
    return root, task, errors


def _job(task, process_variables: dict) -> tuple[str, dict, dict]:
    job_type = task.find(".//zeebe:taskDefinition", NS).get("type")
    variables = dict(process_variables)
    for mapping in task.findall(".//zeebe:input", NS):
        source = mapping.get("source")
        value = feelish.evaluate(source[1:], process_variables) if source.startswith("=") else source
        *path, last = mapping.get("target").split(".")
        scope = variables
        for part in path:
            scope = scope.setdefault(part, {})
        scope[last] = value
    headers = {h.get("key"): h.get("value") for h in task.findall(".//zeebe:header", NS)}
    return job_type, variables, headers


def test_the_example_task_runs_on_the_worker(standin, finish, httpbin_url):
    root, task, errors = _task()
    job_type, variables, headers = _job(task, {"apiBase": httpbin_url, "orderId": 42})
    key = standin.add_job(job_type, variables, headers)
    finish(key, job_types=[job_type], secrets={"ORDERS_TOKEN": "orders-token-1"})
    job = standin.jobs[key]
    assert job.state == "COMPLETED"
    completed = job.history[0][1]["variables"]
    assert completed == {"orderPath": httpbin_url + "/anything/orders/42?units=metric",
                         "orderHeader": "42", "units": "metric"}
    # the code the error expression throws is the one the boundary event catches
    boundary = root.find(".//bpmn:boundaryEvent[@attachedToRef='lookup']/bpmn:errorEventDefinition", NS)
    assert errors[boundary.get("errorRef")] in headers["errorExpression"]
    assert standin.violations == []
