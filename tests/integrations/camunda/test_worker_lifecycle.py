"""Concurrency bound, graceful shutdown that finishes the jobs in flight, and the worker's
authentication to the cluster (basic; OAuth2 client credentials through feelish's token cache)."""
from __future__ import annotations

import base64
from datetime import timedelta

REST = "io.camunda:http-json:1"


def test_no_more_jobs_run_at_once_than_the_bound(standin, start_worker, gate):
    keys = [standin.add_job(REST, {"url": f"{gate.url}/job/{n}"}) for n in range(7)]
    worker = start_worker(max_jobs=3)
    assert gate.wait_in_flight(3)
    # full: the worker asks for no jobs while its 3 slots are taken
    assert standin.wait_for(lambda: standin.activated_count() == 3)
    asked = [r.body["maxJobsToActivate"] for r in standin.requests if r.path == "/v2/jobs/activation"]
    gate.open.set()
    assert standin.wait_for(lambda: standin.finished(*keys))
    worker.stop()
    assert gate.max_in_flight == 3 and gate.served == 7
    assert standin.max_activated == 3
    assert all(1 <= n <= 3 for n in asked)
    assert all(standin.jobs[k].state == "COMPLETED" for k in keys)
    assert worker.worker.stats["max_in_flight"] == 3
    assert standin.violations == []


def test_stop_finishes_the_jobs_in_flight_and_takes_no_more(standin, start_worker, gate):
    first = [standin.add_job(REST, {"url": f"{gate.url}/job/{n}"}) for n in range(2)]
    worker = start_worker(max_jobs=2)
    assert gate.wait_in_flight(2)
    later = standin.add_job(REST, {"url": f"{gate.url}/late"})
    worker.worker.stop()                       # like SIGTERM: stop polling, drain
    gate.open.set()
    worker.stop()                              # joins: returns once drained
    assert all(standin.jobs[k].state == "COMPLETED" for k in first)
    assert standin.jobs[later].state == "ACTIVATABLE" and standin.jobs[later].activations == 0
    assert worker.worker.stats["completed"] == 2 and worker.worker.stats["abandoned"] == 0
    assert standin.violations == []


def test_basic_authentication_to_the_cluster(standin, finish, httpbin_url):
    expected = "Basic " + base64.b64encode(b"demo:demo-pw-5").decode()
    standin.authorize = lambda header: header == expected
    key = standin.add_job(REST, {"url": httpbin_url + "/get"})
    finish(key, auth={"type": "basic", "username": "demo", "password": "demo-pw-5"})
    assert standin.jobs[key].state == "COMPLETED"
    assert all(r.headers.get("Authorization") == expected for r in standin.requests)
    assert standin.violations == []


def test_oauth_client_credentials_to_the_cluster_use_one_cached_token(standin, finish,
                                                                        httpbin_url, oauth):
    base, state = oauth
    state.reset()

    def live_token(header):
        token = (header or "").removeprefix("Bearer ")
        with state.lock:
            issued = state.tokens.get(token)
        return header is not None and header.startswith("Bearer ") and issued is not None \
            and issued.live()

    standin.authorize = live_token
    keys = [standin.add_job(REST, {"url": httpbin_url + "/get"}) for _ in range(4)]
    finish(*keys, auth={"type": "oauth2-client-credentials", "tokenEndpoint": base + "/token",
                        "clientId": "post-client", "clientSecret": "post-secret-1",
                        "audience": "zeebe-api"})
    assert all(standin.jobs[k].state == "COMPLETED" for k in keys)
    assert state.token_requests == 1
    assert state.last_form.get("audience") == "zeebe-api"
    assert len(standin.requests) >= 5 and standin.violations == []


def test_wrong_cluster_credentials_take_no_jobs(standin, start_worker):
    standin.authorize = lambda header: header == "Basic right"
    key = standin.add_job(REST, {"url": "http://127.0.0.1:9/"})
    worker = start_worker(auth={"type": "basic", "username": "x", "password": "wrong"})
    assert standin.wait_for(lambda: len(standin.violations) >= 1)
    worker.stop()
    assert standin.jobs[key].activations == 0
    assert all(v.startswith("401 /v2/jobs/activation") for v in standin.violations)


def test_a_transient_cluster_failure_is_retried_and_a_lost_job_left_alone(standin, start_worker, gate):
    retried = standin.add_job(REST, {"url": f"{gate.url}/a"})
    lost = standin.add_job(REST, {"url": f"{gate.url}/b"})
    worker = start_worker(max_jobs=2)
    assert gate.wait_in_flight(2)
    standin.fail_next(f"/{retried}/completion", 503)
    with standin._cond:
        standin.jobs[lost].state = "COMPLETED"     # finished elsewhere (another worker, a cancel)
    gate.open.set()
    assert standin.wait_for(lambda: standin.jobs[retried].state == "COMPLETED")
    assert standin.wait_for(lambda: worker.worker.stats["report_failed"] == 1)
    worker.stop()
    attempts = [r for r in standin.requests if r.path == f"/v2/jobs/{retried}/completion"]
    assert len(attempts) == 2
    assert standin.jobs[lost].history == []
    assert worker.worker.stats["completed"] == 1
    assert standin.violations == []


def test_a_refused_completion_becomes_an_incident(standin, finish, httpbin_url):
    """A completion the cluster refuses as invalid (400, e.g. variables too large) must not
    leave the job to time out again and again: the worker fails it without retries."""
    key = standin.add_job(REST, {"url": httpbin_url + "/get"})
    standin.fail_next(f"/{key}/completion", 400)
    finish(key)
    job = standin.jobs[key]
    assert job.state == "INCIDENT" and job.activations == 1
    (verb, body), = job.history
    assert verb == "failure" and body["retries"] == 0
    assert "refused" in body["errorMessage"]


def test_a_job_created_during_a_long_poll_is_delivered_by_that_poll(standin, start_worker, httpbin_url):
    worker = start_worker(request_timeout=timedelta(seconds=20))
    assert standin.wait_for(lambda: any(r.path == "/v2/jobs/activation" for r in standin.requests))
    key = standin.add_job(REST, {"url": httpbin_url + "/get"})
    assert standin.wait_for(lambda: standin.finished(key))
    first = next(r for r in standin.requests if r.path == "/v2/jobs/activation")
    worker.stop()
    assert standin.jobs[key].state == "COMPLETED"
    assert first.delivered == [key]           # the poll that was waiting answered with the job
    assert first.body["requestTimeout"] == 20000 and first.body["timeout"] == 300000
