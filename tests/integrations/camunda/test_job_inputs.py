"""Reading a job as Camunda's REST connector does, without a cluster: durations, inputs ->
connector fields, and the outcome rules (no network here; the worker tests cover the calls)."""
from __future__ import annotations

from datetime import timedelta

import pytest

import feelish
from feelish.integrations.camunda import (Complete, Fail, Job, ThrowError, connector_fields,
                                          on_failure, on_success, parse_duration)


@pytest.mark.parametrize("text, seconds", [
    ("PT5S", 5), ("PT0S", 0), ("PT1M30S", 90), ("P1DT2H", 93600), ("pt0.25s", 0.25), ("PT1.5S", 1.5),
    ("P2D", 172800), ("PT-1S", None), ("5m", None), ("P", None), ("PT", None), ("P1Y", None), ("", None),
])
def test_retry_backoff_durations(text, seconds):
    if seconds is None:
        with pytest.raises(ValueError):
            parse_duration(text)
    else:
        assert parse_duration(text) == timedelta(seconds=seconds)


def _values(fields, variables=None, secrets=None):
    resolver = feelish.MappingSecrets(secrets or {})
    out = {}
    for name, value in fields.items():
        out[name] = value.value if isinstance(value, feelish.Literal) else value.evaluate(
            variables or {}, secrets=resolver)
    return out


def test_timeouts_follow_camunda_defaults():
    assert _values(connector_fields({"url": "http://x"}))["readTimeoutInSeconds"] == 20
    values = _values(connector_fields({"url": "http://x", "connectionTimeoutInSeconds": "5"}))
    assert values["connectionTimeoutInSeconds"] == 5 and values["readTimeoutInSeconds"] == 5
    values = _values(connector_fields({"url": "http://x", "connectionTimeoutInSeconds": 5,
                                       "readTimeoutInSeconds": 0}))
    assert values["readTimeoutInSeconds"] == 0
    with pytest.raises(feelish.ConnectorError) as info:
        connector_fields({"url": "http://x", "readTimeoutInSeconds": "soon"})
    assert info.value.code == "INPUT_ERROR" and info.value.field == "readTimeoutInSeconds"


def test_json_text_inputs_are_parsed_before_secrets_are_resolved():
    fields = connector_fields({"url": "http://x", "headers": '{"A": "{{secrets.Q}}"}',
                               "body": '{"n": 1.5}', "queryParameters": '{"q": "x"}'})
    values = _values(fields, secrets={"Q": 'has "quotes"'})
    assert values["headers"] == {"A": 'has "quotes"'}
    assert values["body"] == {"n": feelish.compile("1.5").evaluate({})}
    assert values["queryParameters"] == {"q": "x"}
    assert _values(connector_fields({"url": "http://x", "body": '"quoted"'}))["body"] == '"quoted"'
    assert _values(connector_fields({"url": "http://x", "body": "plain text"}))["body"] == "plain text"


def test_secret_references_in_feel_inputs_inside_and_outside_strings():
    fields = connector_fields({"url": '="http://x/" + {{secrets.PATH}}',
                               "headers": '={"Authorization": "Bearer {{ secrets.TOKEN }}"}'})
    values = _values(fields, secrets={"PATH": 'a" + "b', "TOKEN": "t0k"})
    assert values["url"] == 'http://x/a" + "b'  # a value, never FEEL source
    assert values["headers"] == {"Authorization": "Bearer t0k"}
    with pytest.raises(feelish.SecretError) as info:
        _values(fields, secrets={"PATH": "p"})
    assert "TOKEN" in str(info.value)


def test_flags_unsupported_inputs_and_feel_syntax_errors():
    assert _values(connector_fields({"url": "http://x", "skipEncoding": "true"}))["skipEncoding"] is True
    for variables, name in (({"url": "http://x", "clientTls": {"cert": "c"}}, "clientTls"),
                            ({"url": "http://x", "groupSetCookieHeaders": True}, "groupSetCookieHeaders"),
                            ({"url": '="http://x" +'}, "url"),
                            ({"url": "http://x", "authentication": {"type": "basic", "password": "=)"}},
                             "authentication.password")):
        with pytest.raises(feelish.ConnectorError) as info:
            connector_fields(variables)
        assert info.value.field == name
    fields = connector_fields({"url": "http://x", "storeResponse": True, "documentReturnFormat": "json"})
    assert "storeResponse" not in fields


def _job(**headers):
    return Job(key="1", type="t", retries=3, variables={}, headers=headers)


RESPONSE = {"status": 200, "reason": "OK", "headers": {}, "body": {"id": 7}, "document": None}


def test_outcome_rules():
    assert on_success(_job(resultExpression="={id: body.id, same: response.body.id}"), RESPONSE) == \
        Complete({"id": 7, "same": 7})
    assert on_success(_job(resultExpression="=[1]"), RESPONSE).retries == 0
    assert on_success(_job(errorExpression='=bpmnError("C", "m", {x: 1})'), RESPONSE) == \
        ThrowError("C", "m", {"x": 1})
    assert on_success(_job(errorExpression='=bpmnError(null)'), RESPONSE) == Complete({})
    assert on_success(_job(errorExpression='={code: "X"}'), RESPONSE).retries == 0
    action = on_success(_job(errorExpression='=jobError("later", {}, 2, "PT1S")'), RESPONSE)
    assert isinstance(action, Fail) and action.retries == 0 and "retryBackoff" in action.message
    action = on_success(_job(errorExpression='=jobError("later")'), RESPONSE)
    assert (action.retries, action.backoff, action.variables) == (0, timedelta(0), {"error": "later"})
    error = feelish.ConnectorError("TIMEOUT", "read timeout")
    action = on_failure(_job(), error, timedelta(seconds=2))
    assert (action.retries, action.backoff) == (2, timedelta(seconds=2))
    assert action.variables["error"]["code"] == "TIMEOUT"
    assert on_failure(_job(), feelish.ConnectorError("INPUT_ERROR", "bad"), None).retries == 0
