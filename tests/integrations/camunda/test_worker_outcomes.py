"""The worker against the stand-in cluster and real local HTTP servers: what each REST job ends
as (complete with mapped variables, BPMN error, job error with retries and backoff, plain
failure), with every request checked by the stand-in."""
from __future__ import annotations

REST = "io.camunda:http-json:1"


def test_happy_path_maps_the_result_expression(standin, finish, httpbin_url):
    key = standin.add_job(REST, {
        "url": httpbin_url + "/anything/orders",
        "method": "POST",
        "headers": {"X-Trace": "abc"},
        "queryParameters": {"page": "2"},
        "body": {"item": "pen", "quantity": 3},
        "authentication": {"type": "noAuth"},
        "unrelated": "not fetched",
    }, headers={"resultVariable": "raw",
                "resultExpression": "={item: body.json.item, total: response.body.json.quantity * 2,"
                                    " page: body.args.page, status: status}"})
    finish(key)
    job = standin.jobs[key]
    assert job.state == "COMPLETED"
    (verb, body), = job.history
    variables = body["variables"]
    assert variables["item"] == "pen" and variables["total"] == 6 and variables["page"] == "2"
    assert variables["status"] == 200
    assert variables["raw"]["status"] == 200
    assert variables["raw"]["body"]["headers"]["X-Trace"] == "abc"
    assert standin.violations == []
    activation = next(r for r in standin.requests if r.path == "/v2/jobs/activation")
    assert activation.body["type"] == REST and "unrelated" not in activation.body["fetchVariable"]


def test_bpmn_error_from_the_error_expression(standin, finish, httpbin_url):
    key = standin.add_job(REST, {"url": httpbin_url + "/status/404", "method": "GET"}, headers={
        "errorExpression": '=if error.code = "404" then bpmnError("ORDER_MISSING", "no order: " + '
                           'error.message, {status: error.variables.response.body}) else null',
        "resultExpression": "={never: true}"})
    finish(key)
    job = standin.jobs[key]
    assert job.state == "ERROR_THROWN"
    (verb, body), = job.history
    assert verb == "error" and body["errorCode"] == "ORDER_MISSING"
    assert body["errorMessage"].startswith("no order: ")
    assert "status" in body["variables"]
    assert standin.violations == []


def test_bpmn_error_after_a_success(standin, finish, httpbin_url):
    """Camunda's error expression also runs after a 2xx, with the response's fields in scope."""
    key = standin.add_job(REST, {"url": httpbin_url + "/json"}, headers={
        "errorExpression": '=if body.slideshow.author = "Yours Truly" then bpmnError("AUTHOR") '
                           'else null'})
    finish(key)
    assert standin.jobs[key].state == "ERROR_THROWN"
    assert standin.jobs[key].history[0][1] == {"errorCode": "AUTHOR"}


def test_job_error_sets_retries_and_backoff_until_an_incident(standin, finish, httpbin_url):
    key = standin.add_job(REST, {"url": httpbin_url + "/status/503"}, retries=2, headers={
        "errorExpression": '=if error.code = "503" then jobError("upstream down", {seen: job.retries},'
                           ' job.retries - 1, @"PT0.3S") else null'})
    finish(key)
    job = standin.jobs[key]
    assert job.state == "INCIDENT" and job.activations == 2
    first, second = (body for verb, body in job.history)
    assert first["retries"] == 1 and first["retryBackOff"] == 300
    assert first["variables"] == {"seen": 2, "error": "upstream down"}
    assert first["errorMessage"].startswith("upstream down | Error variables: ")
    assert second["retries"] == 0 and second["variables"]["seen"] == 1
    assert standin.violations == []


def test_plain_failure_spends_one_retry_with_the_header_backoff(standin, finish, fault_url):
    key = standin.add_job(REST, {"url": fault_url + "/status", "queryParameters": {
        "code": "502", "reason": "Bad Gateway"}}, retries=2, headers={"retryBackoff": "PT0.2S"})
    finish(key)
    job = standin.jobs[key]
    assert job.state == "INCIDENT" and job.activations == 2
    (_, first), (_, second) = job.history
    assert first["retries"] == 1 and first["retryBackOff"] == 200
    assert first["variables"]["error"]["code"] == "502"
    assert first["variables"]["error"]["message"] == "Bad Gateway"
    assert first["errorMessage"].startswith("Bad Gateway | Error variables: ")
    assert second["retries"] == 0
    assert standin.violations == []


def test_bad_input_fails_without_retries(standin, finish):
    missing = standin.add_job(REST, {"method": "GET"}, retries=3)
    bad_feel = standin.add_job(REST, {"url": "=1 +"}, retries=3)
    bad_backoff = standin.add_job(REST, {"url": "http://127.0.0.1:9/"}, headers={"retryBackoff": "5m"})
    finish(missing, bad_feel, bad_backoff)
    for key, words in ((missing, "'url' is required"), (bad_feel, "url"), (bad_backoff, "backoff")):
        job = standin.jobs[key]
        assert job.state == "INCIDENT" and job.activations == 1, key
        assert words in job.history[0][1]["errorMessage"]
    assert standin.violations == []


