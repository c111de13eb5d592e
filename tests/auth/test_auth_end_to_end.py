"""Authentication through the runtime: `feelish.Connector` with an `authentication` expression,
and the built-in `oauth2-token` template, against the authlib server."""
from __future__ import annotations

import pytest

from feelish import AuthError, Connector, ConnectorError, Literal, Runtime
from feelish.templates.library import load
from feelish.templates.runner import connector_for

AUTH = ('{type: "oauth-client-credentials-flow", oauthTokenEndpoint: tokenUrl, clientId: "post-client",'
        ' clientSecret: "<<secrets.CLIENT_SECRET>>", clientAuthentication: "credentialsBody",'
        ' scopes: "read"}')


@pytest.fixture
def runtime():
    rt = Runtime(secrets={"CLIENT_SECRET": "post-secret-1", "WRONG": "wrong-secret-77"}, trust_env=False)
    yield rt
    rt.close()


def api(oauth, runtime, auth=AUTH) -> Connector:
    return Connector.from_mapping({"url": Literal(f"{oauth.url}/api/me"), "authentication": auth,
                                   "resultExpression": "{who: response.body.client_id}",
                                   "connectionTimeoutInSeconds": 5, "readTimeoutInSeconds": 5},
                                  inputs=["tokenUrl"], runtime=runtime)


def test_connector_runs_share_one_token(oauth, runtime):
    connector = api(oauth, runtime)
    outputs = [connector.run({"tokenUrl": f"{oauth.url}/token"}).outputs for _ in range(5)]
    assert outputs == [{"who": "post-client"}] * 5
    assert oauth.state.token_requests == 1
    # another connector on the same runtime, same credentials: same cached token
    assert api(oauth, runtime).run({"tokenUrl": f"{oauth.url}/token"}).outputs == {"who": "post-client"}
    assert oauth.state.token_requests == 1


def test_connector_async_run(oauth, runtime):
    import asyncio

    async def main():
        connector = api(oauth, runtime)
        return await asyncio.gather(*[connector.run_async({"tokenUrl": f"{oauth.url}/token"})
                                      for _ in range(10)])

    assert [o.outputs for o in asyncio.run(main())] == [{"who": "post-client"}] * 10
    assert oauth.state.token_requests == 1


def test_connector_token_error_is_an_auth_error_without_the_secret(oauth, runtime):
    auth = AUTH.replace("CLIENT_SECRET", "WRONG")
    with pytest.raises(AuthError) as info:
        api(oauth, runtime, auth).run({"tokenUrl": f"{oauth.url}/token"})
    assert info.value.code == "invalid_client"
    assert "wrong-secret-77" not in str(info.value.to_dict())


def test_connector_bad_authentication_names_the_field(oauth, runtime):
    with pytest.raises(ConnectorError) as info:
        api(oauth, runtime, '{type: "basic", usr: "x"}').run({"tokenUrl": "x"})
    assert info.value.code == "INPUT_ERROR" and info.value.field == "authentication.username"


def test_builtin_oauth2_token_template(oauth, runtime):
    connector = connector_for(load("oauth2-token"), runtime)
    variables = {"tokenEndpoint": f"{oauth.url}/token", "clientId": "basic-client",
                 "clientSecret": "basic-secret-2", "clientAuthentication": "basicAuthHeader",
                 "scope": "read"}
    first = connector.run(variables).outputs
    second = connector.run(variables).outputs
    assert first == second and first["token"] and first["scope"] == "read"
    assert oauth.state.token_requests == 1
    assert "Authorization" in oauth.state.last_headers
