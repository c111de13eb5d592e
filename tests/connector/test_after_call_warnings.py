"""`Outcome.warnings` also carries the warnings of `resultExpression` and `errorExpression`,
prefixed with the field name, after the request fields' and the response's own warnings."""
from __future__ import annotations

import asyncio

from feelish import Literal


def kinds_and_fields(outcome):
    return [(w.kind, w.message.split(":", 1)[0]) for w in outcome.warnings]


def test_result_expression_warnings_are_reported(make, httpbin_url):
    out = make({"url": Literal(f"{httpbin_url}/get"),
                "resultExpression": "{a: response.body.nope, b: response.status}"}).run()
    assert out.outputs == {"a": None, "b": 200}
    assert kinds_and_fields(out) == [("no-context-entry-found", "field resultExpression")]
    assert "'nope'" in out.warnings[0].message


def test_error_expression_warnings_are_reported_after_a_success(make, httpbin_url):
    out = make({"url": Literal(f"{httpbin_url}/get"),
                "errorExpression": 'if response.body.missing = 1 then bpmnError("X", "never") else null'}).run()
    assert out.response["status"] == 200
    assert ("no-context-entry-found", "field errorExpression") in kinds_and_fields(out)


def test_error_expression_warnings_survive_an_ignored_failure(make, httpbin_url):
    out = make({"url": Literal(f"{httpbin_url}/status/404"),
                "errorExpression": 'if error.code = "404" then ignoreError({gone: true, why: error.nope}) '
                                   "else null"}).run()
    assert out.outputs == {"gone": True, "why": None}
    assert kinds_and_fields(out) == [("no-context-entry-found", "field errorExpression")]


def test_order_is_request_fields_then_expressions(make, httpbin_url):
    connector = make({"url": Literal(f"{httpbin_url}/headers"), "headers": '{"X-A": missingVar}',
                      "errorExpression": "if nothing.here then null else null",
                      "resultExpression": "{h: response.body.absent}"})
    out = connector.run({})
    assert [f for _, f in kinds_and_fields(out)] == ["field headers", "field errorExpression",
                                                     "field resultExpression"]
    # the async path collects the same warnings
    out_async = asyncio.run(connector.run_async({}))
    assert kinds_and_fields(out_async) == kinds_and_fields(out)


def test_response_token_is_null_without_oauth_and_gives_no_warning(make, httpbin_url):
    out = make({"url": Literal(f"{httpbin_url}/get"), "resultExpression": "{t: response.token}"}).run()
    assert out.outputs == {"t": None} and out.warnings == () and out.token is None
