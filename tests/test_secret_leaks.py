"""The derived-secret leak suite: every channel a person or a log sees, searched for every secret
in every form it may travel in.

Channels: `feelish eval` (stdout, stderr), the REPL's output, `Result` reprs, warnings, strict
errors, connector dry runs (repr and JSON), `Outcome` and `ConnectorError` (repr, message,
to_dict), an OAuth2 token endpoint's error, and the log records of every logger at DEBUG
(httpx2, httpcore, authlib and feelish included).  Forms: as is, upper and lower case,
URL-encoded (path, query and form styles), JSON-escaped, base64 (standard and URL-safe).
"""
from __future__ import annotations

import base64
import io
import json
import logging
from urllib.parse import quote, quote_plus

import httpx2
import pytest

import feelish
from feelish import AuthError, Connector, ConnectorError, Runtime
from feelish.auth import TokenCache, build_auth
from feelish.cli import main
from feelish.repl.session import Repl
from feelish.secrets import SecretResolver
from tests.auth.odd_token_server import OddState, make_odd_app
from tests.servers import serve_wsgi

# secrets whose forms all differ: quotes, a backslash, a slash, a space, non-ASCII
SECRETS = {"PASSWORD": 'Pa55 "w/rd"\\Zq!', "KEY": "kEy-Sekr3t-77aa", "CLIENT": "cl&ent=sec+ret/ä"}


