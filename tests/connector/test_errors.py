"""Failures, exclusions, the error expression, retries and redaction."""
from __future__ import annotations

import time
import uuid

import pytest

from feelish import BusinessError, ConnectorError, Literal


def key() -> str:
    return uuid.uuid4().hex[:10]


def test_4xx_fails_by_default_with_status_reason_and_response(make, fault_url):  # complaint 20
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(f"{fault_url}/status?code=422&reason=Unprocessable"), "resultVariable": "r"}).run()
    err = info.value
    assert (err.code, err.message) == ("422", "Unprocessable")
    assert err.response["body"] == {"error": "as requested", "code": 422}
    assert err.variables["response"]["headers"]["Content-Type"] == "application/json"


def test_3xx_is_success(make, httpbin_url):
    assert make({"url": Literal(f"{httpbin_url}/status/304")}).run().response["status"] == 304


def test_exclusions(make, fault_url):
    out = make({"url": Literal(f"{fault_url}/status?code=404"), "ignoreStatus": Literal([404]),
                "resultExpression": "{found: response.status != 404}"}).run()
    assert out.outputs == {"found": False}
    out = make({"url": Literal(f"{fault_url}/status?code=409"), "ignoreStatus": '["4xx"]'}).run()
    assert out.response["status"] == 409
    out = make({"url": Literal(f"{fault_url}/status?code=500"), "failOnStatus": False}).run()
    assert out.response["status"] == 500


def test_error_expression_sees_the_4xx_body(make, fault_url):  # complaint 9
    c = make({"url": Literal(f"{fault_url}/status?code=400"),
              "errorExpression": 'if error.code = "400" then bpmnError("BAD", "bad: " + response.body.error, '
                                 '{detail: response.body.code}) else null'})
    with pytest.raises(BusinessError) as info:
        c.run()
    assert (info.value.code, info.value.message, info.value.variables) == ("BAD", "bad: as requested",
                                                                           {"detail": 400})


def test_error_expression_can_ignore_a_failure(make, fault_url):
    out = make({"url": Literal(f"{fault_url}/status?code=404"),
                "resultExpression": "{never: 1}",
                "errorExpression": 'if response.status = 404 then ignoreError({missing: true}) else null'}).run()
    assert out.outputs == {"missing": True}


def test_error_expression_as_plain_context_and_after_success(make, fault_url):
    c = make({"url": Literal(f'{fault_url}/json?v={{"state":"failed"}}'), "resultExpression": "{x: 1}",
              "errorExpression": 'if response.body.state = "failed" then {code: "JOB_FAILED"} else null'})
    with pytest.raises(BusinessError) as info:
        c.run()
    assert info.value.code == "JOB_FAILED"


def test_a_broken_error_expression_keeps_the_original_failure(make, fault_url):  # complaint 12
    c = make({"url": Literal(f"{fault_url}/status?code=503&reason=Busy"),
              "errorExpression": 'if error.nothing.deeper > 3 then bpmnError("X") else {}'})
    with pytest.raises(ConnectorError) as info:
        c.run()
    assert info.value.code == "503" and info.value.retryable and not isinstance(info.value, BusinessError)


def test_retries_on_5xx_then_succeed(make, fault_server):
    k = key()
    out = make({"url": Literal(f"{fault_server.url}/retry?key={k}&fail=2&status=503"), "retries": 3,
                "retryBackoff": 0.01}).run()
    assert out.response["body"] == {"attempt": 3} and out.attempts == 3


def test_retry_after_is_honoured(make, fault_server):
    k = key()
    started = time.monotonic()
    out = make({"url": Literal(f"{fault_server.url}/retry?key={k}&fail=1&after=1"), "retries": 1}).run()
    assert out.attempts == 2 and time.monotonic() - started >= 0.95


def test_retries_give_up_and_report_the_last_failure(make, fault_server):
    k = key()
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(f"{fault_server.url}/retry?key={k}&fail=9"), "retries": 2,
              "retryBackoff": '{delay: 0.01, factor: 2, jitter: 0.1}'}).run()
    assert info.value.code == "503"
    assert fault_server.extra["counts"][k] == 3


