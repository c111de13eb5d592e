"""Built-in connectors' credential inputs are secret inputs: masked in dry runs and outputs, and
bindable to named secrets (`--secret-arg auth.password=NAME`, `secret_args=` in the API) so no
secret value is ever typed."""
from __future__ import annotations

import base64
import io
import json
from urllib.parse import quote

import pytest

from feelish import SecretError
from feelish.cli import main
from feelish.templates import load, run_template

PASSWORD = "Pw-lEaK-42x"


def cli(*argv: str):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _forms(secret: str) -> list[str]:
    return [secret, secret.upper(), secret.lower(), quote(secret, safe=""),
            base64.b64encode(secret.encode()).decode(), base64.b64encode(f"ann:{secret}".encode()).decode()]


@pytest.fixture
def secrets_file(tmp_path):
    path = tmp_path / ".env"
    path.write_text(f"API_PASSWORD={PASSWORD}\n")
    return str(path)


@pytest.mark.parametrize("connector", ["get", "post", "put", "patch", "delete", "head"])
def test_builtin_dry_run_never_prints_a_password_given_as_a_variable(connector):
    code, out, err = cli("run", connector, "--arg", "url=http://127.0.0.1:9/x", "--var",
                         'auth={"type": "basic", "username": "ann", "password": "%s"}' % PASSWORD,
                         "--var", 'proxy={"url": "http://127.0.0.1:9", "username": "p", "password": "%s"}'
                         % PASSWORD, "--dry-run")
    assert code == 0, err
    for form in _forms(PASSWORD):
        assert form not in out + err
    assert json.loads(out)["authentication"]["type"] == "basic"  # the mode stays readable


def test_secret_arg_binds_a_context_entry_and_the_request_gets_the_real_bytes(httpbin_url, secrets_file):
    code, out, err = cli("run", "get", "--arg", f"url={httpbin_url}/basic-auth/ann/{PASSWORD}",
                         "--var", 'auth={"type": "basic", "username": "ann"}',
                         "--secret-arg", "auth.password=API_PASSWORD", "--secrets-file", secrets_file,
                         "--response")
    assert code == 0, err
    assert json.loads(out)["outputs"]["status_code"] == 200  # httpbin checked the password
    for form in _forms(PASSWORD):
        assert form not in out + err


def test_secret_arg_dry_run_masks_it(secrets_file):
    code, out, err = cli("run", "post", "--arg", "url=http://127.0.0.1:9/x",
                         "--secret-arg", "auth.password=API_PASSWORD", "--var", 'auth={"type": "basic"}',
                         "--arg", "auth.username=ann", "--secrets-file", secrets_file, "--dry-run")
    assert code == 0, err
    assert json.loads(out)["authentication"]["password"] == "***"
    for form in _forms(PASSWORD):
        assert form not in out + err


def test_secret_arg_missing_secret_is_named_without_a_traceback():
    code, out, err = cli("run", "get", "--arg", "url=http://127.0.0.1:9/x",
                         "--secret-arg", "auth.password=NOPE", "--dry-run")
    assert code == 2 and "NOPE" in err and "Traceback" not in err


@pytest.mark.parametrize("bad", ["password", "=X", "auth.=X", "a=", ".a=X"])
def test_secret_arg_malformed_is_a_usage_error(bad):
    code, out, err = cli("run", "get", "--arg", "url=http://127.0.0.1:9/x", "--secret-arg", bad, "--dry-run")
    assert code == 2 and "--secret-arg" in err


def test_api_secret_args(httpbin_url):
    outcome = run_template(load("get"), {"url": f"{httpbin_url}/basic-auth/ann/{PASSWORD}",
                                         "auth": {"type": "basic", "username": "ann"}},
                           secrets={"API_PASSWORD": PASSWORD}, secret_args={"auth.password": "API_PASSWORD"})
    assert outcome.outputs["status_code"] == 200
    assert PASSWORD not in repr(outcome)
    with pytest.raises(SecretError) as info:
        run_template(load("get"), {"url": f"{httpbin_url}/get"}, secrets={},
                     secret_args={"auth.password": "MISSING"})
    assert "MISSING" in str(info.value)


def test_a_transformed_secret_input_is_masked_in_a_dry_run_and_errors(tmp_path):
    template = tmp_path / "t.feelish"
    template.write_text('input token: string secret "a token"\n'
                        'url: "http://127.0.0.1:9/x"\n'
                        'headers: {"X-Up": upper case(token), "X-B64": to base64("u:" + token)}\n'
                        'queryParameters: {t: substring(token, 2)}\n'
                        'body: {when: date(token), t: token}\n', encoding="utf-8")
    code, out, err = cli("run", str(template), "--var", f'token="{PASSWORD}"', "--dry-run")
    assert code == 0, err
    for form in _forms(PASSWORD) + [PASSWORD[1:], quote(PASSWORD[1:], safe="")]:
        assert form not in out + err
    code, out, err = cli("run", str(template), "--var", f'token="{PASSWORD}"')  # port 9: refused
    assert code == 1
    for form in _forms(PASSWORD) + [PASSWORD[1:]]:
        assert form not in out + err
