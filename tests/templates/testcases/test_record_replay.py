"""Recording a live call against real local servers and replaying it offline: secrets never reach
the saved case (in any encoding); replays catch changed outputs, changed requests, extra and
missing requests; bad files are named."""
from __future__ import annotations

import base64
import json
import urllib.parse

import pytest

from feelish import ConnectorError, TemplateError
from feelish.templates import loads
from feelish.templates.testcases import load_file, record_case, run_case, run_paths, save_case

SECRETS = {"API_KEY": "k3y-Zx9/+q&=v", "API_TOKEN": "tok-8f2a-secret", "PASSWORD": "pa ss:wörd"}

ECHO = """
connector echo "Echo with every kind of credential"
input base: string required
input item: string required
input pin: string secret = "4711-0815"
method: "POST"
url: base + "/anything/orders"
queryParameters: {api_key: "<<secrets.API_KEY>>", item: item}
headers: {"X-Token": "<<secrets.API_TOKEN>>", "X-Pin": pin}
body: {item: item, password: "<<secrets.PASSWORD>>"}
authentication.type: "basic"
authentication.username: "ada"
authentication.password: "<<secrets.PASSWORD>>"
resultExpression:
  {item: response.body.json.item, sentKey: response.body.args.api_key, method: response.body.method}
"""


def encodings(value: str) -> set[str]:
    raw = value.encode()
    return {value, json.dumps(value)[1:-1], urllib.parse.quote(value), urllib.parse.quote_plus(value),
            urllib.parse.quote(value, safe=""), base64.b64encode(raw).decode(),
            base64.b64encode(b"ada:" + raw).decode()}


@pytest.fixture
def echo():
    return loads(ECHO, "echo.feelish")


def test_recording_holds_no_secret_in_any_encoding(echo, httpbin_url, tmp_path):
    case = record_case(echo, {"base": httpbin_url, "item": "tea"}, name="echo", secrets=SECRETS)
    (tmp_path / "echo.feelish").write_text(ECHO, encoding="utf-8")
    path = save_case(tmp_path / "echo.feelish", case)
    text = path.read_text(encoding="utf-8")
    for value in [*SECRETS.values(), "4711-0815"]:
        for form in encodings(value):
            assert form not in text, form
    assert case["outputs"] == {"item": "tea", "sentKey": "***", "method": "POST"}
    assert case["variables"] == {"base": httpbin_url, "item": "tea"}
    # and the recording replays
    assert run_case(echo, load_file(path).cases[0]).passed


def test_secret_input_value_is_redacted_from_variables(echo, httpbin_url):
    case = record_case(echo, {"base": httpbin_url, "item": "tea", "pin": "9999-1111"}, name="x", secrets=SECRETS)
    assert case["variables"]["pin"] == "***"
    assert "9999-1111" not in json.dumps(case, default=str)


def test_credentials_inside_urls_and_forms_given_as_plain_variables(httpbin_url):
    template = loads('input url: string required\ninput form: string required\nmethod: "POST"\nurl: url\n'
                     'body: form\ncontentType: "application/x-www-form-urlencoded"\n'
                     'resultExpression: {sent: response.body.form, args: response.body.args}\n', "f.feelish")
    host = httpbin_url.removeprefix("http://")
    variables = {"url": f"http://ada:url-pass-77@{host}/anything?api_key=qk-5531&page=2",
                 "form": "user=ada&password=form-pass-99"}
    case = record_case(template, variables, name="plain", secrets={})
    text = json.dumps(case, default=str)
    for value in ("url-pass-77", "qk-5531", "form-pass-99"):
        for form in encodings(value):
            assert form not in text
    assert case["outputs"]["args"] == {"api_key": "***", "page": "2"}
    assert run_case(template, case).passed


def test_oauth2_token_is_redacted_and_replayed(example_api, tmp_path):
    template = loads(f"""
input base: string required
url: base + "/orders"
authentication.type: "oauth-client-credentials-flow"
authentication.oauthTokenEndpoint: base + "/oauth/token"
authentication.clientId: "example-client"
authentication.clientSecret: "<<secrets.SECRET>>"
resultExpression: {{count: response.body.count, token: response.token.access_token}}
""", "orders.feelish")
    case = record_case(template, {"base": example_api.url}, name="orders", secrets={"SECRET": "example-secret"})
    text = json.dumps(case, default=str)
    assert "example-secret" not in text
    assert case["outputs"]["token"] == "***"
    assert [e["request"]["url"].rsplit("/", 1)[1] for e in case["exchanges"]] == ["token", "orders"]
    assert len(case["exchanges"][0]["response"]["body"]["access_token"]) == 3
    assert run_case(template, case).passed


