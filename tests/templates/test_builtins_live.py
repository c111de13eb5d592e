"""Every built-in connector against real local servers (httpbin and the example API)."""
from __future__ import annotations

import hashlib
import json

import pytest

from feelish.connector import Runtime
from feelish.errors import ConnectorError, TemplateError
from feelish.templates import dry_run_template, load, run_template


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    root = tmp_path_factory.mktemp("uploads")
    with Runtime(file_roots=[root]) as rt:
        rt.upload_root = root
        yield rt


def run(name, variables, runtime, **kw):
    return run_template(load(name), variables, runtime=runtime, **kw)


def test_get_with_query_headers_cookies_and_basic_auth(httpbin_url, runtime):
    out = run("get", {"url": f"{httpbin_url}/anything/x", "queryParameters": {"q": "a b", "n": 2},
                      "headers": {"X-Demo": "1"}, "cookies": {"session": "abc", "lang": "fr"},
                      "auth": {"type": "basic", "username": "u", "password": "p"}}, runtime).outputs
    assert out["status_code"] == 200 and out["status_message"] == "OK"
    echoed = out["bodyAsObject"]
    assert echoed["args"] == {"q": "a b", "n": "2"} and echoed["method"] == "GET"
    assert echoed["headers"]["X-Demo"] == "1"
    assert echoed["headers"]["Cookie"] == "session=abc; lang=fr"
    assert echoed["headers"]["Authorization"].startswith("Basic ")
    assert json.loads(out["bodyAsString"]) == json.loads(json.dumps(echoed))


@pytest.mark.parametrize("name", ["get", "head", "delete", "post", "put", "patch"])
def test_builtin_cookies_cannot_inject_another_cookie(name, httpbin_url, runtime):
    with pytest.raises(ConnectorError) as info:
        run(name, {"url": f"{httpbin_url}/anything", "cookies": {"lang": "fr; admin=true"}}, runtime)
    assert info.value.code == "INPUT_ERROR" and info.value.field == "cookies"
    assert "cookies.lang" in info.value.message


def test_builtin_cookies_merge_with_a_cookie_header(httpbin_url, runtime):
    out = run("get", {"url": f"{httpbin_url}/cookies", "headers": {"Cookie": "z=9"},
                      "cookies": {"a": 1, "gone": None}}, runtime).outputs
    assert out["bodyAsObject"]["cookies"] == {"z": "9", "a": "1"}


def test_get_never_fails_on_status_by_default_bonita_style(httpbin_url, runtime):
    out = run("get", {"url": f"{httpbin_url}/status/404"}, runtime).outputs
    assert out["status_code"] == 404 and out["bodyAsObject"] == {}


def test_get_fail_flags(httpbin_url, runtime):
    with pytest.raises(ConnectorError) as info:
        run("get", {"url": f"{httpbin_url}/status/404", "failOn4xx": True}, runtime)
    assert info.value.code == "404"
    # failOn4xx alone leaves 5xx as outputs
    out = run("get", {"url": f"{httpbin_url}/status/503", "failOn4xx": True}, runtime).outputs
    assert out["status_code"] == 503
    with pytest.raises(ConnectorError):
        run("get", {"url": f"{httpbin_url}/status/503", "failOn5xx": True}, runtime)


def test_head_has_headers_and_no_body(httpbin_url, runtime):
    out = run("head", {"url": f"{httpbin_url}/json"}, runtime).outputs
    assert out["status_code"] == 200 and out["bodyAsString"] == "" and out["bodyAsObject"] == {}
    assert out["headers"]["Content-Type"] == "application/json"


def test_delete(httpbin_url, runtime):
    out = run("delete", {"url": f"{httpbin_url}/delete", "queryParameters": {"id": 7}}, runtime).outputs
    assert out["status_code"] == 200 and out["bodyAsObject"]["args"] == {"id": "7"}


@pytest.mark.parametrize("name, method", [("post", "POST"), ("put", "PUT"), ("patch", "PATCH")])
def test_body_connectors_send_text_with_content_type_and_charset(name, method, httpbin_url, runtime):
    body = '{"item": "thé", "quantity": 2}'
    out = run(name, {"url": f"{httpbin_url}/{method.lower()}", "body": body}, runtime).outputs
    echoed = out["bodyAsObject"]
    assert echoed["data"] == body and echoed["json"] == {"item": "thé", "quantity": 2}
    assert echoed["headers"]["Content-Type"].lower().replace(" ", "") == "application/json;charset=utf-8"


def test_post_with_another_charset(httpbin_url, runtime):
    out = run("post", {"url": f"{httpbin_url}/post", "body": "café", "contentType": "text/plain",
                       "charset": "ISO-8859-1"}, runtime).outputs
    assert "iso-8859-1" in out["bodyAsObject"]["headers"]["Content-Type"].lower()


