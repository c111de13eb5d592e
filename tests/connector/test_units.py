"""Unit tests of the pure helpers (no network)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from feelish import ConnectorError
from feelish.connector.body import build_body, json_bytes
from feelish.connector.documents import Documents
from feelish.connector.headers import context_headers, user_headers
from feelish.connector.response import classify, scan_headers
from feelish.connector.retry import RetryPolicy, parse_retry_after, seconds
from feelish.connector.transport import TransportKey, proxy_settings
from feelish.connector.urls import build_url, encode_query, scalar_text


@pytest.mark.parametrize("value, text", [
    (True, "true"), (Decimal("10"), "10"), (Decimal("1.50"), "1.5"), (Decimal("1E+3"), "1000"),
    (3, "3"), (dt.date(2024, 1, 2), "2024-01-02"), (dt.timedelta(hours=1, minutes=30), "PT1H30M"),
    (dt.timedelta(days=2), "P2D"),
])
def test_scalar_text(value, text):
    assert scalar_text(value, "f", "x") == text


def test_scalar_text_refuses_contexts():
    with pytest.raises(ConnectorError) as info:
        scalar_text({"a": 1}, "headers", "header 'X'")
    assert "a context" in info.value.message and info.value.field == "headers"


def test_query_encoding_and_merge():
    assert encode_query({"a b": "c&d", "l": [1, None, 2], "n": None}) == "a%20b=c%26d&l=1&l=2"
    url, target = build_url("http://h/p?x=1#frag", {"y": "+"}, verbatim=False)
    assert str(url) == "http://h/p?x=1&y=%2B" and target is None
    assert str(build_url("http://h/p?", {"y": 1}, verbatim=False)[0]) == "http://h/p?y=1"


def test_json_exactness():
    assert json_bytes({"a": Decimal("0.1"), "b": Decimal("2"), "c": Decimal("1.000000000000000000001")}) == \
        b'{"a":0.1,"b":2,"c":1.000000000000000000001}'
    assert json_bytes([dt.date(2024, 5, 6), None], drop_nulls=True) == b'["2024-05-06",null]'
    assert json_bytes({"x": None, "y": {"z": None}}, drop_nulls=True) == b'{"y":{}}'


def test_body_content_type_rules(tmp_path):
    docs = Documents(tmp_path)
    assert build_body({"a": 1}, None, None, drop_nulls=False, files=docs).content_type == "application/json"
    assert build_body('[1]', None, None, drop_nulls=False, files=docs).content_type == "application/json"
    assert build_body('[oops', None, None, drop_nulls=False, files=docs).content_type.startswith("text/plain")
    assert build_body(None, "application/json", None, drop_nulls=False, files=docs).content is None
    vnd = build_body({"a": 1}, "application/vnd.api+json", None, drop_nulls=False, files=docs)
    assert vnd.content == b'{"a":1}' and vnd.content_type == "application/vnd.api+json"


def test_headers_rules():
    assert user_headers({"A": ["1", None, 2], "B": None}) == [("A", "1"), ("A", "2")]
    assert context_headers(True, {"rootProcessInstanceId": 5}) == [("X-Root-Process-Instance-Id", "5")]
    assert context_headers(False, {"a": 1}) == []


def test_response_header_shape_is_stable():
    raw = [(b"Set-Cookie", b"a=1"), (b"set-cookie", b"b=2"), (b"X-One", b"v"),
           (b"content-type", b"text/plain"), (b"Content-Length", b"12"), (b"Content-Encoding", b"gzip")]
    headers, ctype, encoded, length = scan_headers(raw)
    assert headers["Set-Cookie"] == ["a=1", "b=2"] and headers["X-One"] == "v"
    assert (ctype, encoded, length) == ("text/plain", True, 12)


@pytest.mark.parametrize("mime, kind", [("application/json", "json"), ("application/problem+json", "json"),
                                        ("text/csv", "text"), ("application/soap+xml", "text"),
                                        ("image/png", "binary"), ("", "unknown")])
def test_classify(mime, kind):
    assert classify(mime) == kind


def test_seconds_parsing():
    assert seconds("PT1M30S", "f") == 90 and seconds(Decimal("0.5"), "f") == 0.5
    assert seconds(dt.timedelta(seconds=3), "f") == 3 and seconds("2", "f") == 2
    for bad in ("soon", -1, True, [1]):
        with pytest.raises(ConnectorError):
            seconds(bad, "retryBackoff")


def test_retry_policy():
    p = RetryPolicy.from_fields(3, {"delay": 1, "factor": 2, "jitter": 0, "maxDelay": 3}, [429], 30, False)
    assert [p.wait(n, None) for n in (1, 2, 3)] == [1, 2, 3]
    assert p.wait(1, "2") == 2 and p.wait(1, "999") == 3           # Retry-After, capped
    assert p.status_retryable(503) and p.status_retryable(429) and not p.status_retryable(404)
    assert p.may_retry("GET") and not p.may_retry("POST")
    with pytest.raises(ConnectorError):
        RetryPolicy.from_fields(-1, None, None, 30, False)
    when = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 25 <= parse_retry_after(when) <= 31


def test_proxy_settings_hide_credentials():
    settings = proxy_settings({"url": "http://p:3128", "username": "u", "password": "hunter2"}, "a.com, b.org")
    assert settings.no_proxy == ("a.com", "b.org") and "hunter2" not in repr(settings)
    assert "hunter2" not in repr(TransportKey(proxy=settings, key_password="hunter2"))
    with pytest.raises(ConnectorError):
        proxy_settings("socks://x", None)
    inline = proxy_settings("http://user:hunter2@proxy:3128", None)
    assert "hunter2" not in repr(inline) and inline.public_url == "http://***@proxy:3128"


def test_document_names_are_safe(tmp_path):
    docs = Documents(tmp_path)
    path = docs.new_path("../../etc/passwd")
    assert path.parent == tmp_path and ".." not in path.name


def test_durations_in_queries_and_json_bodies_use_feel_iso_text():
    import datetime as dt

    from feelish.connector.body import _jsonable
    from feelish.connector.urls import scalar_text

    tiny = dt.timedelta(days=400, microseconds=1)
    assert scalar_text(tiny, "queryParameters.d", "a query value") == "P400DT0.000001S"
    assert scalar_text(-dt.timedelta(hours=36), "q", "a query value") == "-P1DT12H"
    assert _jsonable({"d": dt.timedelta(seconds=90)}, False, [], [False]) == {"d": "PT1M30S"}
