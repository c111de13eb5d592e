"""The response context: headers shape, body by content type, documents, size caps."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from feelish import ConnectorError, Literal


def get(make, url, **fields):
    return make({"url": Literal(url), **fields}).run()


def test_repeated_headers_are_lists_single_ones_strings(make, fault_url):  # complaint 8
    headers = get(make, f"{fault_url}/cookies").response["headers"]
    assert headers["Set-Cookie"] == ["a=1; Path=/", "b=2; Path=/"]
    assert headers["X-Dup"] == ["one", "two"]
    assert headers["X-Single"] == "only"


def test_cookies_are_not_carried_to_the_next_call(make, fault_url, httpbin_url):
    get(make, f"{fault_url}/cookies")
    get(make, f"{httpbin_url}/cookies/set?leak=1", followRedirects=False)
    sent = get(make, f"{httpbin_url}/headers").response["body"]["headers"]
    assert "Cookie" not in sent


def test_json_numbers_are_exact(make, fault_url):
    out = get(make, f'{fault_url}/json?v={{"p":0.1,"n":3,"s":"x/y"}}')
    assert out.response["body"] == {"p": Decimal("0.1"), "n": 3, "s": "x/y"}


def test_json_scalars_and_arrays(make, fault_url):
    assert get(make, f"{fault_url}/json?v=[1,2]").response["body"] == [1, 2]
    assert get(make, f'{fault_url}/json?v="str"').response["body"] == "str"
    assert get(make, f"{fault_url}/json?v=null").response["body"] is None


def test_invalid_json_is_kept_as_text_with_a_warning(make, fault_url):
    out = get(make, f"{fault_url}/malformed-json")
    assert out.response["body"] == '{"truncated": [1, 2'
    assert [w.kind for w in out.warnings] == ["invalid-response-body"]


def test_text_with_slash_and_charset(make, fault_url):  # complaint 4
    out = get(make, f"{fault_url}/text?charset=latin-1")
    assert out.response["body"] == "café / naïve"
    assert get(make, f"{fault_url}/text?charset=utf-8").response["body"] == "café / naïve"


def test_xml_is_a_string(make, fault_url):
    assert get(make, f"{fault_url}/xml").response["body"] == "<a><b>1/2</b></a>"


def test_204_keeps_headers(make, fault_url):  # complaint 6
    out = make({"method": '"POST"', "url": Literal(f"{fault_url}/no-content"), "body": "{a: 1}",
                "resultExpression": '{id: response.headers.`X-Id`, where: response.headers.Location}'}).run()
    assert out.response["status"] == 204 and out.response["body"] is None
    assert out.outputs == {"id": "42", "where": "/items/42"}


def test_binary_download_becomes_a_document(make, fault_url, rt):  # complaint 19
    out = get(make, f"{fault_url}/binary", resultVariable="r")
    doc = out.response["document"]
    assert out.response["body"] is None
    assert doc["kind"] == "document" and doc["filename"] == "pixel.png" and doc["contentType"] == "image/png"
    path = Path(doc["path"])
    assert path.read_bytes() == bytes(range(256)) * 4 and doc["size"] == 1024
    assert rt.documents.folder in path.parents


def test_large_json_stays_in_memory_and_a_document_only_when_asked(make, httpbin_url, fault_url):
    # issue 10 item 9: JSON and text bodies are held up to responseMaxBytes, never silently a document
    out = get(make, f'{fault_url}/json?v="{"x" * 3000}"', inlineLimitBytes=1000)
    assert out.response["body"] == "x" * 3000 and out.response["document"] is None
    out = get(make, f'{fault_url}/json?v="{"x" * 3000}"', responseFormat=Literal("document"))
    assert out.response["body"] is None and out.response["document"]["size"] == 3002
    assert out.response["document"]["contentType"] == "application/json"
    out = get(make, f"{httpbin_url}/base64/SGVsbG8=", inlineLimitBytes=1000)
    assert out.response["body"] == "Hello" and out.response["document"] is None


def test_huge_body_is_refused_over_the_cap_and_leaves_no_file(make, fault_url, rt):
    before = set(rt.documents.folder.iterdir())
    with pytest.raises(ConnectorError) as info:
        get(make, f"{fault_url}/huge?size=3000000", responseMaxBytes=1_000_000)
    assert info.value.code == "RESPONSE_TOO_LARGE"
    assert set(rt.documents.folder.iterdir()) == before


def test_huge_body_within_the_cap_streams_to_disk(make, fault_url):
    out = get(make, f"{fault_url}/huge?size=3000000")
    assert out.response["document"]["size"] == 3_000_000
    assert Path(out.response["document"]["path"]).stat().st_size == 3_000_000


def test_status_and_reason(make, httpbin_url):
    out = get(make, f"{httpbin_url}/status/201")
    assert out.response["status"] == 201 and out.response["reason"] == "CREATED"


def test_redirects_off_by_default_then_followed_and_bounded(make, httpbin_url):
    assert get(make, f"{httpbin_url}/redirect/2").response["status"] == 302
    out = get(make, f"{httpbin_url}/redirect/2", followRedirects=True)
    assert out.response["status"] == 200 and out.response["body"]["url"].endswith("/get")
    with pytest.raises(ConnectorError) as info:
        get(make, f"{httpbin_url}/redirect/4", followRedirects=True, maxRedirects=2)
    assert info.value.code == "TOO_MANY_REDIRECTS"


def test_delayed_response_within_timeout(make, httpbin_url):
    assert get(make, f"{httpbin_url}/delay/1", readTimeoutInSeconds=4).response["status"] == 200