@pytest.mark.parametrize("name, path", [("post-file", "files"), ("put-file", "files/report.bin")])
def test_file_connectors_upload_bytes(name, path, example_api, runtime):
    content = bytes(range(256)) * 40
    file = runtime.upload_root / "report.bin"
    file.write_bytes(content)
    out = run(name, {"url": f"{example_api.url}/{path}", "file": str(file)}, runtime).outputs
    assert out["status_code"] in (200, 201)
    assert out["bodyAsObject"]["size"] == len(content)
    assert out["bodyAsObject"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert out["bodyAsObject"]["contentType"] == "application/octet-stream"


def test_file_outside_the_allowed_folders_is_refused(example_api, runtime, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("x")
    with pytest.raises(ConnectorError):
        run("post-file", {"url": f"{example_api.url}/files", "file": str(outside)}, runtime)


def test_oauth2_token_then_bearer_call(example_api, runtime):
    token = run("oauth2-token", {"tokenEndpoint": f"{example_api.url}/oauth/token",
                                 "clientId": "example-client", "clientSecret": "example-secret"},
                runtime).outputs
    assert token["tokenType"] == "Bearer" and token["expiresIn"] == 3600 and len(token["token"]) == 32
    out = run("get", {"url": f"{example_api.url}/orders", "auth": {"type": "bearer", "token": token["token"]}},
              runtime).outputs
    assert out["status_code"] == 200 and out["bodyAsObject"]["count"] >= 1


def test_oauth2_token_with_basic_client_authentication_and_bad_secret(example_api, runtime):
    ok = run("oauth2-token", {"tokenEndpoint": f"{example_api.url}/oauth/token", "clientId": "example-client",
                              "clientSecret": "example-secret", "clientAuthentication": "basicAuthHeader",
                              "scope": "orders:read"}, runtime).outputs
    assert ok["scope"] == "orders:read"
    with pytest.raises(ConnectorError) as info:
        run("oauth2-token", {"tokenEndpoint": f"{example_api.url}/oauth/token", "clientId": "example-client",
                             "clientSecret": "not-the-secret-42"}, runtime)
    assert "not-the-secret-42" not in str(info.value.to_dict())


def test_rest_with_camunda_fields_and_oauth_client_credentials(example_api, runtime):
    auth = {"type": "oauth-client-credentials-flow", "oauthTokenEndpoint": f"{example_api.url}/oauth/token",
            "clientId": "example-client", "clientSecret": "example-secret",
            "clientAuthentication": "credentialsBody"}
    out = run("rest", {"method": "POST", "url": f"{example_api.url}/orders", "body": {"item": "tea", "quantity": 3},
                       "authentication": auth}, runtime).outputs
    assert out["status"] == 201 and out["body"]["item"] == "tea" and out["headers"]["Location"]


def test_rest_failure_carries_the_response(httpbin_url, runtime):
    with pytest.raises(ConnectorError) as info:
        run("rest", {"url": f"{httpbin_url}/status/418"}, runtime)
    assert info.value.code == "418" and info.value.response["status"] == 418


def test_rest_sees_only_declared_inputs(httpbin_url, runtime):
    # a variable called `headers` is an input of `rest`; one called `proxy` is not and is ignored
    out = run("rest", {"url": f"{httpbin_url}/headers", "headers": {"X-A": "1"}, "proxy": "http://nope:1"},
              runtime).outputs
    assert out["body"]["headers"]["X-A"] == "1"


def test_dry_run_of_a_builtin_sends_nothing(runtime):
    request = dry_run_template(load("post"), {"url": "http://127.0.0.1:9/never", "body": "{}"}, runtime=runtime)
    assert request["method"] == "POST" and request["url"] == "http://127.0.0.1:9/never"


def test_missing_required_input_points_at_the_declaration(runtime):
    with pytest.raises(TemplateError) as info:
        run("oauth2-token", {"tokenEndpoint": "http://x/token"}, runtime)
    assert "missing required input 'clientId'" in info.value.message
    assert info.value.origin == "<builtin>/oauth2-token.feelish" and info.value.line


def test_secrets_in_a_template_default_resolve_and_a_variable_cannot_smuggle_one(httpbin_url, runtime, tmp_path):
    from feelish.templates import loads
    template = loads('input token: string secret = "<<secrets.TOKEN>>"\ninput base: string required\n'
                     'url: base + "/headers"\nheaders: {"X-Token": token}\n'
                     'resultExpression: {seen: get value(response.body.headers, "X-Token")}\n', "t.feelish")
    out = run_template(template, {"base": httpbin_url}, runtime=runtime, secrets={"TOKEN": "tok-1"}).outputs
    assert out == {"seen": "tok-1"}
    # a placeholder inside a variable's value is data, never resolved
    out = run_template(template, {"base": httpbin_url, "token": "<<secrets.TOKEN>>"}, runtime=runtime,
                       secrets={"TOKEN": "tok-1"}).outputs
    assert out == {"seen": "<<secrets.TOKEN>>"}


def test_get_over_tls_with_a_ca_certificate_or_trusting_self_signed(tls_url, tls_material, runtime):
    import warnings

    with pytest.raises(ConnectorError):  # the test CA is not trusted by default
        run("get", {"url": f"{tls_url}/x"}, runtime)
    out = run("get", {"url": f"{tls_url}/x", "caCertificate": tls_material.ca_text}, runtime).outputs
    assert out["status_code"] == 200 and out["bodyAsObject"]["path"] == "/x"
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        out = run("get", {"url": f"{tls_url}/y", "trustSelfSignedCertificate": True}, runtime).outputs
    assert out["status_code"] == 200


def test_get_through_a_proxy_that_wants_credentials(auth_proxy, httpbin_url, runtime):
    # the proxy refuses calls without its credentials: a success proves the call went through it
    user, password = auth_proxy.extra["credentials"].split(":", 1)
    refused = run("get", {"url": f"{httpbin_url}/get", "proxy": auth_proxy.url}, runtime).outputs
    assert refused["status_code"] == 407
    out = run("get", {"url": f"{httpbin_url}/get",
                      "proxy": {"url": auth_proxy.url, "username": user, "password": password}}, runtime).outputs
    assert out["status_code"] == 200 and out["bodyAsObject"]["url"].endswith("/get")
