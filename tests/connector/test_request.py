"""Requests against real local servers: methods, URL encoding, query parameters, headers,
explicit inputs, engine context."""
from __future__ import annotations

import pytest

from feelish import ConnectorError, Literal


def echo_line(outcome) -> str:
    return outcome.response["headers"]["X-Request-Line"]


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
def test_methods_reach_httpbin(make, httpbin_url, method):
    out = make({"method": Literal(method), "url": Literal(f"{httpbin_url}/{method.lower()}")}).run()
    assert out.response["status"] == 200
    assert out.response["body"]["url"].endswith(f"/{method.lower()}")


def test_head_gives_headers_only(make, httpbin_url):
    out = make({"method": '"HEAD"', "url": Literal(f"{httpbin_url}/get")}).run()
    assert out.response["status"] == 200 and out.response["body"] is None
    assert out.response["headers"]["Content-Type"] == "application/json"


def test_options(make, httpbin_url):
    out = make({"method": '"options"', "url": Literal(f"{httpbin_url}/get")}).run()
    assert out.response["status"] == 200 and "GET" in out.response["headers"]["Allow"]


def test_delete_with_a_body_sends_it(make, httpbin_url):  # complaint 15
    out = make({"method": '"DELETE"', "url": Literal(f"{httpbin_url}/delete"),
                "body": '{ids: [1, 2]}'}).run()
    assert out.response["body"]["json"] == {"ids": [1, 2]}
    assert out.response["body"]["headers"]["Content-Type"] == "application/json"


@pytest.mark.parametrize("written, on_the_wire", [
    ("/echo/a%2Fb/files", "/echo/a%2Fb/files"),          # GitLab-style encoded slash survives
    ("/echo/x+y?q=a+b", "/echo/x+y?q=a+b"),               # plus stays plus, in path and query
    ("/echo/a b?q=c d", "/echo/a%20b?q=c%20d"),           # spaces are encoded
    ("/echo/caf\u00e9", "/echo/caf%C3%A9"),               # non-ASCII as UTF-8
    ("/echo/%E2%82%AC?x=%2C", "/echo/%E2%82%AC?x=%2C"),  # already encoded: untouched
])
def test_url_encoding_never_mangles(make, fault_url, written, on_the_wire):  # complaint 7
    out = make({"url": Literal(fault_url + written)}).run()
    assert echo_line(out) == f"GET {on_the_wire} HTTP/1.1"


def test_skip_encoding_sends_the_target_verbatim(make, fault_url):
    out = make({"url": Literal(f"{fault_url}/echo/a/../b/%zz?x=[1]"), "skipEncoding": True}).run()
    assert echo_line(out) == "GET /echo/a/../b/%zz?x=[1] HTTP/1.1"
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(f"{fault_url}/echo/a b"), "skipEncoding": True}).run()
    assert info.value.code == "INPUT_ERROR" and info.value.field == "url"


def test_query_parameters_merge_with_the_url_query(make, fault_url):
    out = make({"url": Literal(f"{fault_url}/echo?keep=a+b&x=%2F"),
                "queryParameters": '{ids: [1, 2], skip: null, q: "x y+z/&", n: 1.50, ok: true}'}).run()
    assert echo_line(out) == ("GET /echo?keep=a+b&x=%2F&ids=1&ids=2&q=x%20y%2Bz%2F%26&n=1.5&ok=true "
                              "HTTP/1.1")


def test_query_parameters_seen_by_httpbin(make, httpbin_url):
    out = make({"url": Literal(f"{httpbin_url}/get"), "queryParameters": '{"$top": 5, tag: ["a", "b"]}'}).run()
    assert out.response["body"]["args"] == {"$top": "5", "tag": ["a", "b"]}


def test_headers_case_insensitive_and_nulls_dropped(make, httpbin_url):
    out = make({"url": Literal(f"{httpbin_url}/headers"),
                "headers": '{"user-agent": "mine/1", "X-Num": 42, "X-None": null, "X-Multi": ["a", "b"]}'}).run()
    sent = out.response["body"]["headers"]
    assert sent["User-Agent"] == "mine/1"      # replaced the default, not doubled
    assert sent["X-Num"] == "42" and "X-None" not in sent
    assert sent["X-Multi"] == "a,b"


def test_default_headers(make, httpbin_url):
    sent = make({"url": Literal(f"{httpbin_url}/headers")}).run().response["body"]["headers"]
    assert sent["User-Agent"].startswith("feelish/") and "Content-Type" not in sent


