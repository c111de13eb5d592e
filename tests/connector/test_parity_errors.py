"""Issue 10, items 1-5: Camunda's error-expression contract against the real fault server.

The fault server's /retry?key=K&fail=N answers 503 (or `status`) N times, then 200; /count?key=K
says how many requests K got, so every test proves how many attempts were really made.
"""
from __future__ import annotations

import itertools

import httpx2
import pytest

from feelish import BusinessError, ConnectorError, Literal
from feelish import JobError

_keys = itertools.count()


def _key() -> str:
    return f"parity-{next(_keys)}"


def _count(fault_url: str, key: str) -> int:
    return httpx2.get(f"{fault_url}/count?key={key}").json()["count"]


def _flaky(make, fault_url, key, expression, *, fail=5, status=503, retries=3, **fields):
    return make({"url": Literal(f"{fault_url}/retry?key={key}&fail={fail}&status={status}"),
                 "retries": retries, "retryBackoff": 0, "errorExpression": expression, **fields})


# ---------------------------------------------------------------- item 1: judged before retrying
def test_bpmn_error_ends_the_call_at_once_without_retries(make, fault_url):
    key = _key()
    connector = _flaky(make, fault_url, key,
                       'if error != null and error.code = "503" then bpmnError("BUSY", "busy") else null')
    with pytest.raises(BusinessError) as info:
        connector.run()
    assert info.value.code == "BUSY" and _count(fault_url, key) == 1


def test_ignore_error_ends_the_call_at_once_and_maps_its_variables(make, fault_url):
    key = _key()
    outcome = _flaky(make, fault_url, key, 'if error != null then ignoreError({gaveUp: job.attempt}) '
                     'else null').run()
    assert outcome.outputs == {"gaveUp": 1} and outcome.attempts == 1 and _count(fault_url, key) == 1


def test_a_plain_failure_goes_on_to_the_retry_policy(make, fault_url):
    key = _key()
    with pytest.raises(ConnectorError) as info:
        _flaky(make, fault_url, key, "null", retries=2).run()
    assert info.value.code == "503" and _count(fault_url, key) == 3


def test_a_job_error_goes_on_to_the_retry_policy_and_sees_the_attempt(make, fault_url):
    key = _key()
    with pytest.raises(JobError) as info:
        _flaky(make, fault_url, key, 'if error != null then jobError("attempt " + string(job.attempt) '
               '+ " of " + string(job.attempt + job.retries - 1)) else null', retries=2).run()
    assert info.value.message == "attempt 3 of 3" and _count(fault_url, key) == 3
    key = _key()  # and a retry that then succeeds is a success
    outcome = _flaky(make, fault_url, key, 'if error != null then jobError("again") else null',
                     fail=1, retries=2).run()
    assert outcome.response["status"] == 200 and outcome.attempts == 2


def test_the_error_expression_still_turns_a_success_into_a_business_error(make, fault_url):
    connector = make({"url": Literal(f"{fault_url}/json?v=" + '{"state":"rejected"}'), "retries": 3,
                      "errorExpression": 'if response.body.state = "rejected" then bpmnError("NO") else null'})
    with pytest.raises(BusinessError):
        connector.run()


# ---------------------------------------------------------------- item 2: jobError's four arguments
def test_job_error_carries_message_variables_retries_and_backoff(make, fault_url):
    connector = make({"url": Literal(f"{fault_url}/status?code=404"),
                      "errorExpression": 'jobError("gone", {why: error.code}, 2, duration("PT5S"))'})
    with pytest.raises(JobError) as info:
        connector.run()
    error = info.value
    assert (error.code, error.message, error.variables) == ("JOB_ERROR", "gone", {"why": "404"})
    assert error.retries == 2 and error.backoff == 5.0
    data = error.to_dict()
    assert data["retries"] == 2 and data["retryBackoff"] == "PT5S" and data["variables"] == {"why": "404"}


def test_job_error_defaults_are_empty_variables_no_retries_and_no_backoff(make, fault_url):
    connector = make({"url": Literal(f"{fault_url}/status?code=500"), "errorExpression": 'jobError("x")'})
    with pytest.raises(JobError) as info:
        connector.run()
    assert (info.value.variables, info.value.retries, info.value.backoff) == ({}, 0, 0.0)
    assert info.value.to_dict()["retryBackoff"] == "PT0S"


