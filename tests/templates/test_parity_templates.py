"""Issue 10, items 5, 6 and 10-13 on the template side: the Bonita-style connectors' new inputs,
undeclared inputs, plain names, Camunda's forms; against the real local servers."""
from __future__ import annotations

import itertools

import httpx2
import pytest

from feelish import Connector, Literal
from feelish.connector import Runtime
from feelish.errors import ConnectorError, TemplateError
from feelish.templates import check, check_warnings, load, loads, run_template, to_mapping

_keys = itertools.count()


@pytest.fixture(scope="module")
def runtime():
    with Runtime(trust_env=False) as rt:
        yield rt


def _count(fault_url, key):
    return httpx2.get(f"{fault_url}/count?key={key}").json()["count"]


# ---------------------------------------------------------------- item 10: Bonita inputs
@pytest.mark.parametrize("fail_on_5xx", [False, True])
def test_bonita_retries_retry_a_5xx_whether_or_not_it_fails(fault_url, runtime, fail_on_5xx):
    key = f"bonita-{next(_keys)}"
    outcome = run_template(load("get"), {"url": f"{fault_url}/retry?key={key}&fail=1", "retries": 2,
                                         "failOn5xx": fail_on_5xx}, runtime=runtime)
    assert outcome.outputs["status_code"] == 200 and _count(fault_url, key) == 2
    key = f"bonita-{next(_keys)}"  # out of retries, not failing on 5xx: the 503 is the outcome
    outcome = run_template(load("get"), {"url": f"{fault_url}/retry?key={key}&fail=9", "retries": 1},
                           runtime=runtime)
    assert outcome.outputs["status_code"] == 503 and _count(fault_url, key) == 2


def test_bonita_post_retries_too_when_asked(fault_url, runtime):
    key = f"bonita-{next(_keys)}"
    outcome = run_template(load("post"), {"url": f"{fault_url}/retry?key={key}&fail=1", "body": "{}",
                                          "retries": 1}, runtime=runtime)
    assert outcome.outputs["status_code"] == 200 and _count(fault_url, key) == 2


def test_bonita_failure_exception_codes_never_fail(fault_url, runtime):
    variables = {"url": f"{fault_url}/status?code=404", "failOn4xx": True}
    with pytest.raises(ConnectorError) as info:
        run_template(load("get"), variables, runtime=runtime)
    assert info.value.code == "404"
    for codes in ([404], ["4xx"]):
        outcome = run_template(load("get"), {**variables, "failureExceptionCodes": codes}, runtime=runtime)
        assert outcome.outputs["status_code"] == 404


def test_bonita_retry_additional_codes(fault_url, runtime):
    key = f"bonita-{next(_keys)}"
    outcome = run_template(load("get"), {"url": f"{fault_url}/retry?key={key}&fail=1&status=429",
                                         "retries": 1, "retryAdditionalCodes": [429]}, runtime=runtime)
    assert outcome.outputs["status_code"] == 200 and _count(fault_url, key) == 2


def test_bonita_context_headers(httpbin_url, runtime):
    outcome = run_template(load("get"), {"url": f"{httpbin_url}/headers", "addContextHeaders": True},
                           runtime=runtime, context={"taskId": "t-7", "processInstanceId": 42})
    headers = outcome.outputs["bodyAsObject"]["headers"]
    assert headers["X-Task-Id"] == "t-7" and headers["X-Process-Instance-Id"] == "42"
    outcome = run_template(load("get"), {"url": f"{httpbin_url}/headers"}, runtime=runtime,
                           context={"taskId": "t-7"})
    assert "X-Task-Id" not in outcome.outputs["bodyAsObject"]["headers"]


# ---------------------------------------------------------------- item 11: undeclared inputs
def test_an_undeclared_input_is_a_warning_with_a_did_you_mean(httpbin_url, runtime):
    outcome = run_template(load("get"), {"url": f"{httpbin_url}/get", "readTimeot": 5}, runtime=runtime)
    (warning,) = [w for w in outcome.warnings if w.kind == "undeclared-input"]
    assert "'readTimeot'" in warning.message and "did you mean 'readTimeout'?" in warning.message
    with pytest.raises(ConnectorError) as info:  # a failed call keeps it too
        run_template(load("get"), {"url": f"{httpbin_url}/status/500", "failOn5xx": True, "bdy": 1},
                     runtime=runtime)
    assert any(w.kind == "undeclared-input" for w in info.value.warnings)


# ---------------------------------------------------------------- item 12: kind / resultVariable forms
@pytest.mark.parametrize("form", ['"whole"', "whole", '="whole"'])
def test_result_variable_as_a_string_or_a_plain_name(httpbin_url, runtime, form):
    template = loads(f'input base: string required\nurl: base + "/get"\nresultVariable: {form}\n')
    assert check(template) == [] and to_mapping(template)["resultVariable"] == "whole"
    outcome = run_template(template, {"base": httpbin_url}, runtime=runtime)
    assert list(outcome.outputs) == ["whole"] and outcome.outputs["whole"]["status"] == 200


@pytest.mark.parametrize("form", ['"token"', "token", Literal("token")])
def test_kind_as_a_string_expression_or_a_plain_name(form):
    connector = Connector.from_mapping({"kind": form, "authentication": "{}"})
    assert connector.kind == "token"
    connector = Connector.from_mapping({"url": '"http://127.0.0.1:1/"', "resultVariable": '"r"'})
    assert connector.result_variable == "r"  # never a key with quotes in it


# ---------------------------------------------------------------- item 13: Camunda's forms
def test_a_leading_equals_sign_and_brace_secrets(httpbin_url, runtime):
    template = loads('input base: string required\n'
                     'url: =base + "/headers"\n'
                     'headers: ={"X-Key": "k-{{secrets.API_KEY}}"}\n'
                     'resultExpression: = {key: response.body.headers.`X-Key`}\n')
    assert check(template) == []
    outcome = run_template(template, {"base": httpbin_url}, secrets={"API_KEY": "s3cr3t-value"},
                           runtime=runtime)
    assert outcome.outputs == {"key": "k-s3cr3t-value"}
    connector = Connector.from_mapping({"url": f'="{httpbin_url}/headers"',
                                        "headers": Literal({"X-Key": "{{secrets.API_KEY}}"})}, runtime=runtime)
    spec = connector.dry_run(secrets={"API_KEY": "s3cr3t-value"})
    assert ("X-Key", "<<secrets.API_KEY>>") in spec.headers


# ---------------------------------------------------------------- items 5 and 6 from `check`
def test_check_warns_about_a_number_code_and_a_get_body():
    text = ('url: "http://127.0.0.1:1/"\n'
            'body: {q: 1}\n'
            'errorExpression: if error.code = 404 then bpmnError("NF") else null\n')
    template = loads(text)
    warnings = check_warnings(template)
    messages = [w.message for w in warnings]
    assert any("never matches" in m for m in messages) and any("GET request is not sent" in m for m in messages)
    code = next(w for w in warnings if "never matches" in w.message)
    assert (code.line, text[code.span.start:code.span.end]) == (3, "error.code = 404")
    assert check_warnings(loads(text.replace("body:", "allowGetBody: true\nbody:"))).__len__() == 1


def test_a_template_with_several_syntax_errors_reports_them_all():
    text = ('url "http://a"\n'            # missing colon
            'method: "GET"\n'
            'input x: strin\n'            # unknown type
            'headers:\n'                  # no value
            'input x: string\n')
    with pytest.raises(TemplateError) as info:
        loads(text)
    lines = [p.line for p in info.value.problems]
    assert lines == [1, 3, 4], [str(p) for p in info.value.problems]