def test_nothing_is_recorded_when_no_response_came_back(tmp_path):
    template = loads('input base: string required\nurl: base + "/x"\nconnectionTimeoutInSeconds: 2\n', "t.feelish")
    with pytest.raises(ConnectorError) as failed:
        record_case(template, {"base": "http://127.0.0.1:9"}, name="refused")  # the discard port: refused
    assert failed.value.code.startswith("CONNECTION")


def test_a_secret_too_short_to_scrub_is_refused(echo, httpbin_url):
    with pytest.raises(TemplateError, match="shorter than 3 characters"):
        record_case(echo, {"base": httpbin_url, "item": "tea"}, name="x", secrets={**SECRETS, "API_KEY": "k"})


def test_recorded_error_replays(httpbin_url):
    template = loads('input base: string required\nurl: base + "/status/418"\n', "tea.feelish")
    case = record_case(template, {"base": httpbin_url}, name="teapot")
    assert case["error"]["code"] == "418" and "outputs" not in case
    assert run_case(template, case).passed
    wrong = {**case, "error": {"code": "500"}}
    result = run_case(template, wrong)
    assert not result.passed and '-  "code": "500"' in result.message and '+  "code": "418"' in result.message


@pytest.fixture
def recorded(echo, httpbin_url):
    return record_case(echo, {"base": httpbin_url, "item": "tea"}, name="echo", secrets=SECRETS)


def test_changed_outputs_show_a_diff(echo, recorded):
    recorded["outputs"]["item"] = "coffee"
    result = run_case(echo, recorded)
    assert not result.passed
    assert '-  "item": "coffee"' in result.message and '+  "item": "tea"' in result.message


def test_a_changed_request_is_reported(echo, recorded):
    changed = {**recorded, "variables": {**recorded["variables"], "item": "mate"}}
    result = run_case(echo, changed)
    assert not result.passed and result.message.startswith("request 1 differs from the recording: url:")


def test_extra_and_missing_requests(echo, recorded):
    result = run_case(echo, {**recorded, "exchanges": []})
    assert not result.passed and "was not recorded: the case has 0 exchange(s)" in result.message
    doubled = {**recorded, "exchanges": recorded["exchanges"] * 2}
    result = run_case(echo, doubled)
    assert not result.passed and result.message == "only 1 of the 2 recorded requests were sent"


def test_a_hand_written_case_with_one_response():
    template = loads('input base: string required\nurl: base\nresultExpression: {n: response.body.n + 1}\n', "t.feelish")
    case = {"name": "hand written", "variables": {"base": "http://api.invalid/x"},
            "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"n": 41}},
            "outputs": {"n": 42}}
    assert run_case(template, case).passed  # no network: the host does not even resolve


def _write(tmp_path, data):
    (tmp_path / "t.feelish").write_text('input base: string required\nurl: base\n', encoding="utf-8")
    path = tmp_path / "t.tests.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("data, message", [
    ("{", "not valid JSON"),
    ({"cases": {}}, "expected an object with a 'cases' list"),
    ({"cases": [{"response": {}, "outputs": {}}]}, "case 1: a case needs a 'name'"),
    ({"cases": [{"name": "a", "response": {}}]}, "case 1: a case expects either 'outputs' or an 'error'"),
    ({"cases": [{"name": "a", "outputs": {}}]}, "case 1: a case needs 'exchanges' (or one 'response')"),
    ({"cases": [{"name": "a", "response": {}, "outputs": {}, "variables": []}]}, "'variables' must be an object"),
    ({"template": "missing.feelish", "cases": []}, "does not exist"),
])
def test_bad_test_files_are_named(tmp_path, data, message):
    path = _write(tmp_path, data)
    with pytest.raises(TemplateError) as failed:
        load_file(path)
    assert message in str(failed.value)
    [result] = run_paths([tmp_path])
    assert not result.passed and message in result.message


def test_save_replaces_a_case_by_name(tmp_path, echo, recorded):
    template_path = tmp_path / "echo.feelish"
    template_path.write_text(ECHO, encoding="utf-8")
    save_case(template_path, recorded)
    save_case(template_path, {**recorded, "name": "second"})
    path = save_case(template_path, recorded)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["template"] == "echo.feelish" and [c["name"] for c in data["cases"]] == ["second", "echo"]
    assert [r.passed for r in run_paths([template_path])] == [True, True]
