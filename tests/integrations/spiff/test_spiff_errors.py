"""Connector failures as BPMN errors caught by modelled error boundary events, by code."""
from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

import feelish
from feelish.integrations.spiff import bpmn_code

from .conftest import finished, load, state_of


def run(engine, base, answer):
    workflow = engine.workflow(load(engine, "errors.bpmn"), "errors_process",
                               data={"apiBase": base, "answer": answer})
    workflow.do_engine_steps()
    return workflow


def test_a_success_takes_the_normal_flow(engine, httpbin_url):
    workflow = run(engine, httpbin_url, 200)
    assert workflow.completed and finished(workflow)[-1] == "Checked"
    assert workflow.last_task.data["checked"] == {}


def test_http_404_is_caught_as_HttpError404(engine, httpbin_url):
    workflow = run(engine, httpbin_url, 404)
    assert workflow.completed
    assert finished(workflow)[-2:] == ["On_not_found", "Missing"]
    assert state_of(workflow, "Check") == "CANCELLED"  # interrupted by the boundary event
    data = workflow.last_task.data
    assert "checked" not in data  # a failed call maps nothing
    error = data["notFound"]  # spiffworkflow:variableName of the bpmn:error
    assert (error["code"], error["status"], error["message"]) == ("HttpError404", 404, "NOT FOUND")
    assert error["response"]["status"] == 404 and error["variables"] == {}


def test_a_template_bpmnError_is_caught_by_its_code(engine, httpbin_url):
    workflow = run(engine, httpbin_url, 409)
    assert finished(workflow)[-2:] == ["On_conflict", "Duplicate"]
    error = workflow.last_task.data["conflict"]
    assert error["code"] == "ORDER_CONFLICT"
    assert error["message"] == "the order exists already"
    assert error["variables"] == {"conflictStatus": 409}
    assert "notFound" not in workflow.last_task.data


def test_an_uncaught_code_fails_the_task_naming_the_code(engine, httpbin_url):
    with pytest.raises(WorkflowTaskException) as caught:
        run(engine, httpbin_url, 500)
    assert "HttpError500" in str(caught.value)
    assert caught.value.error_code == "HttpError500"
    assert caught.value.task.task_spec.bpmn_id == "Check"
    assert state_of(caught.value.task.workflow, "Check") == "ERROR"
    assert not caught.value.task.workflow.completed


def test_an_unknown_template_is_a_clear_task_error(engine, httpbin_url):
    parser = load(engine, "errors.bpmn")
    workflow = engine.workflow(parser, "errors_process", data={"apiBase": httpbin_url, "answer": 200})
    workflow.spec.task_specs["Check"].operation_name = "feelish/no-such-template"
    with pytest.raises(WorkflowTaskException, match="no connector template named 'no-such-template'"):
        workflow.do_engine_steps()


def test_a_parameter_that_is_not_feel_names_the_parameter(engine, httpbin_url):
    parser = load(engine, "errors.bpmn")
    workflow = engine.workflow(parser, "errors_process", data={"apiBase": httpbin_url, "answer": 200})
    workflow.spec.task_specs["Check"].operation_params["code"]["value"] = "answer +"
    with pytest.raises(WorkflowTaskException) as caught:
        workflow.do_engine_steps()
    assert "parameter 'code'" in str(caught.value) and "line 1, column" in str(caught.value)


@pytest.mark.parametrize(("error", "code"), [
    (feelish.ConnectorError("503", "Service Unavailable"), "HttpError503"),
    (feelish.BusinessError("ORDER_CONFLICT", "exists"), "ORDER_CONFLICT"),
    (feelish.BusinessError("404", "a business code that looks like a status"), "404"),
    (feelish.ConnectorError("TIMEOUT", "read timeout"), "TIMEOUT"),
])
def test_error_codes(error, code):
    assert bpmn_code(error) == code
