"""Authentication through the connector (feelish.auth does the work), the token-retrieval
kind, and dry runs."""
from __future__ import annotations

import asyncio

import pytest

from feelish import Connector, ConnectorError, Literal, Runtime


def client_credentials(token_url: str) -> str:
    return ('{type: "oauth-client-credentials-flow", tokenEndpoint: "' + token_url + '", '
            'clientId: "post-client", clientSecret: "<<secrets.CLIENT_SECRET>>", '
            'clientAuthentication: "credentialsBody"}')


def test_basic_auth_with_a_secret(make, httpbin_url):
    c = make({"url": Literal(f"{httpbin_url}/basic-auth/ann/pw-Secret-1a2b"),
              "authentication": '{type: "basic", username: "ann", password: "<<secrets.PASSWORD>>"}'})
    assert c.run().response["body"] == {"authenticated": True, "user": "ann"}


def test_wrong_credentials_fail_with_401_and_no_secret_shown(make, httpbin_url):
    c = make({"url": Literal(f"{httpbin_url}/basic-auth/ann/other"),
              "authentication": '{type: "basic", username: "ann", password: "<<secrets.PASSWORD>>"}'})
    with pytest.raises(ConnectorError) as info:
        c.run()
    assert info.value.code == "401" and "pw-Secret-1a2b" not in repr(info.value.to_dict())


def test_bad_auth_config_is_an_input_error(make, httpbin_url):
    with pytest.raises(ConnectorError) as info:
        make({"url": Literal(f"{httpbin_url}/get"), "authentication": '{type: "basic"}'}).run()
    assert info.value.code == "INPUT_ERROR" and "authentication" in (info.value.field or "")


def test_oauth_token_fetched_once_for_many_calls(oauth, tmp_path):  # complaint 1
    base, state = oauth
    state.reset()
    with Runtime(secrets={"CLIENT_SECRET": "post-secret-1"}, document_folder=tmp_path,
                 trust_env=False) as runtime:
        c = Connector.from_mapping({"url": Literal(f"{base}/api/me"),
                                    "authentication": client_credentials(f"{base}/token"),
                                    "readTimeoutInSeconds": 5}, runtime=runtime)
        outs = [c.run() for _ in range(4)]
        assert all(o.response["body"]["client_id"] == "post-client" for o in outs)
        assert state.token_requests == 1


def test_token_kind_exposes_the_token_as_body(oauth, tmp_path):
    base, state = oauth
    with Runtime(secrets={"CLIENT_SECRET": "post-secret-1"}, document_folder=tmp_path,
                 trust_env=False) as runtime:
        c = Connector.from_mapping({"kind": "token", "authentication": client_credentials(f"{base}/token"),
                                    "resultExpression": "{token: response.body.access_token}"},
                                   runtime=runtime)
        out = c.run()
        assert out.outputs["token"] and out.response["body"]["token_type"].lower() == "bearer"
        out2 = asyncio.run(c.run_async())
        assert out2.outputs["token"] == out.outputs["token"]  # cached


def test_token_kind_failure_is_redacted(oauth, tmp_path):
    base, _ = oauth
    with Runtime(secrets={"CLIENT_SECRET": "wrong-secret-77"}, document_folder=tmp_path,
                 trust_env=False) as runtime:
        c = Connector.from_mapping({"kind": "token", "authentication": client_credentials(f"{base}/token")},
                                   runtime=runtime)
        with pytest.raises(ConnectorError) as info:
            c.run()
        assert "wrong-secret-77" not in str(info.value) + repr(info.value.to_dict())


def test_dry_run_shows_placeholders_and_sends_nothing(make, fault_server):
    c = make({"method": '"POST"',
              "url": '"' + fault_server.url + '/retry?key=dry&token=" + "<<secrets.TOKEN>>"',
              "headers": '{"Authorization": "Bearer <<secrets.TOKEN>>", "X-Key": "<<secrets.UNKNOWN>>"}',
              "body": '{user: user, pw: "<<secrets.PASSWORD>>"}'}, inputs=["user"])
    spec = c.dry_run({"user": "ann"})
    assert spec.method == "POST"
    assert "<<secrets.TOKEN>>" in spec.url and "tok-Secret-9f8e" not in repr(spec)
    headers = dict(spec.headers)
    assert headers["Authorization"] == "Bearer <<secrets.TOKEN>>"
    assert headers["X-Key"] == "<<secrets.UNKNOWN>>"   # missing secrets do not stop a dry run
    assert spec.body == '{"user":"ann","pw":"<<secrets.PASSWORD>>"}' and spec.body_kind == "json"
    assert fault_server.extra["counts"]["dry"] == 0
    assert spec.to_dict()["headers"][0] == ["User-Agent", headers["User-Agent"]]


def test_secret_at_the_start_of_the_url(make, httpbin_url):  # complaint 18
    with Runtime(secrets={"BASE": httpbin_url}, trust_env=False) as runtime:
        c = Connector.from_mapping({"url": '"<<secrets.BASE>>/get"', "readTimeoutInSeconds": 5}, runtime=runtime)
        assert c.run().response["status"] == 200
        c2 = Connector.from_mapping({"url": Literal("<<secrets.BASE>>/get")}, runtime=runtime)
        assert c2.run().response["status"] == 200


def test_per_call_secrets_win_over_the_runtime(make, httpbin_url):
    c = make({"url": Literal(f"{httpbin_url}/headers"), "headers": '{"X-T": "<<secrets.TOKEN>>"}'})
    assert c.run(secrets={"TOKEN": "call-level"}).response["body"]["headers"]["X-T"] == "call-level"