def test_ignore_error_completes_with_its_variables(standin, finish, httpbin_url):
    key = standin.add_job(REST, {"url": httpbin_url + "/status/409"}, headers={
        "errorExpression": '=if error.code = "409" then ignoreError({conflict: true}) else null',
        "resultVariable": "raw"})
    finish(key)
    assert standin.jobs[key].state == "COMPLETED"
    assert standin.jobs[key].history[0][1] == {"variables": {"conflict": True}}


def test_feel_inputs_and_a_hybrid_task_type(standin, finish, httpbin_url):
    """`=` inputs are FEEL evaluated by feelish against the job's variables (all fetched here);
    a hybrid template's own task type is served like the standard one; JSON text inputs are
    parsed as Camunda does."""
    key = standin.add_job("my-rest-type", {
        "base": httpbin_url, "orderId": 7,
        "url": '=base + "/anything/orders/" + string(orderId)',
        "method": '="PUT"',
        "headers": '{"X-Order": "seven"}',
        "body": '={id: orderId, lines: for i in [1, 2] return {n: i}}',
    }, headers={"resultExpression": "={path: body.url, sent: body.json, header: body.headers.`X-Order`}"})
    finish(key, job_types=[REST, "my-rest-type"], fetch_variables=None)
    variables = standin.jobs[key].history[0][1]["variables"]
    assert variables["path"].endswith("/anything/orders/7")
    assert variables["sent"] == {"id": 7, "lines": [{"n": 1}, {"n": 2}]}
    assert variables["header"] == "seven"
    types = {r.body["type"] for r in standin.requests if r.path == "/v2/jobs/activation"}
    assert types == {REST, "my-rest-type"}
    assert standin.violations == []


def test_wide_temporal_values_are_sent_like_their_plain_counterparts(standin, finish, httpbin_url):
    """Years beyond 1..9999, nanoseconds and durations past Python's reach complete the job in the
    same ISO forms as plain dates, times and durations."""
    key = standin.add_job(REST, {"url": httpbin_url + "/json"}, headers={"resultExpression": (
        '={plainSpan: duration("P1DT2H0.5S"), wideSpan: duration("P1DT2H0.500000001S"),'
        ' longSpan: duration("P1000000000DT1S"), negative: -duration("PT0.000000001S"),'
        ' plainDay: date("2024-02-29"), bc: date("-0044-03-15"), far: date("12024-01-01"),'
        ' plainAt: date and time("2024-05-01T10:00:00.5+02:00"),'
        ' nanoAt: date and time("2024-05-01T10:00:00.500000001+02:00"),'
        ' bcAt: date and time("-0044-03-15T12:00:00Z"),'
        ' plainClock: time("10:00:00.5"), nanoClock: time("10:00:00.000000001")}')})
    finish(key)
    job = standin.jobs[key]
    assert job.state == "COMPLETED"
    assert job.history[0][1]["variables"] == {
        "plainSpan": "P1DT2H0.5S", "wideSpan": "P1DT2H0.500000001S", "longSpan": "P1000000000DT1S",
        "negative": "-PT0.000000001S", "plainDay": "2024-02-29", "bc": "-0044-03-15", "far": "12024-01-01",
        "plainAt": "2024-05-01T10:00:00.500000+02:00", "nanoAt": "2024-05-01T10:00:00.500000001+02:00",
        "bcAt": "-0044-03-15T12:00:00+00:00", "plainClock": "10:00:00.500000",
        "nanoClock": "10:00:00.000000001"}
    assert standin.violations == []


def test_a_job_error_backoff_may_be_a_wide_duration(standin, finish, httpbin_url):
    fine = standin.add_job(REST, {"url": httpbin_url + "/status/503"}, retries=1, headers={
        "errorExpression": '=jobError("later", {tick: duration("PT0.000000001S")}, 0,'
                           ' duration("PT0.250000999S"))'})
    endless = standin.add_job(REST, {"url": httpbin_url + "/status/503"}, retries=1, headers={
        "errorExpression": '=jobError("later", {}, 0, duration("P2000000000D"))'})
    finish(fine, endless)
    (verb, body), = standin.jobs[fine].history
    assert body["retryBackOff"] == 250  # Camunda counts in milliseconds
    assert body["variables"] == {"tick": "PT0.000000001S", "error": "later"}
    (verb, body), = standin.jobs[endless].history
    assert body["retries"] == 0
    assert "retryBackoff P2000000000D is longer than any wait" in body["errorMessage"]
    assert standin.violations == []
