"""Retries: Spiff's <spiffworkflow:retry> (parsed by Spiff, executed by feelish) and jobError."""
from __future__ import annotations

import json
import urllib.request

from .conftest import finished, load


def calls(fault_url, key) -> int:
    with urllib.request.urlopen(f"{fault_url}/count?key={key}", timeout=5) as response:
        return json.loads(response.read())["count"]


def run(engine, fault_url, key, fetch_failures, poll_failures):
    workflow = engine.workflow(load(engine, "retries.bpmn"), "retries_process", data={
        "faultBase": fault_url, "key": key, "fetchFailures": fetch_failures,
        "pollFailures": poll_failures})
    workflow.do_engine_steps()
    return workflow


def test_spiffworkflow_retry_retries_with_exponential_backoff(engine, waits, fault_url):
    workflow = run(engine, fault_url, "r1", 2, 0)
    assert workflow.completed and finished(workflow)[-1] == "Done"
    assert workflow.last_task.data["fetched"] == {"attempt": 3}
    assert calls(fault_url, "r1-fetch") == 3
    assert waits == [1, 2]  # backoff_base 1: 1 s, then 2 s


def test_when_retries_run_out_the_error_boundary_takes_over(engine, waits, fault_url):
    workflow = run(engine, fault_url, "r2", 10, 0)
    assert finished(workflow)[-2:] == ["Fetch_failed", "Gave_up_fetch"]
    assert calls(fault_url, "r2-fetch") == 4  # 1 + retries="3"
    assert waits == [1, 2, 4]
    assert "fetched" not in workflow.last_task.data


def test_jobError_sets_the_retries_left_and_the_backoff(engine, waits, fault_url):
    workflow = run(engine, fault_url, "r3", 0, 2)
    assert finished(workflow)[-1] == "Done"
    assert workflow.last_task.data["polled"] == {"attempt": 3}
    assert calls(fault_url, "r3-poll") == 3
    assert waits == [0.25, 0.25]  # jobError's timeout @"PT0.25S"


def test_jobError_retries_counting_down_end_in_the_error_boundary(engine, waits, fault_url):
    workflow = run(engine, fault_url, "r4", 0, 9)
    assert finished(workflow)[-2:] == ["Poll_failed", "Gave_up_poll"]
    # jobError asks for 5 - attempt retries: 4, 3, 2, 1, then 0 after the fifth attempt
    assert calls(fault_url, "r4-poll") == 5
    assert waits == [0.25] * 4


def test_retry_waits_are_capped(fault_url):
    from feelish.integrations.spiff import FeelishEngine

    from .conftest import TEMPLATES

    waits = []
    with FeelishEngine(template_dirs=[TEMPLATES], sleep=waits.append, max_retry_delay=1.5) as engine:
        run(engine, fault_url, "r5", 10, 0)
    assert waits == [1, 1.5, 1.5]


def test_business_errors_are_not_retried(engine, waits, httpbin_url):
    workflow = engine.workflow(load(engine, "errors.bpmn"), "errors_process",
                               data={"apiBase": httpbin_url, "answer": 409})
    workflow.spec.task_specs["Check"].retries = 3
    workflow.do_engine_steps()
    assert finished(workflow)[-1] == "Duplicate"
    assert waits == []


COUNTDOWN = """connector countdown "a 503 is a jobError with one retry less, Camunda style"
input base: string required
input key: string required
input fail: number required
method: "GET"
url: base + "/retry"
queryParameters: {key: key, fail: string(fail), status: "503", after: "0"}
errorExpression: if error != null then jobError("busy", {}, context.retries - 1) else null
"""


def test_jobError_counting_down_context_retries_spends_the_modelled_retries(waits, fault_url):
    from feelish.integrations.spiff import FeelishEngine
    from feelish.templates import loads

    from .conftest import TEMPLATES

    with FeelishEngine(template_dirs=[TEMPLATES], sleep=waits.append,
                       templates={"flaky": loads(COUNTDOWN, name="countdown")}) as engine:
        workflow = run(engine, fault_url, "r6", 10, 0)  # Fetch: retries="3" backoff_base="1"
    assert finished(workflow)[-2:] == ["Fetch_failed", "Gave_up_fetch"]
    assert calls(fault_url, "r6-fetch") == 4  # as without the jobError: 1 + 3 retries
    assert waits == [1, 2, 4]  # no timeout in the jobError: the modelled backoff
