"""Re-record the test cases shipped with the built-in connectors (connectors/*.tests.json) and the
examples (examples/templates/*.tests.json) against httpbin and the example API on 127.0.0.1.

    python -m tests.templates.record_shipped_cases      # from the repository root

Every case is a real exchange, recorded by `record_case` (secrets redacted); `feelish test
connectors examples` replays them offline (tests/templates/test_shipped_cases.py runs them in CI).
"""
from __future__ import annotations

import json
from pathlib import Path

from feelish import DotenvSecrets
from feelish.templates import load
from feelish.templates.testcases import cases_path, record_case, save_case
from tests.servers.httpbin_server import start_httpbin
from tests.templates.example_api import load_example_api

ROOT = Path(__file__).resolve().parents[2]
HELLO = str(ROOT / "connectors" / "testdata" / "hello.txt")


def connector_cases(h: str, a: str) -> dict[str, list[tuple[str, dict, list]]]:
    """name -> [(case name, variables, outputs not compared)]"""
    return {
        "get": [("query parameters and headers", {"url": h + "/get", "queryParameters": {"q": "green tea", "page": 2},
                                                  "headers": {"X-Trace": "t-1"}}, []),
                ("a 404 is an output by default", {"url": h + "/status/404"}, []),
                ("failOn4xx fails on a 404", {"url": h + "/status/404", "failOn4xx": True}, []),
                ("cookies and basic auth", {"url": h + "/anything/me", "cookies": {"theme": "dark"},
                                            "auth": {"type": "basic", "username": "ada",
                                                     "password": "analytical-engine-1843"}}, [])],
        "head": [("headers only", {"url": h + "/get"}, [])],
        "delete": [("delete with a query", {"url": h + "/delete", "queryParameters": {"id": 7}}, [])],
        "post": [("JSON text body", {"url": h + "/post", "body": '{"item": "tea", "quantity": 2}'}, []),
                 ("5xx is an error with failOn5xx", {"url": h + "/status/503", "failOn5xx": True}, [])],
        "put": [("plain text body", {"url": h + "/put", "body": "replace me", "contentType": "text/plain"}, [])],
        "patch": [("JSON merge", {"url": h + "/patch", "body": '{"quantity": 3}'}, [])],
        "post-file": [("a text file", {"url": h + "/post", "file": HELLO, "contentType": "text/plain"}, [])],
        "put-file": [("a text file", {"url": h + "/put", "file": HELLO, "contentType": "text/plain"}, [])],
        "rest": [("POST JSON with basic auth", {"method": "POST", "url": h + "/anything/orders",
                                                "body": {"item": "tea", "quantity": 2},
                                                "authentication": {"type": "basic", "username": "ada",
                                                                   "password": "analytical-engine-1843"}}, []),
                 ("a 404 fails the call", {"url": h + "/status/404"}, [])],
        "oauth2-token": [("client credentials", {"tokenEndpoint": a + "/oauth/token", "clientId": "example-client",
                                                 "clientSecret": "example-secret", "scope": "orders"},
                          ["expiresAt"]),
                         ("a wrong secret", {"tokenEndpoint": a + "/oauth/token", "clientId": "example-client",
                                             "clientSecret": "not-the-secret"}, [])],
    }


def example_cases(a: str) -> dict[str, list[tuple[str, dict, list]]]:
    vars_dir = ROOT / "examples" / "vars"

    def v(name: str) -> dict:
        data = json.loads((vars_dir / f"{name}.json").read_text(encoding="utf-8"))
        if "file" in data:
            data["file"] = str(ROOT / "examples" / data["file"])
        return {"base": a, **data}

    return {
        "weather": [("Lisbon in Celsius", v("weather"), []), ("an unknown city", v("weather-unknown"), [])],
        "forecast": [("four days for Paris", v("forecast"), [])],
        "create-order": [("coffee beans", v("create-order"), [])],
        "list-orders": [("new orders", v("list-orders"), [])],
        "upload-report": [("the CSV report", v("upload-report"), [])],
    }


def main() -> None:
    httpbin = start_httpbin()
    api = load_example_api().RunningApi()
    secrets = DotenvSecrets(ROOT / "examples" / "secrets.env")
    try:
        jobs = [(load(name), None, cases) for name, cases in connector_cases(httpbin.url, api.url).items()]
        jobs += [(load(ROOT / "examples" / "templates" / f"{name}.feelish"), secrets, cases)
                 for name, cases in example_cases(api.url).items()]
        for template, given, cases in jobs:
            source = ROOT / "connectors" / f"{template.name}.feelish" if template.builtin else Path(template.origin)
            target = cases_path(source)
            if target.exists():
                target.unlink()
            for case_name, variables, ignore in cases:
                case = record_case(template, variables, name=case_name, secrets=given, base=target.parent,
                                   file_roots=[ROOT])
                if ignore:
                    case["ignore"] = ignore
                save_case(template.name if template.builtin else source, case, target)
            print(f"recorded {len(cases)} case(s) in {target.relative_to(ROOT)}")
    finally:
        api.close()
        httpbin.close()


if __name__ == "__main__":
    main()
