"""Camunda REST connector tasks (.bpmn) and element templates -> templates: `=` FEEL kept,
`{{secrets.X}}` converted, process variables as inputs; run against the example API and httpbin."""
from __future__ import annotations

import pytest

from feelish import BusinessError
from feelish.templates.importers import import_camunda
from tests.templates.importers.helpers import assert_problem, by_name, read, run

CREDS = {"ORDERS_CLIENT_SECRET": "example-secret", "SIGNING_KEY": "sig-1"}


@pytest.fixture(scope="module")
def tasks():
    return by_name(import_camunda(read("order-process.bpmn")))


def test_only_rest_tasks_are_imported(tasks):
    assert sorted(tasks) == ["audit-log", "check-delivery-weather", "create-order"]


def test_inputs_are_the_variables_the_expressions_read(tasks):
    assert list(tasks["check-delivery-weather"].inputs) == ["apiBase", "deliveryCity"]
    assert list(tasks["create-order"].inputs) == ["apiBase", "orderRef", "order"]
    create = tasks["create-order"]
    assert create.fields["authentication.clientSecret"].value.text == '"<<secrets.ORDERS_CLIENT_SECRET>>"'
    assert '"X-Signature": "<<secrets.SIGNING_KEY>>"' in create.fields["headers"].value.text
    # the 8.0 form `secrets.X` as a whole value
    assert tasks["audit-log"].fields["authentication.password"].value.text == '"<<secrets.AUDIT_PASSWORD>>"'


def test_weather_task_runs_with_its_error_expression(tasks, example_api):
    variables = {"apiBase": example_api.url, "deliveryCity": "Lisbon"}
    out = run(tasks["check-delivery-weather"], variables).outputs
    assert out == {"temperature": 23.5, "conditions": "sunny"}
    with pytest.raises(BusinessError) as failed:
        run(tasks["check-delivery-weather"], {**variables, "deliveryCity": "Atlantis"})
    assert failed.value.code == "UNKNOWN_CITY" and "Atlantis" in failed.value.message


def test_create_order_task_with_oauth2_and_result_variable(tasks, example_api):
    out = run(tasks["create-order"], {"apiBase": example_api.url, "orderRef": "o-9",
                                      "order": {"item": "rooibos", "quantity": 2}}, secrets=CREDS).outputs
    assert out["createOrderResponse"]["status"] == 201
    assert out["orderLocation"] == f"/orders/{out['orderId']}"


def test_audit_task_with_basic_auth(tasks, httpbin_url):
    template = tasks["audit-log"]
    assert template.fields["body"].value.text == '{event: "order created"}'  # JSON text, as Camunda reads it
    assert template.fields["headers"].value.text == '{"X-Audit-Key": "<<secrets.AUDIT_KEY>>", "X-Source": "bpmn"}'
    outcome = run(template, {"auditBase": httpbin_url, "orderId": 12},
                  secrets={"AUDIT_USER": "auditor", "AUDIT_PASSWORD": "pw", "AUDIT_KEY": "ak-1"})
    assert outcome.outputs == {"audited": True, "auditedAs": "order created"}
    assert outcome.response["body"]["headers"]["X-Audit-Key"] == "ak-1"


def test_element_templates(example_api, httpbin_url):
    templates = by_name(import_camunda(read("rest-connector.element-templates.json")))
    weather = templates["com-example-connectors-weather-lookup"]
    out = run(weather, {"baseUrl": example_api.url, "queryParameters": {"city": "Berlin"}}).outputs
    assert out == {"temperature": 14}
    rest = templates["com-example-connectors-auth-rest"]
    assert rest.inputs["url"].required and rest.inputs["authenticationPassword"].secret
    out = run(rest, {"url": httpbin_url + "/anything/x", "authenticationUsername": "u",
                     "authenticationPassword": "p", "body": {"a": 1}}).outputs
    assert out["status"] == 200 and out["body"]["json"] == {"a": 1}
    assert out["body"]["headers"]["Authorization"] == "Basic dTpw"


BPMN = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"><bpmn:process id="p">{}</bpmn:process>'
        '</bpmn:definitions>')
TASK = ('<bpmn:serviceTask id="T1"><bpmn:extensionElements><zeebe:taskDefinition type="io.camunda:http-json:1"/>'
        '<zeebe:ioMapping>{}</zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>')


@pytest.mark.parametrize("text, message", [
    ("<bpmn:definitions", "BPMN file: not well-formed XML at line 1"),
    ("<other/>", "the root element is not bpmn:definitions"),
    ('<!DOCTYPE d [<!ENTITY a "aaaa">]><bpmn:definitions/>', "a DOCTYPE or ENTITY declaration is not accepted"),
    (BPMN.format(""), "no REST connector tasks"),
    (BPMN.format(TASK.format('<zeebe:input source="=a +" target="url"/>')),
     "task 'T1': url: the FEEL expression does not parse"),
    (BPMN.format(TASK.format('<zeebe:input source="x" target="foo.bar"/><zeebe:input source="http://x" target="url"/>')),
     "task 'T1': 'foo.bar' is neither a connector field nor a variable name"),
    (BPMN.format(TASK.format('<zeebe:input source="get" target="method"/>')), "task 'T1': no url input mapping"),
    ('[{"name": "t"}]', "element template #1: expected an object with 'properties'"),
    ('{"name": "t", "properties": [{"type": "Hidden", "value": "x", "binding": {"type": "zeebe:input", '
     '"name": "a.b"}}]}', "element template 't': property 'a.b' (a.b): field 'a.b' has no feelish equivalent"),
])
def test_bad_input_names_the_part(text, message):
    assert_problem(import_camunda, text, message)


def test_local_variables_of_the_input_mappings_become_inputs(httpbin_url):
    task = TASK.format('<zeebe:input source="=base + &#34;/anything&#34;" target="endpoint"/>'
                       '<zeebe:input source="=endpoint + &#34;/x&#34;" target="url"/>')
    template = by_name(import_camunda(BPMN.format(task)))["t1"]
    assert list(template.inputs) == ["base", "endpoint"]
    out = run(template, {"base": httpbin_url}).outputs
    assert out == {}
