"""Secrets: `{{secrets.NAME}}` in a job's inputs is resolved from the worker's Runtime provider,
the call uses it, and its value never reaches anything sent back to the cluster, not even when
the server echoes it; feelish's own placeholder syntax in job data is never resolved."""
from __future__ import annotations

import json

REST = "io.camunda:http-json:1"
SECRETS = {"API_TOKEN": "tok-Zq81-secret", "API_USER_PW": "pw-93-secret", "KEY": "key-77-secret"}


def _sent_back(standin) -> str:
    return json.dumps([r.body for r in standin.requests if r.path != "/v2/jobs/activation"])


def test_secrets_are_used_but_never_sent_back(standin, finish, httpbin_url):
    echoed = standin.add_job(REST, {
        "url": httpbin_url + "/anything", "method": "POST",  # a GET sends no body (as Camunda)
        "authentication": {"type": "bearer", "token": "{{secrets.API_TOKEN}}"},
        "headers": {"X-Key": "k={{ secrets.KEY }}"},
        "body": {"note": "<<secrets.API_TOKEN>> stays text", "legacy": "secrets.KEY"},
    }, headers={"resultVariable": "raw", "resultExpression": "={auth: body.headers.Authorization, "
                "key: body.headers.`X-Key`, note: body.json.note, legacy: body.json.legacy}"})
    basic = standin.add_job(REST, {
        "url": httpbin_url + "/basic-auth/ann/" + SECRETS["API_USER_PW"],
        "authentication": {"type": "basic", "username": "ann", "password": "{{secrets.API_USER_PW}}"},
    }, headers={"resultExpression": "={authenticated: body.authenticated}"})
    finish(echoed, basic, secrets=SECRETS)
    variables = standin.jobs[echoed].history[0][1]["variables"]
    assert variables["auth"] == "Bearer ***"       # the call sent it; the echo is masked
    assert variables["key"] == "k=***"
    assert variables["legacy"] == "***"            # Camunda's bare form, resolved too
    assert variables["note"] == "<<secrets.API_TOKEN>> stays text"
    assert standin.jobs[basic].history[0][1]["variables"] == {"authenticated": True}
    text = _sent_back(standin)
    for value in SECRETS.values():
        assert value not in text
    assert standin.violations == []


def test_a_secret_echoed_in_an_error_is_masked(standin, finish, fault_url):
    key = standin.add_job(REST, {"url": fault_url + "/status", "queryParameters": {
        "code": "500", "reason": "bad key {{secrets.KEY}}"}}, retries=1)
    finish(key, secrets=SECRETS)
    (_, body), = standin.jobs[key].history
    assert body["variables"]["error"]["message"] == "bad key ***"
    assert SECRETS["KEY"] not in _sent_back(standin)


def test_a_missing_secret_is_named_and_not_retried(standin, finish, httpbin_url):
    key = standin.add_job(REST, {"url": httpbin_url + "/get",
                                 "headers": {"X-Key": "{{secrets.NOT_THERE}}"}}, retries=3)
    finish(key, secrets=SECRETS)
    job = standin.jobs[key]
    assert job.state == "INCIDENT" and job.history[0][1]["retries"] == 0
    assert "NOT_THERE" in job.history[0][1]["errorMessage"]


def test_camunda_auth_types_api_key_in_query_and_oauth(standin, finish, httpbin_url, oauth,
                                                       caplog):
    base, state = oauth
    api_key = standin.add_job(REST, {
        "url": httpbin_url + "/get",
        "authentication": {"type": "apiKey", "apiKeyLocation": "query", "name": "key",
                           "value": "{{secrets.KEY}}"},
    }, headers={"resultExpression": "={args: body.args}"})
    client = standin.add_job(REST, {
        "url": base + "/api/me",
        "authentication": {"type": "oauth-client-credentials-flow", "oauthTokenEndpoint": base + "/token",
                           "clientId": "post-client", "clientSecret": "{{secrets.OAUTH}}",
                           "clientAuthentication": "credentialsBody", "scopes": "read"},
    }, headers={"resultExpression": "={me: body}"})
    caplog.set_level("DEBUG")
    finish(api_key, client, secrets={**SECRETS, "OAUTH": "post-secret-1"})
    assert standin.jobs[api_key].history[0][1]["variables"] == {"args": {"key": "***"}}
    me = standin.jobs[client].history[0][1]["variables"]["me"]
    assert me["client_id"] == "post-client" and me["scope"] == "read"
    client_side = [r for r in caplog.records if not r.name.startswith(("authlib", "werkzeug"))]
    leaks = [(r.name, r.getMessage()) for r in client_side
             if SECRETS["KEY"] in r.getMessage() or "post-secret-1" in r.getMessage()]
    assert leaks == []
    assert "post-secret-1" not in _sent_back(standin)
