"""The parsed-URL memo in feelish.connector.urls: same answers as a fresh parse, errors never
remembered, and bounded when URLs vary per call."""
from __future__ import annotations

import pytest

from feelish import ConnectorError
from feelish.connector import urls


def test_a_remembered_url_is_the_same_as_a_fresh_parse():
    first = urls.build_url("http://h.example/a b?x=1", {"q": "a+b"}, verbatim=False)
    again = urls.build_url("http://h.example/a b?x=1", {"q": "a+b"}, verbatim=False)
    assert again == first and str(first[0]) == "http://h.example/a%20b?x=1&q=a%2Bb"
    assert urls.build_url("http://h.example/a?x=1", None, verbatim=True)[1] == b"/a?x=1"
    # the verbatim flag is part of the key: the same text without it has no verbatim target
    assert urls.build_url("http://h.example/a?x=1", None, verbatim=False)[1] is None


def test_errors_are_raised_every_time():
    for _ in range(2):
        with pytest.raises(ConnectorError) as info:
            urls.build_url("ftp://h.example/x", None, verbatim=False)
        assert info.value.code == "INPUT_ERROR"


def test_the_memo_stays_bounded():
    for n in range(urls._BUILT_MAX * 2 + 7):
        url, _ = urls.build_url(f"http://h.example/orders/{n}", {"page": n}, verbatim=False)
        assert url.path == f"/orders/{n}" and url.query == f"page={n}".encode()
    assert len(urls._BUILT) <= urls._BUILT_MAX


def test_query_values_escaped_or_not_as_before():
    assert urls.encode_query({"a": "plain42", "b": "x y", "c": "é", "d": "", "ü": 1}) == \
        "a=plain42&b=x%20y&c=%C3%A9&d=&%C3%BC=1"
