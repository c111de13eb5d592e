"""A Postman 2.1 collection -> one template per request: variables become inputs, inherited
OAuth2 client credentials become authentication with secrets; run against the example API."""
from __future__ import annotations

import json

import pytest

from feelish.templates.importers import import_postman
from tests.templates.importers.helpers import assert_problem, DATA, assert_no_secret, by_name, read, run


@pytest.fixture(scope="module")
def imported():
    return import_postman(read("orders.postman_collection.json"))


@pytest.fixture(scope="module")
def templates(imported):
    return by_name(imported)


def test_one_template_per_request(templates, imported):
    assert sorted(templates) == ["files-sign-in-form", "files-upload-report", "orders-cancel-order",
                                 "orders-create-order", "orders-get-order", "orders-list-shipped-orders",
                                 "weather-current-weather", "weather-forecast"]
    assert_no_secret(imported)


def test_variables_become_inputs(templates):
    weather = templates["weather-current-weather"]
    assert weather.inputs["city"].default.text == '"Paris"'
    assert "debug" not in weather.inputs  # a disabled query parameter
    create = templates["orders-create-order"]
    assert create.inputs["item"].required and str(create.inputs["quantity"].type) == "any"


def test_requests_run_against_the_example_api(templates, imported, example_api):
    secrets = {}
    for one in imported:
        secrets.update(one.secrets)
    assert secrets["CLIENT_SECRET"] == "example-secret"  # a variable of type secret
    base = {"baseUrl": example_api.url}
    out = run(templates["weather-current-weather"], base).outputs
    assert out["body"]["city"] == "Paris"
    out = run(templates["weather-forecast"], {**base, "city": "Berlin"}).outputs
    assert out["body"]["city"] == "Berlin" and len(out["body"]["days"]) == 2
    out = run(templates["orders-create-order"], {**base, "item": "mate", "quantity": 4, "requestId": "r1"},
              secrets=secrets).outputs
    assert out["status"] == 201 and out["body"]["quantity"] == 4
    order_id = str(out["body"]["id"])
    out = run(templates["orders-cancel-order"], {**base, "orderId": order_id}, secrets=secrets).outputs
    assert out["body"]["status"] == "cancelled"
    out = run(templates["orders-get-order"], {**base, "orderId": order_id}, secrets=secrets).outputs
    assert out["body"]["item"] == "mate"
    out = run(templates["orders-list-shipped-orders"], base, secrets=secrets).outputs
    assert {o["status"] for o in out["body"]["orders"]} == {"shipped"}
    out = run(templates["files-upload-report"], {**base, "reportPath": str(DATA / "report.csv")},
              file_roots=[DATA]).outputs
    assert out["body"]["name"] == "report.csv"


def test_form_with_a_password_and_basic_auth(templates, imported, httpbin_url):
    secrets = next(i for i in imported if i.filename == "files-sign-in-form.feelish").secrets
    out = run(templates["files-sign-in-form"], {"baseUrl": httpbin_url}, secrets=secrets).outputs
    assert out["body"]["form"] == {"user": "ada", "password": "hunter2", "remember": "true"}
    assert out["body"]["headers"]["Authorization"].startswith("Basic ")


def test_inherit_takes_the_auth_from_above():
    request = {"method": "GET", "url": "https://x/a", "auth": {"type": "inherit"}}
    text = _collection(request, auth={"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}"}]},
                       variable=[{"key": "token", "value": "tok-42"}])
    [imported] = import_postman(text)
    assert 'authentication.token: "<<secrets.TOKEN>>"' in imported.text and imported.secrets == {"TOKEN": "tok-42"}


def _collection(request=None, **extra):
    doc = {"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
           "item": [{"name": "r", "request": request or {"method": "GET", "url": "https://x/a"}}], **extra}
    return json.dumps(doc)


@pytest.mark.parametrize("text, message", [
    ('{"info": {}}', "expected an object with 'info' and 'item'"),
    (json.dumps({"info": {"schema": "https://schema.getpostman.com/json/collection/v2.0.0/collection.json"},
                 "item": []}), "is not supported (v2.1 only)"),
    (_collection(auth={"type": "awsv4", "awsv4": []}), "request r: auth type 'awsv4' is not supported"),
    (_collection({"method": "POST", "url": "https://x/a",
                  "body": {"mode": "raw", "raw": "{\"a\": ", "options": {"raw": {"language": "json"}}}}),
     "request r: the JSON body is not valid JSON"),
    (_collection({"method": "GET", "url": "x/a"}), "request r: URL 'x/a' does not start with"),
    (_collection({"method": "GET", "url": "https://x/a",
                  "body": {"mode": "grpc"}}), "request r: body mode 'grpc' is not supported"),
])
def test_bad_collections_name_the_part(text, message):
    assert_problem(import_postman, text, message)
