"""More FEATURES.md Part B rows: URL blocklist (SSRF guard), reusable credentials, documents
inside JSON bodies, request cookies, encrypted client keys, OData-style parameters."""
from __future__ import annotations

import base64
import urllib.parse

import pytest

from feelish import Connector, ConnectorError, Literal, Runtime


def test_url_blocklist_refuses_before_sending_and_on_redirects(httpbin_url, tmp_path):
    with Runtime(trust_env=False, document_folder=tmp_path, blocked_urls=[r"/internal/"],
                 blocked_ports=[1]) as runtime:
        blocked = Connector.from_mapping({"url": Literal(f"{httpbin_url}/internal/x")}, runtime=runtime)
        with pytest.raises(ConnectorError) as info:
            blocked.run()
        assert info.value.code == "INPUT_ERROR" and "not allowed" in info.value.message
        with pytest.raises(ConnectorError) as info:
            Connector.from_mapping({"url": Literal("http://127.0.0.1:1/")}, runtime=runtime).run()
        assert "port" in info.value.message
        target = urllib.parse.quote(f"{httpbin_url}/internal/secret", safe="")
        hop = Connector.from_mapping({"url": Literal(f"{httpbin_url}/redirect-to?url={target}"),
                                      "followRedirects": True, "readTimeoutInSeconds": 5}, runtime=runtime)
        with pytest.raises(ConnectorError) as info:
            hop.run()
        assert info.value.code == "INPUT_ERROR"
        ok = Connector.from_mapping({"url": Literal(f"{httpbin_url}/get")}, runtime=runtime)
        assert ok.run().response["status"] == 200


def test_reusable_credentials_win_over_inline_authentication(httpbin_url, tmp_path):
    creds = {"crm": {"type": "basic", "username": "svc", "password": "<<secrets.CRM_PW>>"}}
    with Runtime(trust_env=False, document_folder=tmp_path, credentials=creds,
                 secrets={"CRM_PW": "crm-Secret-55"}) as runtime:
        c = Connector.from_mapping({"url": Literal(f"{httpbin_url}/basic-auth/svc/crm-Secret-55"),
                                    "authentication": '{type: "basic", username: "x", password: "y"}',
                                    "authenticationConfiguration": '"crm"'}, runtime=runtime)
        assert c.run().response["body"]["user"] == "svc"
        missing = Connector.from_mapping({"url": Literal(f"{httpbin_url}/get"),
                                          "authenticationConfiguration": '"nope"'}, runtime=runtime)
        with pytest.raises(ConnectorError) as info:
            missing.run()
        assert info.value.field == "authenticationConfiguration"


def test_document_inside_a_json_body_is_base64(make, httpbin_url, rt):
    path = rt.documents.new_path("a.bin")
    path.write_bytes(b"\x00\xffdata")
    doc = {"kind": "document", "path": str(path), "filename": "a.bin", "contentType": "application/octet-stream"}
    out = make({"method": '"POST"', "url": Literal(f"{httpbin_url}/post"), "body": "{name: \"a\", content: doc}"},
               inputs=["doc"]).run({"doc": doc})
    assert base64.b64decode(out.response["body"]["json"]["content"]) == b"\x00\xffdata"


def test_request_cookies_through_the_cookie_header(make, httpbin_url):
    out = make({"url": Literal(f"{httpbin_url}/cookies"), "headers": '{Cookie: "a=1; b=2"}'}).run()
    assert out.response["body"]["cookies"] == {"a": "1", "b": "2"}


