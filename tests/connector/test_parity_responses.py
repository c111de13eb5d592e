"""Issue 10, items 6-9: request bodies on GET, the response format, response headers in any case,
large bodies and the documents the runtime deletes; all against the real local servers."""
from __future__ import annotations

from pathlib import Path

import pytest

from feelish import Connector, ConnectorError, Literal, Runtime


# ---------------------------------------------------------------- item 6: GET / HEAD / OPTIONS bodies
@pytest.mark.parametrize("method", ["GET", "OPTIONS"])
def test_a_get_body_is_not_sent_and_says_so(make, fault_url, method):
    outcome = make({"url": Literal(f"{fault_url}/echo"), "method": Literal(method),
                    "body": "{q: 1}", "resultExpression": "{raw: response.document.path}"}).run()
    sent = Path(outcome.outputs["raw"]).read_bytes()
    assert b'{"q":1}' not in sent and b"content-type" not in sent.lower()
    (warning,) = [w for w in outcome.warnings if w.kind == "body-not-sent"]
    assert f"the body of a {method} request is not sent" in warning.message and "allowGetBody" in warning.message


def test_allow_get_body_sends_it(make, fault_url):
    outcome = make({"url": Literal(f"{fault_url}/echo"), "body": "{q: 1}", "allowGetBody": True,
                    "resultExpression": "{raw: response.document.path}"}).run()
    assert Path(outcome.outputs["raw"]).read_bytes().endswith(b'{"q":1}')
    assert not [w for w in outcome.warnings if w.kind == "body-not-sent"]


def test_delete_still_sends_its_body(make, fault_url):
    outcome = make({"url": Literal(f"{fault_url}/echo"), "method": Literal("DELETE"), "body": "{q: 1}",
                    "resultExpression": "{raw: response.document.path}"}).run()
    assert Path(outcome.outputs["raw"]).read_bytes().endswith(b'{"q":1}')


# ---------------------------------------------------------------- item 7: responseFormat
def test_response_format_json_refuses_a_body_that_is_not_json(make, fault_url):
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(f"{fault_url}/malformed-json"), "responseFormat": Literal("json")}).run()
    assert info.value.code == "INVALID_RESPONSE" and "not JSON" in info.value.message
    assert info.value.response["body"] == '{"truncated": [1, 2'
    # auto keeps today's lenient reading: the raw text and a warning
    outcome = make({"url": Literal(f"{fault_url}/malformed-json")}).run()
    assert outcome.response["body"] == '{"truncated": [1, 2'
    # json parses a JSON body whatever its Content-Type says
    outcome = make({"url": Literal(f"{fault_url}/bytes?type=text/plain&text=" + '{"a":1}'),
                    "responseFormat": Literal("json")}).run()
    assert outcome.response["body"] == {"a": 1}


def test_response_format_text_decodes_with_the_given_charset(make, fault_url):
    url = f"{fault_url}/bytes?type=text/plain&text=café&encoding=cp1252"
    assert make({"url": Literal(url)}).run().response["body"] == "caf\ufffd"
    outcome = make({"url": Literal(url), "responseFormat": Literal("text; charset=windows-1252")}).run()
    assert outcome.response["body"] == "café"


def test_response_format_with_an_unknown_charset_is_an_input_error_naming_it(make, fault_url):
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(f"{fault_url}/text"), "responseFormat": Literal("text; charset=klingon-8")})
    assert info.value.code == "INPUT_ERROR" and "'klingon-8'" in info.value.message
    assert info.value.field == "responseFormat"
    connector = make({"url": Literal(f"{fault_url}/text"), "responseFormat": "fmt"}, inputs=["fmt"])
    with pytest.raises(ConnectorError) as info:
        connector.run({"fmt": "xml"})
    assert info.value.code == "INPUT_ERROR" and "'xml'" in info.value.message


# ---------------------------------------------------------------- item 8: headers in any case
def test_response_headers_read_case_insensitively_but_keep_the_servers_spelling(make, fault_url):
    outcome = make({"url": Literal(f"{fault_url}/no-content"), "resultVariable": Literal("r"),
                    "resultExpression": "{where: response.headers.location, id: response.headers.`x-id`,"
                                        " same: response.headers.LOCATION = response.headers.Location}"}).run()
    assert outcome.outputs["where"] == "/items/42" and outcome.outputs["id"] == "42"
    assert outcome.outputs["same"] is True
    assert "Location" in list(outcome.outputs["r"]["headers"]) and "location" not in list(outcome.response["headers"])


# ---------------------------------------------------------------- item 9: large bodies and documents
def test_a_large_json_body_stays_in_memory_and_maps(make, fault_url):
    outcome = make({"url": Literal(f"{fault_url}/big-json?size=2000000"),
                    "resultExpression": "{n: count(response.body.items), last: response.body.items[-1]}"}).run()
    assert outcome.response["document"] is None and outcome.outputs["n"] > 200_000
    assert outcome.outputs["last"] == outcome.outputs["n"] - 1
    with pytest.raises(ConnectorError) as info:  # the cap still holds
        make({"url": Literal(f"{fault_url}/big-json?size=2000000"), "responseMaxBytes": 1_000_000}).run()
    assert info.value.code == "RESPONSE_TOO_LARGE"


def test_a_mapping_that_reads_the_body_of_a_document_warns(make, fault_url):
    outcome = make({"url": Literal(f"{fault_url}/binary"), "resultExpression": "{b: response.body}"}).run()
    assert outcome.outputs == {"b": None}
    (warning,) = [w for w in outcome.warnings if w.kind == "body-in-document"]
    assert "response.document" in warning.message
    outcome = make({"url": Literal(f"{fault_url}/binary"),
                    "resultExpression": "{p: response.document.path}"}).run()
    assert not [w for w in outcome.warnings if w.kind == "body-in-document"]


@pytest.mark.parametrize("keep", [False, True])
def test_the_runtime_deletes_its_documents_when_it_closes_unless_kept(fault_url, tmp_path, keep):
    runtime = Runtime(document_folder=tmp_path, trust_env=False, keep_documents=keep)
    connector = Connector.from_mapping({"url": Literal(f"{fault_url}/binary")}, runtime=runtime)
    path = Path(connector.run().response["document"]["path"])
    assert path.is_file()
    runtime.close()
    assert path.exists() is keep


def test_a_runtime_of_its_own_removes_its_temporary_folder(fault_url):
    runtime = Runtime(trust_env=False)
    connector = Connector.from_mapping({"url": Literal(f"{fault_url}/binary")}, runtime=runtime)
    folder = Path(connector.run().response["document"]["path"]).parent
    runtime.close()
    assert not folder.exists()
