"""cURL commands as people paste them -> templates that check, run against httpbin or the example
API, and never hold the credentials the command carried."""
from __future__ import annotations

from decimal import Decimal

import pytest

from feelish.templates.importers import import_curl
from tests.templates.importers.helpers import assert_problem, DATA, assert_no_secret, by_name, read, run


def commands(base: str) -> list[str]:
    blocks = read("curl-commands.txt").split("\n\n")
    return [b.replace("BASE", base) for b in blocks if b.strip() and not b.lstrip().startswith("#")]


@pytest.fixture(scope="module")
def httpbin_imports(httpbin_url):
    return [import_curl(c) for c in commands(httpbin_url)]


def test_every_command_imports_and_checks(httpbin_imports):
    names = by_name(httpbin_imports)
    assert len(names) == 11
    assert_no_secret(httpbin_imports)


def _run(imported, **variables):
    template = next(iter(by_name([imported]).values()))
    return run(template, variables, secrets=imported.secrets, file_roots=[DATA]).outputs


def test_weather_with_query_inputs(example_api):
    imported = import_curl(commands(example_api.url)[0])
    assert "User-Agent" in imported.text
    out = _run(imported)
    assert out["body"]["temperature"] == Decimal("65.3")  # unit=F as pasted
    out = _run(imported, city="Berlin", unit="C")
    assert out["body"]["city"] == "Berlin"


def test_json_body_and_bearer(httpbin_imports):
    imported = httpbin_imports[1]
    assert imported.secrets == {"API_TOKEN": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl"}
    echo = _run(imported, quantity=5)["body"]
    assert echo["method"] == "POST"
    assert echo["json"] == {"item": "tea", "quantity": 5, "gift": False, "tags": ["green", "loose"],
                            "address": {"city": "Lyon"}}
    assert echo["headers"]["Authorization"] == "Bearer " + imported.secrets["API_TOKEN"]


def test_basic_auth_and_credentials_in_the_path(httpbin_imports):
    imported = httpbin_imports[2]
    assert set(imported.secrets) == {"API_USERNAME", "API_PASSWORD"}
    assert '"<<secrets.API_PASSWORD>>"' in imported.text  # the path segment, too
    assert _run(imported)["body"] == {"authenticated": True, "user": "ada"}


def test_api_key_in_the_query(httpbin_imports):
    imported = httpbin_imports[3]
    echo = _run(imported, page="3")["body"]
    assert echo["args"] == {"q": "blue shoes", "page": "3", "api_key": imported.secrets["API_KEY"]}


def test_ids_in_the_path_api_key_header_and_cookie(httpbin_imports):
    imported = httpbin_imports[4]
    echo = _run(imported, userId="43")["body"]
    assert echo["url"].endswith("/anything/v2/users/43/orders/7f9c2ba4-e88f-11e3-a1b2-0123456789ab")
    assert echo["headers"]["X-Api-Key"] == "9f86d081884c7d659a2feaa0c55ad015"
    assert echo["headers"]["Cookie"] == "session=eyJ1c2VyIjoiYWRhIn0; theme=dark"


def test_urlencoded_form_and_oauth2_bearer(httpbin_imports):
    echo = _run(httpbin_imports[5])["body"]
    assert echo["method"] == "PUT"
    assert echo["form"] == {"name": "Ada Lovelace", "bio": "first programmer & mathematician"}
    assert echo["headers"]["Authorization"] == "Bearer ya29.a0AfH6SMBx3dT"


def test_multipart_upload(httpbin_imports):
    imported = httpbin_imports[6]
    echo = _run(imported, reportPath=str(DATA / "report.csv"))["body"]
    assert echo["form"] == {"note": "quarterly numbers"}
    assert echo["files"]["report"] == (DATA / "report.csv").read_text()


def test_get_with_data_settings_and_json(httpbin_imports):
    template = by_name([httpbin_imports[7]])["get-get"]
    assert template.fields["retries"].value.text == "2"
    assert template.fields["readTimeoutInSeconds"].value.text == "30"
    assert _run(httpbin_imports[7])["body"]["args"] == {"status": "shipped", "limit": "10"}
    login = httpbin_imports[8]
    assert login.secrets == {"PASSWORD": "s3cr3t!"}
    assert _run(login)["body"]["json"] == {"username": "ada", "password": "s3cr3t!", "remember": True}


def test_basic_authorization_header_is_decoded(httpbin_imports):
    imported = httpbin_imports[9]
    assert imported.secrets == {"API_USERNAME": "admin", "API_PASSWORD": "password123"}
    echo = _run(imported)["body"]
    assert echo["method"] == "DELETE" and echo["url"].endswith("/anything/orders/1001")


def test_copy_as_curl_from_a_browser(httpbin_imports):
    imported = httpbin_imports[10]
    assert "sec-fetch" not in imported.text and "priority" not in imported.text
    assert set(imported.secrets) == {"COOKIE", "X_CSRF_TOKEN"}
    echo = _run(imported, quantity=2)["body"]
    assert echo["method"] == "POST" and echo["args"] == {"currency": "EUR"}
    assert echo["json"] == {"sku": "TEA-042", "quantity": 2, "gift": False}
    assert echo["headers"]["Cookie"] == "sid=s%3A7fa9c1d2e3.Zm9vYmFy; consent=yes"
    assert echo["headers"]["X-Csrf-Token"] == "4f1c2b9a8e7d6c5b"


def test_other_authorization_schemes_keep_their_name():
    imported = import_curl("curl https://api.example.com/x -H 'Authorization: Token abc123def'")
    assert '"Token <<secrets.AUTHORIZATION>>"' in imported.text and "abc123def" not in imported.text


def test_url_query_adds_parameters():
    imported = import_curl("curl --url-query 'q=tea&limit=5' --url-query token=t-123456 https://x/search")
    assert "queryParameters: {q: q, limit: limit, token: \"<<secrets.TOKEN>>\"}" in imported.text


def test_a_shell_variable_names_the_secret():
    imported = import_curl('curl -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/user/repos')
    assert imported.secrets == {"GITHUB_TOKEN": ""}
    assert 'authentication.token: "<<secrets.GITHUB_TOKEN>>"' in imported.text


def test_windows_continuations_and_prompt():
    imported = import_curl("$ curl ^\n -X PATCH ^\n https://api.example.com/items/12 ^\n --data-raw \"x=1\"")
    assert 'method: "PATCH"' in imported.text and 'itemId' in imported.text


@pytest.mark.parametrize("command, message", [
    ("wget https://x", "it must start with `curl`"),
    ("curl 'https://x", "cannot split it into words"),
    ("curl --ntlm -u a:b https://x", "--ntlm: NTLM authentication has no template equivalent"),
    ("curl https://a https://b", "exactly one URL is needed, found 'https://a', 'https://b'"),
    ("curl -H", "curl option -H needs a value"),
    ("curl --frobnicate https://x", "curl option '--frobnicate' is not supported"),
    ("curl ftp://x/file", "only http and https URLs"),
    ("curl -F a https://x", "a form part is name=value"),
    ("curl -H 'Content-Type: application/json' -d 'not json' https://x", "the data is not JSON"),
    ("curl -H 'broken' https://x", "a header is `Name: value`"),
    ("curl -d @- https://x", "a body read from standard input cannot be imported"),
])
def test_bad_commands_name_the_part(command, message):
    assert_problem(import_curl, command, message)