def test_encrypted_client_key(make, mtls_url, tls_material):
    from cryptography.hazmat.primitives import serialization
    key = serialization.load_pem_private_key(tls_material.client_key_text.encode(), password=None)
    encrypted = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.BestAvailableEncryption(b"k3y-pass")).decode()
    fields = {"url": Literal(mtls_url), "caCertificate": Literal(tls_material.ca_text),
              "clientCertificate": Literal(tls_material.client_cert_text), "clientKey": Literal(encrypted)}
    out = make({**fields, "clientKeyPassword": '"<<secrets.PASSWORD>>"'}).run(secrets={"PASSWORD": "k3y-pass"})
    assert out.response["body"]["client_cert"] is True
    with pytest.raises(ConnectorError) as info:
        make({**fields, "clientKeyPassword": '"wrong"'}).run()
    assert info.value.code == "INPUT_ERROR" and info.value.field == "clientCertificate"


def test_odata_style_parameters(make, httpbin_url):
    out = make({"url": Literal(f"{httpbin_url}/get"),
                "queryParameters": '{"$filter": "Name eq \'A+B\'", "$top": 2}'}).run()
    assert out.response["body"]["args"] == {"$filter": "Name eq 'A+B'", "$top": "2"}


def test_secrets_in_urls_never_reach_httpx2_logs(make, httpbin_url, caplog):
    import logging
    with caplog.at_level(logging.INFO, logger="httpx2"):
        make({"url": '"' + httpbin_url + '/get?api_key=" + "<<secrets.TOKEN>>"'}).run()
    assert "HTTP Request" in caplog.text and "tok-Secret-9f8e" not in caplog.text


def test_expression_warnings_reach_the_outcome(make, httpbin_url):
    out = make({"url": Literal(f"{httpbin_url}/headers"), "headers": '{"X-A": missingVar}'}).run({})
    assert any(w.kind == "no-variable-found" and "headers" in w.message for w in out.warnings)


def test_async_uploads_stream_files_and_multipart(httpbin_url, tmp_path):
    import asyncio
    path = tmp_path / "up.txt"
    path.write_bytes(b"async bytes")
    doc = {"kind": "document", "path": str(path), "contentType": "text/plain", "filename": "up.txt"}

    async def main():
        async with Runtime(trust_env=False, document_folder=tmp_path) as runtime:
            raw = Connector.from_mapping({"method": '"PUT"', "url": Literal(f"{httpbin_url}/put"),
                                          "body": "doc"}, inputs=["doc"], runtime=runtime)
            multi = Connector.from_mapping({"method": '"POST"', "url": Literal(f"{httpbin_url}/post"),
                                            "contentType": '"multipart/form-data"', "body": "{f: doc, t: 1}"},
                                           inputs=["doc"], runtime=runtime)
            return await raw.run_async({"doc": doc}), await multi.run_async({"doc": doc})
    raw, multi = asyncio.run(main())
    assert raw.response["body"]["data"] == "async bytes"
    assert multi.response["body"]["files"] == {"f": "async bytes"} and multi.response["body"]["form"] == {"t": "1"}


def test_proxy_from_the_environment(monkeypatch, auth_proxy, httpbin_url, tmp_path):
    monkeypatch.setenv("HTTP_PROXY", auth_proxy.url)
    monkeypatch.setenv("NO_PROXY", "")
    with Runtime(document_folder=tmp_path) as runtime:  # trust_env defaults to True
        c = Connector.from_mapping({"url": Literal(f"{httpbin_url}/get"), "readTimeoutInSeconds": 5},
                                   runtime=runtime)
        with pytest.raises(ConnectorError) as info:
            c.run()
        assert info.value.code == "407"
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with Runtime(document_folder=tmp_path) as runtime:
        c = Connector.from_mapping({"url": Literal(f"{httpbin_url}/get"), "readTimeoutInSeconds": 5},
                                   runtime=runtime)
        assert c.run().response["status"] == 200


def test_digest_auth_through_the_connector(make, httpbin_url):
    out = make({"url": Literal(f"{httpbin_url}/digest-auth/auth/ann/pw-Secret-1a2b"),
                "authentication": '{type: "digest", username: "ann", password: "<<secrets.PASSWORD>>"}'}).run()
    assert out.response["body"] == {"authenticated": True, "user": "ann"}