def forms(secret: str) -> set[str]:
    out = {secret, secret.upper(), secret.lower(), quote(secret, safe=""), quote(secret),
           quote_plus(secret), json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    raw = secret.encode()
    for coded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        out.add(coded.decode().rstrip("="))
    # the README's mapping: base64 of user:password
    out.add(base64.b64encode(f"ann:{secret}".encode()).decode().rstrip("="))
    return out


def assert_clean(text: str, where: str) -> None:
    for name, secret in SECRETS.items():
        for form in forms(secret):
            assert form not in text, f"{where}: secret {name} in the form {form!r}"


#: expressions that transform secrets (each one leaked before secrets were tainted)
DERIVED = [
    '"Basic " + to base64("ann:" + "<<secrets.PASSWORD>>")',
    'upper case("<<secrets.KEY>>")',
    'lower case("<<secrets.KEY>>")',
    'substring("<<secrets.KEY>>", 2)',
    'to base64("<<secrets.PASSWORD>>")',
    'to json({p: "<<secrets.PASSWORD>>", n: 1})',
    'string({p: "<<secrets.PASSWORD>>"})',
    'string join(["<<secrets.KEY>>", "x"], "-")',
    'replace("<<secrets.KEY>>", "-", "_")',
    'split("<<secrets.KEY>>", "-")',
    'trim("  " + "<<secrets.KEY>>")',
    '{a: [upper case("<<secrets.CLIENT>>")], b: "<<secrets.CLIENT>>" + "?"}',
    'date("<<secrets.KEY>>")',                         # a warning that quotes its argument
    'number("<<secrets.KEY>>")',
    'duration(lower case("<<secrets.PASSWORD>>"))',
    'matches("<<secrets.KEY>>", "[")',                 # an invalid pattern: a warning
    'for x in split("<<secrets.KEY>>", "-") return x + "!"',
    'substring after("<<secrets.KEY>>", "kEy")',
    '"<<secrets.KEY>>" + 1',                           # a type error that names the values' types
]


@pytest.fixture
def debug_logs():
    """Every record of every logger at DEBUG, formatted."""
    records: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Capture(level=logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield records
    root.removeHandler(handler)
    root.setLevel(old)


@pytest.fixture(scope="module")
def secrets_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("leaks") / ".env"
    path.write_text("".join(f"{k}={json.dumps(v)}\n" for k, v in SECRETS.items()), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("expression", DERIVED)
def test_eval_cli(expression, secrets_file):
    out, err = io.StringIO(), io.StringIO()
    code = main(["eval", expression, "--secrets-file", secrets_file], out=out, err=err)
    assert code == 0
    assert_clean(out.getvalue() + err.getvalue(), "feelish eval")


@pytest.mark.parametrize("expression", DERIVED)
def test_api_results_warnings_and_strict_errors(expression):
    resolver = SecretResolver(SECRETS)
    result = feelish.compile(expression).evaluate_with_warnings({}, secrets=resolver)
    assert_clean(repr(result), "Result repr")
    assert_clean(repr(result.value) + str(result.value if not isinstance(result.value, str) else ""), "value")
    for warning in result.warnings:
        assert_clean(warning.render(expression) + repr(warning), "warning")
    try:
        feelish.compile(expression).evaluate({}, secrets=SECRETS, strict=True)
    except feelish.FeelishError as exc:
        assert_clean(str(exc) + repr(exc), "strict error")


def test_repl_output(secrets_file):
    out = io.StringIO()
    repl = Repl(secrets=SECRETS, out=out, input=None, history="")
    for expression in DERIVED:
        repl.handle(expression)
    repl.handle(':let t = upper case("<<secrets.KEY>>")')
    repl.handle("t + \"!\"")
    repl.handle(":vars")
    assert_clean(out.getvalue(), "REPL")
    assert "***" in out.getvalue()


@pytest.fixture(scope="module")
def runtime():
    rt = Runtime(secrets=SECRETS, trust_env=False)
    yield rt
    rt.close()


def _leaky_connector(runtime, url: str) -> Connector:
    return Connector.from_mapping({
        "method": '"POST"', "url": repr(url).replace("'", '"'),
        "queryParameters": '{key: "<<secrets.KEY>>", k2: upper case("<<secrets.KEY>>"), '
                           'c: "<<secrets.CLIENT>>"}',
        "headers": '{"X-Sig": to base64("<<secrets.CLIENT>>"), '
                   '"Authorization": "Basic " + to base64("ann:" + "<<secrets.PASSWORD>>")}',
        "body": '{password: "<<secrets.PASSWORD>>", derived: lower case("<<secrets.CLIENT>>"), '
                'when: date("<<secrets.KEY>>")}',
        "connectionTimeoutInSeconds": 5, "readTimeoutInSeconds": 5,
    }, runtime=runtime)


def test_dry_run(runtime, httpbin_url, debug_logs):
    spec = _leaky_connector(runtime, f"{httpbin_url}/anything").dry_run()
    assert_clean(repr(spec) + json.dumps(spec.to_dict(), ensure_ascii=False), "dry run")
    assert_clean(json.dumps(spec.to_dict()), "dry run (ASCII JSON)")
    assert_clean("\n".join(debug_logs), "logs")
    assert "<<secrets.KEY>>" in spec.url  # a whole secret still shows by name


def test_call_outcome_and_logs(runtime, httpbin_url, debug_logs):
    # httpbin echoes the request: the response holds every secret, in several forms
    outcome = _leaky_connector(runtime, f"{httpbin_url}/anything").run()
    assert outcome.response["status"] == 200
    echoed = json.dumps(outcome.response["body"], ensure_ascii=False)
    assert SECRETS["KEY"] in echoed  # the request got the real bytes
    assert_clean(repr(outcome), "Outcome repr")
    assert_clean("\n".join(debug_logs), "logs")
    assert any(r.startswith("httpx2 INFO") for r in debug_logs)  # the request line was logged


def test_call_error(runtime, httpbin_url, debug_logs):
    with pytest.raises(ConnectorError) as info:
        _leaky_connector(runtime, f"{httpbin_url}/status/418").run()
    error = info.value
    assert_clean(str(error) + repr(error) + json.dumps(error.to_dict(), default=str, ensure_ascii=False),
                 "ConnectorError")
    assert_clean("\n".join(debug_logs), "logs")


def test_token_endpoint_echoing_the_form(debug_logs):
    running = serve_wsgi(make_odd_app(OddState()))
    try:
        auth = build_auth({"type": "oauth2-client-credentials", "tokenEndpoint": f"{running.url}/echo-form",
                           "clientId": "cid", "clientSecret": SECRETS["CLIENT"]}, cache=TokenCache())
        with httpx2.Client(timeout=10) as client, pytest.raises(AuthError) as info:
            client.get(f"{running.url}/never", auth=auth)
    finally:
        running.close()
    error = info.value
    assert "bad request" in error.message  # the server's echo is shown, masked
    assert_clean(str(error) + repr(error) + json.dumps(error.to_dict(), default=str, ensure_ascii=False),
                 "AuthError")
    assert_clean("\n".join(debug_logs), "logs")


def test_token_connector_through_the_runtime(runtime, debug_logs):
    running = serve_wsgi(make_odd_app(OddState()))
    try:
        c = Connector.from_mapping({"url": repr(f"{running.url}/x").replace("'", '"'),
                                    "authentication": '{type: "oauth2-client-credentials", '
                                    f'tokenEndpoint: "{running.url}/echo-form", clientId: "cid", '
                                    'clientSecret: "<<secrets.CLIENT>>"}',
                                    "connectionTimeoutInSeconds": 5, "readTimeoutInSeconds": 5},
                                   runtime=runtime)
        with pytest.raises(ConnectorError) as info:
            c.run()
    finally:
        running.close()
    assert_clean(str(info.value) + repr(info.value) + json.dumps(info.value.to_dict(), default=str),
                 "token error through a call")
    assert_clean("\n".join(debug_logs), "logs")


def test_short_secret_masks_only_standalone():
    resolver = SecretResolver({"S": "a"})
    result = feelish.compile('{s: "<<secrets.S>>", m: "username invalid_client a"}').evaluate_with_warnings(
        {}, secrets=resolver)
    shown = resolver.redactor().value(result.value)
    assert shown == {"s": "***", "m": "username invalid_client ***"}
