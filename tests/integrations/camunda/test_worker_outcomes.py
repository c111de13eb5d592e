"""The worker against the stand-in cluster and real local HTTP servers: what each REST job ends
as (complete with mapped variables, BPMN error, job error with retries and backoff, plain
failure), with every request checked by the stand-in."""
from __future__ import annotations

REST = "io.camunda:http-json:1"


def test_happy_path_maps_the_result_expression(standin, start_worker, httpbin_url):
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
    worker = start_worker()
    assert standin.wait_for(lambda: standin.finished(key))
    worker.stop()
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
