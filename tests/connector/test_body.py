"""Request bodies on the wire: JSON, raw strings, forms, multipart, files, charsets."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from feelish import ConnectorError, Literal


def post(make, url, body, **fields):
    return make({"method": '"POST"', "url": Literal(url), "body": body, **fields}).run()


def wire_body(out) -> bytes:
    """The request body as the fault server's /echo received it."""
    doc = out.response["document"]
    raw = Path(doc["path"]).read_bytes() if doc else b""
    return raw.split(b"\r\n\r\n", 1)[1]


def wire_headers(out) -> str:
    doc = out.response["document"]
    return Path(doc["path"]).read_bytes().split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()


def test_context_body_is_json_with_exact_numbers(make, fault_url):
    out = post(make, f"{fault_url}/echo",
               '{a: 1, price: 0.1, big: 12345678901234567890.123456789, nested: {x: null}, l: [true, "s"]}')
    assert wire_body(out) == (b'{"a":1,"price":0.1,"big":12345678901234567890.123456789,'
                              b'"nested":{"x":null},"l":[true,"s"]}')
    assert "content-type: application/json" in wire_headers(out)


def test_ignore_null_values(make, fault_url):
    out = post(make, f"{fault_url}/echo", '{a: 1, b: null, c: {d: null, e: 2}}', ignoreNullValues=True)
    assert json.loads(wire_body(out)) == {"a": 1, "c": {"e": 2}}


def test_no_body_no_content_type(make, fault_url):  # complaint 5
    out = make({"method": '"POST"', "url": Literal(f"{fault_url}/echo")}).run()
    assert "content-type" not in wire_headers(out) and wire_body(out) == b""
    assert "content-length: 0" in wire_headers(out)


def test_string_body_is_sent_as_written(make, fault_url):  # complaints 2 and 3
    out = post(make, f"{fault_url}/echo", Literal('"The body"'))
    assert wire_body(out) == b'"The body"'
    embedded = '{"name":"{\\"inner\\":1}"}'
    out = post(make, f"{fault_url}/echo", Literal(embedded))
    assert wire_body(out) == embedded.encode() and "content-type: application/json" in wire_headers(out)
    out = post(make, f"{fault_url}/echo", '"plain words"')
    assert wire_body(out) == b"plain words" and "content-type: text/plain; charset=utf-8" in wire_headers(out)


def test_string_body_expression_with_quotes(make, fault_url):
    out = post(make, f"{fault_url}/echo", '"say \\"hi\\""')
    assert wire_body(out) == b'say "hi"'


def test_scalar_json_body(make, fault_url):
    assert wire_body(post(make, f"{fault_url}/echo", "123")) == b"123"
    assert wire_body(post(make, f"{fault_url}/echo", "true")) == b"true"


def test_form_urlencoded(make, httpbin_url):
    out = post(make, f"{httpbin_url}/post", '{name: "a b&c", tags: ["x", "y"], n: 2}',
               contentType='"application/x-www-form-urlencoded"')
    assert out.response["body"]["form"] == {"name": "a b&c", "tags": ["x", "y"], "n": "2"}


def test_form_null_value_is_a_bare_key(make, fault_url):
    out = post(make, f"{fault_url}/echo", '{a: null, b: 1}',
               headers='{"content-type": "application/x-www-form-urlencoded"}')
    assert wire_body(out) == b"a&b=1"


def test_multipart_text_and_file_parts(make, httpbin_url, rt):
    doc = rt.documents.new_path("report.csv")
    doc.write_text("a,b\n1,2\n")
    document = {"kind": "document", "path": str(doc), "contentType": "text/csv", "filename": "report.csv",
                "size": doc.stat().st_size}
    out = make({"method": '"POST"', "url": Literal(f"{httpbin_url}/post"),
                "contentType": '"multipart/form-data"', "body": '{title: "t", tag: ["a", "b"], file: doc}'},
               inputs=["doc"]).run({"doc": document})
    body = out.response["body"]
    assert body["form"] == {"title": "t", "tag": ["a", "b"]}
    assert body["files"] == {"file": "a,b\n1,2\n"}
    assert body["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")


def test_multipart_text_only(make, httpbin_url):
    out = post(make, f"{httpbin_url}/post", '{a: "1", b: 2}', contentType='"multipart/form-data"')
    assert out.response["body"]["form"] == {"a": "1", "b": "2"}


def test_file_upload_streams_from_disk(make, fault_url, rt):
    """POST FILE / PUT FILE: the document's bytes are the whole body, with a Content-Length."""
    path = rt.documents.new_path("blob.bin")
    data = bytes(range(256)) * 1000
    path.write_bytes(data)
    doc = {"kind": "document", "path": str(path), "contentType": "application/pdf", "filename": "x.pdf"}
    out = make({"method": '"PUT"', "url": Literal(f"{fault_url}/echo"), "body": "doc"},
               inputs=["doc"]).run({"doc": doc})
    assert wire_body(out) == data
    assert f"content-length: {len(data)}" in wire_headers(out)
    assert "content-type: application/pdf" in wire_headers(out)


def test_documents_outside_allowed_folders_are_refused(make, fault_url, tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text("root")
    with pytest.raises(ConnectorError) as info:
        make({"method": '"POST"', "url": Literal(f"{fault_url}/echo"), "body": "doc"},
             inputs=["doc"]).run({"doc": {"kind": "document", "path": str(secret)}})
    assert info.value.code == "INPUT_ERROR" and info.value.field == "body"


def test_host_path_and_bytes_bodies(make, fault_url, tmp_path):
    path = tmp_path / "data.txt"
    path.write_bytes(b"from host")
    out = make({"method": '"POST"', "url": Literal(f"{fault_url}/echo"), "body": Literal(path)}).run()
    assert wire_body(out) == b"from host" and "content-type: text/plain" in wire_headers(out)
    out = make({"method": '"POST"', "url": Literal(f"{fault_url}/echo"), "body": Literal(b"\x00\x01")}).run()
    assert wire_body(out) == b"\x00\x01" and "content-type: application/octet-stream" in wire_headers(out)


def test_charset(make, fault_url):
    out = post(make, f"{fault_url}/echo", '"caf\u00e9"', contentType='"text/plain"', charset='"ISO-8859-1"')
    assert wire_body(out) == "café".encode("latin-1")
    assert "content-type: text/plain; charset=iso-8859-1" in wire_headers(out)


def test_xml_body(make, fault_url):
    out = post(make, f"{fault_url}/echo", '"<a>1</a>"', contentType='"application/xml"')
    assert wire_body(out) == b"<a>1</a>" and "content-type: application/xml" in wire_headers(out)


def test_secret_inside_body_at_any_depth(make, httpbin_url):  # complaint 14
    out = post(make, f"{httpbin_url}/post", '{auth: {key: "k-<<secrets.TOKEN>>-end"}, list: ["<<secrets.TOKEN>>"]}')
    assert out.response["body"]["json"] == {"auth": {"key": "k-tok-Secret-9f8e-end"}, "list": ["tok-Secret-9f8e"]}