@pytest.mark.parametrize("fields, field", [
    ({"method": '"FETCH"'}, "method"),
    ({"url": '"not a url"'}, "url"),
    ({"url": '"ftp://host/x"'}, "url"),
    ({"url": "null"}, "url"),
    ({"headers": '{"X-A": {nested: 1}}'}, "headers"),
    ({"headers": '{"X-A": "a\\nInjected: 1"}'}, "headers"),
    ({"headers": '{"Bad Name": "x"}'}, "headers"),
    ({"queryParameters": '{a: {b: 1}}'}, "queryParameters"),
    ({"body": '{f: function(x) x}'}, "body"),
    ({"charset": '"no-such-charset"', "body": '"x"'}, "charset"),
    ({"readTimeoutInSeconds": '"soon"'}, "readTimeoutInSeconds"),
    ({"body": '{a: 1}', "contentType": '"text/xml"'}, "body"),
])
def test_bad_input_names_the_field_and_sends_nothing(make, fault_server, fields, field):
    base = {"url": Literal(f"{fault_server.url}/retry?key=bad-{field}"), "method": '"POST"'}
    with pytest.raises(ConnectorError) as info:
        make({**base, **fields}).run()
    assert info.value.code == "INPUT_ERROR" and info.value.field == field
    assert fault_server.extra["counts"][f"bad-{field}"] == 0  # nothing was sent


def test_bad_constant_fields_fail_at_build_time(make, httpbin_url):
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(httpbin_url), "method": Literal("BREW")})
    assert info.value.field == "method"
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(httpbin_url), "bodyy": "1"})
    assert "bodyy (did you mean body?)" in info.value.message


def test_syntax_error_names_field_line_and_column(make):
    from feelish import FeelSyntaxError
    with pytest.raises(FeelSyntaxError) as info:
        make({"url": '"http://x/" + + '})
    text = str(info.value)
    assert "field url" in text and "^" in text


def test_inputs_are_explicit(make, httpbin_url):
    """A process variable called `body` or `url` never leaks into the request."""
    c = make({"method": '"POST"', "url": Literal(f"{httpbin_url}/anything"), "headers": '{"X-Who": who}'},
             inputs=["who"])
    out = c.run({"who": "ann", "body": "leak", "url": "http://evil.invalid", "headers": {"X": "1"}})
    sent = out.response["body"]
    assert sent["data"] == "" and sent["headers"]["X-Who"] == "ann" and "X" not in sent["headers"]
    # a variable outside the inputs is not visible: the header expression yields null -> dropped
    c2 = make({"url": Literal(f"{httpbin_url}/headers"), "headers": '{"X-Secret": salary}'}, inputs=["who"])
    assert "X-Secret" not in c2.run({"salary": 100}).response["body"]["headers"]


def test_engine_context_in_expressions_and_context_headers(make, httpbin_url):
    c = make({"url": Literal(f"{httpbin_url}/headers"), "headers": '{"X-Trace": context.taskId}',
              "contextHeaders": True})
    sent = c.run(context={"taskId": "t-1", "processInstanceId": 99}).response["body"]["headers"]
    assert sent["X-Trace"] == "t-1" and sent["X-Task-Id"] == "t-1"
    assert sent["X-Process-Instance-Id"] == "99"
    c2 = make({"url": Literal(f"{httpbin_url}/headers"),
               "contextHeaders": Literal({"taskId": "X-Activity", "caseId": " "})})
    sent = c2.run(context={"taskId": "t-2", "caseId": "c"}).response["body"]["headers"]
    assert sent["X-Activity"] == "t-2" and not any(v == "c" for v in sent.values())


def test_gzip_response_is_decoded(make, httpbin_url):
    out = make({"url": Literal(f"{httpbin_url}/gzip")}).run()
    assert out.response["body"]["gzipped"] is True


def test_non_ascii_header_values_go_as_utf8(make, fault_url):
    out = make({"url": Literal(f"{fault_url}/echo"), "headers": '{"X-Filename": "résumé.pdf"}'}).run()
    raw = open(out.response["document"]["path"], "rb").read()
    assert "X-Filename: résumé.pdf".encode() in raw
    spec = make({"url": Literal(f"{fault_url}/echo"), "headers": '{"X-Filename": "résumé.pdf"}'}).dry_run()
    assert ("X-Filename", "résumé.pdf") in spec.headers