def test_job_error_extra_and_wrong_typed_arguments_are_warnings(make, fault_url):
    connector = make({"url": Literal(f"{fault_url}/status?code=500"),
                      "errorExpression": 'jobError("x", "not a context", "3", duration("PT1S"), "extra")'})
    with pytest.raises(JobError) as info:
        connector.run()
    text = " ".join(w.message for w in info.value.warnings)
    assert "1 extra ignored" in text and "variables must be a context" in text
    assert "retries must be a whole number" in text
    assert info.value.retries == 0 and info.value.backoff == 1.0  # defaults used, the rest kept
    connector = make({"url": Literal(f"{fault_url}/status?code=500"),
                      "errorExpression": 'jobError(errorMessage: "x", tries: 3)'})
    with pytest.raises(JobError) as info:
        connector.run()
    assert any("no parameter 'tries'" in w.message for w in info.value.warnings)


# ---------------------------------------------------------------- item 3: backoff() and job in scope
def test_backoff_and_job_retries_compute_the_engine_retry(make, fault_url):
    connector = make({"url": Literal(f"{fault_url}/status?code=404"), "retries": 2,
                      "errorExpression": 'jobError("later", {}, job.retries - 1, '
                                         'backoff(job.attempt + 2, duration("PT1S"), 2, duration("PT1M"), 0))'})
    with pytest.raises(JobError) as info:
        connector.run()
    # a 404 is not retried in process; attempt 1 of 3 possible: 2 left, backoff 1 s * 2^(3-1)
    assert info.value.retries == 2 and info.value.backoff == 4.0


@pytest.mark.parametrize(("call", "low", "high"), [
    ("backoff(1)", 0.045, 0.055),                                      # minDelay 50 ms, jitter 10 %
    ("backoff(100)", 4.5, 5.5),                                        # capped by maxDelay 5 s
    ('backoff(3, duration("PT1S"), 2, duration("PT1M"), 0)', 4.0, 4.0),
    ('backoff(10, duration("PT1S"), 2, duration("PT3S"), 0)', 3.0, 3.0),
])
def test_backoff_follows_camundas_arguments_and_defaults(make, fault_url, call, low, high):
    outcome = make({"url": Literal(f"{fault_url}/status?code=500"),
                    "errorExpression": f"ignoreError({{d: {call}}})"}).run()
    delay = outcome.outputs["d"].total_seconds()
    assert low <= delay <= high


def test_backoff_with_a_bad_attempt_keeps_the_original_failure_with_a_warning(make, fault_url):
    connector = make({"url": Literal(f"{fault_url}/status?code=500"),
                      "errorExpression": 'jobError("x", {}, 1, backoff(0))'})
    with pytest.raises(JobError) as info:
        connector.run()
    assert info.value.backoff == 0.0
    assert any("'attempt' must be >= 1" in w.message for w in info.value.warnings)


# ---------------------------------------------------------------- item 4: retryOn status classes
def test_retry_on_takes_status_classes(make, fault_url):
    key = _key()
    outcome = make({"url": Literal(f"{fault_url}/retry?key={key}&fail=1&status=429"), "retries": 1,
                    "retryBackoff": 0, "retryOn": '["4xx"]'}).run()
    assert outcome.response["status"] == 200 and outcome.attempts == 2 and _count(fault_url, key) == 2
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(f"{fault_url}/json"), "retryOn": '["often"]'})
    assert info.value.code == "INPUT_ERROR" and "'often'" in info.value.message


# ---------------------------------------------------------------- item 5: a comparison that never matches
def test_error_code_compared_with_a_number_warns_with_its_position(make, fault_url):
    expression = 'if error != null and error.code = 404 then bpmnError("NF") else null'
    connector = make({"url": Literal(f"{fault_url}/status?code=404"), "errorExpression": expression})
    with pytest.raises(ConnectorError) as info:
        connector.run()
    assert not isinstance(info.value, BusinessError) and info.value.code == "404"
    (warning,) = [w for w in info.value.warnings if w.kind == "never-matches"]
    assert expression[warning.span.start:warning.span.end] == "error.code = 404"
    assert 'write "404"' in warning.message
    outcome = make({"url": Literal(f"{fault_url}/json"), "errorExpression": expression}).run()
    assert any(w.kind == "never-matches" for w in outcome.warnings)  # on success too


def test_the_async_call_follows_the_same_contract(make, fault_url):
    import asyncio

    key = _key()
    connector = _flaky(make, fault_url, key,
                       'if error != null and job.attempt = 2 then bpmnError("SECOND") else null')

    async def call():
        with pytest.raises(BusinessError) as info:
            await connector.run_async()
        return info.value

    assert asyncio.run(call()).code == "SECOND" and _count(fault_url, key) == 2
