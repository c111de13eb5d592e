"""OpenAPI 3.x -> templates: the orders API (JSON) against the example API, the petstore (YAML)
against httpbin's echo; every template checks; bad documents get errors naming the part."""
from __future__ import annotations

import json
import sys
from decimal import Decimal

import pytest

from feelish import ConnectorError
from feelish.templates.importers import ImportProblem, import_openapi

from tests.templates.importers.helpers import assert_problem, DATA, by_name, read, run

CREDS = {"ORDERS_OAUTH_CLIENT_ID": "example-client", "ORDERS_OAUTH_CLIENT_SECRET": "example-secret"}


@pytest.fixture(scope="module")
def orders():
    return by_name(import_openapi(read("orders-api.json")))


@pytest.fixture(scope="module")
def petstore():
    return by_name(import_openapi(read("petstore.yaml")))


def test_one_template_per_operation(orders, petstore):
    assert sorted(orders) == ["create-order", "delete-order", "get-current-weather", "get-forecast",
                              "get-order", "list-orders", "put-file", "replace-order", "update-order",
                              "upload-file"]
    assert sorted(petstore) == ["add-pet", "delete-pet", "get-inventory", "get-pet-by-id", "list-owner-pets",
                                "list-pets", "place-order", "update-pet", "upload-photo"]


def test_parameters_become_typed_inputs(orders, petstore):
    weather = orders["get-current-weather"]
    assert weather.inputs["city"].required and str(weather.inputs["city"].type) == "string"
    assert weather.inputs["unit"].default.text == '"C"'
    assert "one of: C, F" in weather.inputs["unit"].doc
    assert str(orders["get-order"].inputs["orderId"].type) == "number"
    assert str(petstore["list-pets"].inputs["tags"].type) == "list<string>"
    assert orders["get-forecast"].inputs["baseUrl"].default.text == '"http://127.0.0.1:8080"'
    # a read-only property is not an input of the body
    assert "id" not in orders["replace-order"].inputs


def test_weather_operations_run(orders, example_api):
    out = run(orders["get-current-weather"], {"baseUrl": example_api.url, "city": "Paris", "unit": "F"})
    assert out.outputs["status"] == 200 and out.outputs["body"]["temperature"] == Decimal("65.3")
    out = run(orders["get-forecast"], {"baseUrl": example_api.url, "city": "Lisbon", "days": 2})
    assert len(out.outputs["body"]["days"]) == 2
    with pytest.raises(ConnectorError) as failed:
        run(orders["get-current-weather"], {"baseUrl": example_api.url, "city": "Atlantis"})
    assert failed.value.code == "404"


def test_order_lifecycle_with_oauth2(orders, example_api):
    base = {"baseUrl": example_api.url}
    created = run(orders["create-order"], {**base, "item": "green tea", "quantity": 3}, secrets=CREDS)
    assert created.outputs["status"] == 201
    order_id = created.outputs["body"]["id"]
    got = run(orders["get-order"], {**base, "orderId": order_id}, secrets=CREDS)
    assert got.outputs["body"] == {"id": order_id, "item": "green tea", "quantity": 3, "status": "new"}
    patched = run(orders["update-order"], {**base, "orderId": order_id, "status": "paid"}, secrets=CREDS)
    assert patched.outputs["body"]["status"] == "paid" and patched.outputs["body"]["quantity"] == 3
    listed = run(orders["list-orders"], {**base, "status": "paid"}, secrets=CREDS)
    assert [o["id"] for o in listed.outputs["body"]["orders"]] == [order_id]
    replaced = run(orders["replace-order"], {**base, "orderId": order_id, "item": "black tea"}, secrets=CREDS)
    assert replaced.outputs["body"]["item"] == "black tea"
    deleted = run(orders["delete-order"], {**base, "orderId": order_id}, secrets=CREDS)
    assert deleted.outputs["status"] == 204
    with pytest.raises(ConnectorError) as failed:
        run(orders["list-orders"], base, secrets={**CREDS, "ORDERS_OAUTH_CLIENT_SECRET": "wrong"})
    assert "wrong" not in str(failed.value)


