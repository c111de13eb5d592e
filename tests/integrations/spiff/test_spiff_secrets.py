"""Secrets come from the engine's runtime, never from task data, and never land in it."""
from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

from .conftest import SECRET, load


def everything(workflow) -> str:
    return repr([(t.data, t.internal_data) for t in workflow.get_tasks()]) + repr(workflow.data)


def test_secrets_used_by_connectors_are_masked_in_task_data(engine, httpbin_url):
    workflow = engine.workflow(load(engine, "secrets.bpmn"), "secrets_process",
                               data={"apiBase": httpbin_url})
    workflow.do_engine_steps()
    assert workflow.completed
    data = workflow.last_task.data
    # httpbin echoed the header and the bearer token: both were sent, neither is stored
    assert data["seen"]["status_code"] == 200
    assert data["seen"]["bodyAsObject"]["headers"]["X-Api-Key"] == "***"
    assert data["posted"]["headers"]["Authorization"] == "Bearer ***"
    assert SECRET not in everything(workflow)
    assert SECRET not in engine.dumps(workflow)


def test_a_secret_in_task_data_is_not_a_secret_source(engine, httpbin_url):
    # a variable that happens to be named like the secret is ignored: placeholders resolve
    # from the runtime's provider only
    workflow = engine.workflow(load(engine, "secrets.bpmn"), "secrets_process",
                               data={"apiBase": httpbin_url, "API_TOKEN": "from-task-data",
                                     "secrets": {"API_TOKEN": "from-task-data"}})
    workflow.do_engine_steps()
    assert "from-task-data" not in repr(workflow.last_task.data["seen"])


def test_a_missing_secret_is_named_and_nothing_is_called(httpbin_url):
    from feelish.integrations.spiff import FeelishEngine

    from .conftest import TEMPLATES

    with FeelishEngine(template_dirs=[TEMPLATES]) as engine:
        workflow = engine.workflow(load(engine, "secrets.bpmn"), "secrets_process",
                                   data={"apiBase": httpbin_url})
        with pytest.raises(WorkflowTaskException, match="secret 'API_TOKEN' is not available"):
            workflow.do_engine_steps()
        assert "seen" not in workflow.get_tasks()[-1].data


def test_expressions_outside_service_parameters_cannot_read_secrets(engine, httpbin_url):
    workflow = engine.workflow(load(engine, "feel.bpmn"), "feel_process", data={"items": []})
    workflow.spec.task_specs["Compute"].script = '{copy: "<<secrets.API_TOKEN>>"}'
    with pytest.raises(WorkflowTaskException) as caught:
        workflow.do_engine_steps()
    assert "API_TOKEN" in str(caught.value) and SECRET not in str(caught.value)
    assert SECRET not in everything(workflow)


LEAK = """connector leak "send a key to a server that echoes it, then call it a conflict"
input base: string required
input key: string required
method: "GET"
url: base + "/headers"
headers: {"X-Key": key}
errorExpression:
  bpmnError("ORDER_CONFLICT", "echoed: " + get value(response.body.headers, "X-Key"),
            {echo: response.body.headers})
"""


def run_check_task(httpbin_url, name: str, text: str, key: str):
    """Run errors.bpmn with its Check task swapped for the template `text` (inputs `base` and
    `key`, `key` given as the FEEL parameter `key`): (workflow, everything it stores, its task)."""
    from feelish.integrations.spiff import FeelishEngine
    from feelish.templates import loads

    with FeelishEngine(secrets={"API_TOKEN": SECRET},
                       templates={name: loads(text, name=name)}) as engine:
        workflow = engine.workflow(load(engine, "errors.bpmn"), "errors_process",
                                   data={"apiBase": httpbin_url, "answer": 0})
        spec = workflow.spec.task_specs["Check"]
        spec.operation_name = f"feelish/{name}"
        spec.operation_params = {"base": {"value": "apiBase", "type": "str"},
                                 "key": {"value": key, "type": "str"}}
        workflow.do_engine_steps()
        return workflow, everything(workflow) + engine.dumps(workflow), spec


def test_an_error_payload_is_redacted(httpbin_url):
    # httpbin's /headers echoes the secret header; the error expression copies it into the
    # error's message and variables
    workflow, stored, _ = run_check_task(httpbin_url, "leak", LEAK, '"<<secrets.API_TOKEN>>"')
    conflict = workflow.last_task.data["conflict"]
    assert conflict["code"] == "ORDER_CONFLICT"
    assert conflict["variables"]["echo"]["X-Key"] == "***"
    assert conflict["message"] == "echoed: ***"
    assert SECRET not in stored


KEEP = """connector keep "map an input derived from a secret straight into the outputs"
input base: string required
input key: string secret required
method: "GET"
url: base + "/get"
resultExpression: {kept: key, length: string length(key)}
"""


def test_an_output_derived_from_a_secret_is_masked_in_task_data(httpbin_url):
    # the parameter transforms the secret (upper case), so its text is not the secret's; the
    # template maps the tainted input straight into an output
    workflow, stored, spec = run_check_task(httpbin_url, "keep", KEEP,
                                            'upper case("<<secrets.API_TOKEN>>")')
    assert SECRET.upper() not in stored and SECRET not in stored
    result = next(t.data[spec.result_variable] for t in workflow.get_tasks()
                  if spec.result_variable in t.data)
    assert result["kept"] == "***" and result["length"] == len(SECRET)