def test_post_is_not_retried_unless_asked(make, fault_server):
    k = key()
    with pytest.raises(ConnectorError):
        make({"method": '"POST"', "url": Literal(f"{fault_server.url}/retry?key={k}&fail=1"),
              "retries": 3}).run()
    assert fault_server.extra["counts"][k] == 1
    out = make({"method": '"POST"', "url": Literal(f"{fault_server.url}/retry?key={k}x&fail=1"),
                "retries": 3, "retryNonIdempotent": True, "retryBackoff": 0.01}).run()
    assert out.attempts == 2


def test_configured_codes_retry_others_do_not(make, fault_server):
    k = key()
    out = make({"url": Literal(f"{fault_server.url}/retry?key={k}&fail=1&status=429"), "retries": 2,
                "retryOn": "[429]", "retryBackoff": 0.01}).run()
    assert out.attempts == 2
    k2 = key()
    with pytest.raises(ConnectorError):
        make({"url": Literal(f"{fault_server.url}/retry?key={k2}&fail=1&status=429"), "retries": 2}).run()
    assert fault_server.extra["counts"][k2] == 1


def test_timeouts_are_retried(make, fault_url):
    started = time.monotonic()
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(f"{fault_url}/stall?seconds=3"), "readTimeoutInSeconds": 0.2,
              "retries": 2, "retryBackoff": 0.01}).run()
    assert info.value.code == "TIMEOUT" and time.monotonic() - started >= 0.6


def test_input_errors_never_retry(make, fault_server):
    with pytest.raises(ConnectorError) as info:
        make({"url": '"' + fault_server.url + '/retry?key=never&x=" + <<secrets.MISSING>>',
              "retries": 5}).run()
    assert info.value.code == "INPUT_ERROR" and "MISSING" in info.value.message
    assert fault_server.extra["counts"]["never"] == 0


def test_secrets_are_redacted_everywhere_in_errors(make, httpbin_url):
    c = make({"method": '"POST"', "url": Literal(f"{httpbin_url}/status/401"),
              "headers": '{"Authorization": "Bearer <<secrets.TOKEN>>"}',
              "body": '{password: "<<secrets.PASSWORD>>"}',
              "errorExpression": 'bpmnError("E", "token was <<secrets.TOKEN>>", {echo: "<<secrets.PASSWORD>>"})'})
    with pytest.raises(BusinessError) as info:
        c.run()
    shown = str(info.value) + repr(info.value) + repr(info.value.to_dict())
    assert "tok-Secret-9f8e" not in shown and "pw-Secret-1a2b" not in shown and "***" in shown


def test_redaction_of_echoed_secrets_in_error_responses(make, fault_url):
    c = make({"url": '"' + fault_url + '/status?code=500&reason=" + "<<secrets.TOKEN>>"'})
    with pytest.raises(ConnectorError) as info:
        c.run()
    assert "tok-Secret-9f8e" not in repr(info.value.to_dict()) + str(info.value)


def test_result_expression_must_return_a_context(make, httpbin_url):  # complaint 13
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(f"{httpbin_url}/get"), "resultExpression": "[1, 2]"}).run()
    assert info.value.code == "RESULT_ERROR" and "a list" in info.value.message
    out = make({"url": Literal(f"{httpbin_url}/status/204"), "resultExpression": "response.body.x"}).run()
    assert out.outputs == {}  # null result on an empty response: nothing mapped, no crash


def test_all_outputs_or_none(make, httpbin_url):
    out = make({"url": Literal(f"{httpbin_url}/get"), "resultVariable": "whole",
                "resultExpression": "{url: response.body.url, st: response.status}"}).run()
    assert set(out.outputs) == {"whole", "url", "st"} and out.outputs["whole"]["status"] == 200
    with pytest.raises(ConnectorError):
        make({"url": Literal(f"{httpbin_url}/status/500"), "resultVariable": "whole",
              "resultExpression": "{st: response.status}"}).run()