def test_file_uploads(orders, example_api):
    report = DATA / "report.csv"
    size = report.stat().st_size
    out = run(orders["put-file"], {"baseUrl": example_api.url, "name": "r.csv", "bodyPath": str(report)},
              file_roots=[DATA])
    assert out.outputs["body"]["size"] == size
    out = run(orders["upload-file"], {"baseUrl": example_api.url, "filePath": str(report), "note": "q3"},
              file_roots=[DATA])
    assert out.outputs["status"] == 201 and out.outputs["body"]["name"] == "report.csv"


def test_petstore_yaml_against_httpbin(petstore, httpbin_url):
    base = {"baseUrl": httpbin_url + "/anything/api/v2"}
    out = run(petstore["list-pets"], {**base, "tags": ["cat", "small"], "status": ["available", "sold"]},
              secrets={"API_KEY": "k-123456"})
    echo = out.outputs["body"]
    assert echo["url"].split("?")[0].endswith("/anything/api/v2/pets")
    assert echo["args"] == {"limit": "20", "tags": ["cat", "small"], "status": "available,sold"}
    assert echo["headers"]["X-Api-Key"] == "k-123456"
    out = run(petstore["add-pet"], {**base, "name": "Rex", "tags": [{"id": 1, "name": "dog"}]},
              secrets={"API_KEY": "k"})
    assert out.outputs["body"]["json"] == {"name": "Rex", "tags": [{"id": 1, "name": "dog"}]}
    out = run(petstore["get-pet-by-id"], {**base, "petId": 7, "xTrace": "t-1"}, secrets={"API_KEY": "k"})
    assert out.outputs["body"]["url"].endswith("/pets/7") and out.outputs["body"]["headers"]["X-Trace"] == "t-1"
    out = run(petstore["list-owner-pets"], {**base, "ownerId": "o 1", "session": "abc"},
              secrets={"BASIC_AUTH_USERNAME": "ada", "BASIC_AUTH_PASSWORD": "pw"})
    headers = out.outputs["body"]["headers"]
    assert headers["Authorization"] == "Basic YWRhOnB3" and headers["Cookie"] == "session=abc"
    out = run(petstore["get-inventory"], base, secrets={"BEARER_AUTH_TOKEN": "tok"})
    assert out.outputs["body"]["headers"]["Authorization"] == "Bearer tok"
    out = run(petstore["place-order"], {**base, "petId": 7, "complete": True}, secrets={"API_KEY": "k"})
    assert out.outputs["body"]["form"] == {"petId": "7", "quantity": "1", "complete": "true"}


def test_oauth2_and_multipart_operations_run(petstore, httpbin_url, example_api):
    base = {"baseUrl": httpbin_url + "/anything/api/v2"}
    client = {"PETSTORE_AUTH_CLIENT_ID": "example-client", "PETSTORE_AUTH_CLIENT_SECRET": "example-secret"}
    out = run(petstore["delete-pet"], {**base, "petId": 3, "tokenUrl": example_api.url + "/oauth/token"},
              secrets=client)
    echo = out.outputs["body"]
    assert echo["method"] == "DELETE" and echo["headers"]["Authorization"].startswith("Bearer ")
    photo = DATA / "report.csv"
    out = run(petstore["upload-photo"], {**base, "petId": 3, "caption": "at the beach", "photoPath": str(photo),
                                         "takenOn": "2026-07-01"}, secrets={"API_KEY": "k"}, file_roots=[DATA])
    echo = out.outputs["body"]
    assert echo["args"] == {"caption": "at the beach"} and echo["form"] == {"takenOn": "2026-07-01"}
    assert echo["files"]["photo"] == photo.read_text()


