"""jobError(message, variables, retries, timeout): the retries left and the backoff travel on the
error (job_retries, job_backoff) for the engine that runs the connector to honour."""
from __future__ import annotations

import pytest

import feelish


@pytest.mark.parametrize(("expression", "retries", "backoff"), [
    ('jobError("busy", {a: 1}, 2, @"PT0.5S")', 2, 0.5),
    ('jobError(message: "busy", retries: 1, retryBackoff: @"PT2S")', 1, 2.0),
    ('jobError(message: "busy", timeout: 3)', None, 3.0),
    ('{errorType: "jobError", message: "busy", retries: 3, retryBackoff: "PT1S"}', 3, 1.0),
    ('jobError("busy")', None, None),
    ('jobError("busy", {}, -2, "soon")', 0, None),  # negative retries: none left; bad timeout: unsaid
    ('jobError("busy", {}, 1.5, null)', None, None),  # not a whole number: unsaid
])
def test_job_error_carries_retries_and_backoff(httpbin_url, expression, retries, backoff):
    connector = feelish.Connector.from_mapping({
        "url": f'"{httpbin_url}/status/503"', "errorExpression": expression})
    with pytest.raises(feelish.ConnectorError) as caught:
        connector.run({})
    error = caught.value
    assert (error.code, error.message) == ("JOB_ERROR", "busy")
    assert (error.job_retries, error.job_backoff) == (retries, backoff)


def test_other_failures_say_nothing_about_job_retries(httpbin_url):
    connector = feelish.Connector.from_mapping({"url": f'"{httpbin_url}/status/503"'})
    with pytest.raises(feelish.ConnectorError) as caught:
        connector.run({})
    assert caught.value.code == "503"
    assert (caught.value.job_retries, caught.value.job_backoff) == (None, None)
