"""Run every example end to end against the example API on 127.0.0.1 and print the mapped outputs.

    pip install -e '.[test]' && python3 examples/run_all.py

Starts examples/api_server.py on a free loopback port, then runs each template in
examples/templates/ (with its variables from examples/vars/) and a few built-in connectors through
the installed feelish package, and finally the `feelish` command itself.  Exits non-zero if any
example does not behave as expected.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
sys.path.insert(0, str(EXAMPLES))

import feelish  # noqa: E402  (the installed package)
from api_server import RunningApi  # noqa: E402
from feelish import BusinessError, ConnectorError, DotenvSecrets  # noqa: E402
from feelish.connector import Runtime  # noqa: E402
from feelish.templates import load, run_template  # noqa: E402
from feelish.language.codec import json_text  # noqa: E402


def variables(name: str, base: str) -> dict:
    data = json.loads((EXAMPLES / "vars" / f"{name}.json").read_text(encoding="utf-8"))
    if "file" in data:
        data["file"] = str(EXAMPLES / data["file"])
    return {"base": base, **data}


def show(title: str, outputs) -> None:
    print(f"\n== {title}")
    print(json_text(outputs, indent=2))


def main() -> int:
    secrets = DotenvSecrets(EXAMPLES / "secrets.env")
    failures = 0
    with RunningApi() as api, Runtime(file_roots=[EXAMPLES / "data"]) as runtime:
        print(f"example API on {api.url} (feelish {feelish.__version__})")

        def run(title: str, template, vars_: dict, expect_error: str | None = None):
            nonlocal failures
            try:
                outcome = run_template(template, vars_, secrets=secrets, runtime=runtime)
            except BusinessError as exc:
                print(f"\n== {title}\nbusiness error {exc.code}: {exc.message}")
                if exc.code != expect_error:
                    failures += 1
                return None
            except ConnectorError as exc:
                print(f"\n== {title}\nFAILED: {json_text(exc.to_dict())}")
                failures += 1
                return None
            if expect_error:
                print(f"expected the error {expect_error}, got outputs")
                failures += 1
            show(title, outcome.outputs)
            return outcome.outputs

        # the example templates
        for name in ("weather", "forecast", "create-order", "list-orders", "upload-report"):
            run(f"{name}.feelish with vars/{name}.json", load(EXAMPLES / "templates" / f"{name}.feelish"),
                variables(name, api.url))
        run("weather.feelish for an unknown city (errorExpression -> BPMN error)",
            load(EXAMPLES / "templates" / "weather.feelish"), variables("weather-unknown", api.url),
            expect_error="UNKNOWN_CITY")
        print(f"\n(token requests so far: {api.app.token_requests}: the OAuth2 token was cached)")

        # built-in connectors, by name
        token = run("built-in oauth2-token", load("oauth2-token"),
                    {"tokenEndpoint": f"{api.url}/oauth/token", "clientId": "example-client",
                     "clientSecret": secrets.get("ORDERS_CLIENT_SECRET")})
        if token:
            run("built-in get /orders with that bearer token", load("get"),
                {"url": f"{api.url}/orders", "auth": {"type": "bearer", "token": token["token"]}})
        run("built-in post-file (raw bytes)", load("post-file"),
            {"url": f"{api.url}/files", "file": str(EXAMPLES / "data" / "report.csv"), "contentType": "text/csv"})

    # the command line, on the same templates (a dry run needs no server)
    print("\n== feelish run --dry-run (the CLI)")
    proc = subprocess.run([sys.executable, "-m", "feelish", "run", str(EXAMPLES / "templates" / "create-order.feelish"),
                           "--arg", "base=http://127.0.0.1:8080", "--arg", "item=tea", "--dry-run", "-c",
                           "--secrets-file", str(EXAMPLES / "secrets.env")], capture_output=True, text=True)
    print(proc.stdout.strip() or proc.stderr.strip())
    failures += proc.returncode != 0
    proc = subprocess.run([sys.executable, "-m", "feelish", "eval", "{hot: t > 20, f: t * 9 / 5 + 32}",
                           "--var", "t=23.5", "-c"], capture_output=True, text=True)
    print("\n== feelish eval\n" + (proc.stdout.strip() or proc.stderr.strip()))
    failures += proc.returncode != 0

    print(f"\n{'all examples ran as expected' if not failures else f'{failures} example(s) FAILED'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