def test_all_of_schemas_are_merged(petstore, httpbin_url):
    update = petstore["update-pet"]
    assert list(update.inputs) == ["baseUrl", "petId", "name", "category", "photoUrls", "tags", "status", "id"]
    assert update.inputs["name"].required and not update.inputs["id"].required
    out = run(update, {"baseUrl": httpbin_url + "/anything", "petId": 9, "name": "Rex", "id": 9},
              secrets={"API_KEY": "k"})
    assert out.outputs["body"]["json"] == {"name": "Rex", "id": 9}
    assert out.outputs["body"]["method"] == "PUT"


def test_security_mapping(petstore, orders):
    fields = petstore["delete-pet"].fields
    assert fields["authentication.type"].value.text == '"oauth-client-credentials-flow"'
    assert fields["authentication.scopes"].value.text == '"write:pets"'
    assert petstore["delete-pet"].inputs["tokenUrl"].default.text == '"https://petstore.example.com/oauth/token"'
    assert fields["authentication.clientSecret"].value.text == '"<<secrets.PETSTORE_AUTH_CLIENT_SECRET>>"'
    # an operation with `security: []` sends no credentials
    assert not any(k.startswith("authentication") for k in orders["get-current-weather"].fields)


@pytest.mark.parametrize("text, message", [
    ('{"swagger": "2.0", "paths": {}}', "swagger 2.0 is not supported"),
    ('{"openapi": "3.0.0"}', "'paths' is missing"),
    ('{"openapi": "3.0.0", "paths": {}}', "no operations"),
    ('{"openapi": "3.0.0", "paths": {"/a": {"get": {"parameters": [{"$ref": "other.json#/p"}]}}}}',
     "operation GET /a parameter: reference 'other.json#/p' is not local"),
    ('{"openapi": "3.0.0", "paths": {"/a/{id}": {"get": {}}}}', "operation GET /a/{id}: path parameter {id}"),
    ('{"openapi": "3.0.0", "paths": {"/a": {"get": {"security": [{"nope": []}]}}}}',
     "operation GET /a: security scheme 'nope' is not defined"),
    ('{"openapi": "3.0.0", "paths": {"/a": {"get": {"parameters": [{"$ref": "#/components/x"}]}}}}',
     "points at nothing"),
    ("{not json", "OpenAPI document: not valid JSON"),
    ("openapi: 3.0.0\npaths: [\n", "OpenAPI document: not valid YAML at line"),
])
def test_bad_documents_name_the_part(text, message):
    assert_problem(import_openapi, text, message)


def test_unsupported_security_scheme():
    doc = json.loads(read("orders-api.json"))
    doc["components"]["securitySchemes"] = {"s": {"type": "http", "scheme": "hoba"}}
    doc["security"] = [{"s": []}]
    doc = json.dumps(doc)
    with pytest.raises(ImportProblem, match="security scheme s: HTTP scheme 'hoba' is not supported"):
        import_openapi(doc)


def test_recursive_schemas_and_alias_bombs_are_bounded():
    doc = {"openapi": "3.0.0", "paths": {"/tree": {"post": {"requestBody": {"content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Node"}}}}}}},
        "components": {"schemas": {"Node": {"type": "object", "properties": {
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            "deep": {"type": "array", "items": {"type": "array", "items": {"$ref": "#/components/schemas/Deep"}}}}},
            "Deep": {"type": "array", "items": {"$ref": "#/components/schemas/Deep"}}}}}
    [imported] = import_openapi(json.dumps(doc))
    assert "input children: list" in imported.text
    bomb = "openapi: 3.0.0\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))
    bomb += "paths: {}\n" + "".join(f"p{n}: [*a, *b, *c, *d, *e, *f, *g, *h, *i]\n" for n in range(120))
    assert_problem(import_openapi, bomb, "more than 1000 YAML aliases")


def test_yaml_without_pyyaml_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(ImportProblem, match=r"YAML needs PyYAML \(pip install 'feelish\[import\]'\)"):
        import_openapi(read("petstore.yaml"))
