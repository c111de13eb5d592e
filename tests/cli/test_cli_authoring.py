"""`feelish import`, `feelish test` and `feelish record`: files written, exit codes, no secret
printed or saved, no traceback for a user mistake."""
from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

from tests.cli.test_cli import cli

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "templates" / "importers" / "data"


CURL = "curl -u ada:s3cret-pass 'https://api.example.com/v1/orders?status=new' -H 'X-API-Key: key-123456'"


def test_import_curl_writes_a_checked_template_and_a_private_secrets_file(tmp_path):
    secrets = tmp_path / "secrets.env"
    secrets.write_text("old\n")
    secrets.chmod(0o644)
    code, out, err = cli("import", "curl", CURL, "-o", str(tmp_path / "t"), "--secrets-out", str(secrets))
    assert code == 0, err
    written = tmp_path / "t" / "get-v1-orders.feelish"
    assert out == f"wrote {written}\n"
    assert "API_PASSWORD, API_USERNAME, X_API_KEY" in err
    assert "s3cret-pass" not in out + err + written.read_text()
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert 'API_PASSWORD="s3cret-pass"' in secrets.read_text()
    assert cli("check", str(written))[0] == 0


def test_import_refuses_to_overwrite_without_force(tmp_path):
    assert cli("import", "curl", CURL, "-o", str(tmp_path))[0] == 0
    code, out, err = cli("import", "curl", CURL, "-o", str(tmp_path))
    assert code == 2 and "get-v1-orders.feelish already exists" in err and "--force" in err
    assert cli("import", "curl", CURL, "-o", str(tmp_path), "--force")[0] == 0


def test_import_openapi_yaml_to_stdout_and_from_stdin(monkeypatch):
    code, out, err = cli("import", "openapi", str(DATA / "petstore.yaml"), "-o", "-")
    assert code == 0 and out.count("\nconnector ") + out.startswith("connector ") >= 1
    assert out.count("connector list-pets") == 1
    text = (DATA / "orders.postman_collection.json").read_text()
    code, out, err = cli("import", "postman", "-", "-o", "-", stdin=text, monkeypatch=monkeypatch)
    assert code == 0 and "connector orders-create-order" in out
    assert "example-secret" not in out + err


def test_import_errors_are_one_clear_line(tmp_path):
    code, out, err = cli("import", "openapi", str(tmp_path / "missing.json"))
    assert code == 2 and "cannot read" in err and "Traceback" not in err
    bad = tmp_path / "bad.bpmn"
    bad.write_text("<bpmn:definitions", encoding="utf-8")
    code, out, err = cli("import", "camunda", str(bad))
    assert code == 2 and "BPMN file: not well-formed XML at line 1" in err
    code, out, err = cli("import", "curl", "curl --ntlm https://x")
    assert code == 2 and "--ntlm" in err


def test_test_runs_the_shipped_cases():
    code, out, err = cli("test", str(ROOT / "connectors"), str(ROOT / "examples"))
    assert code == 0, out
    assert out.count("PASS ") >= 20 and out.endswith(" passed, 0 failed\n")


def test_test_reports_a_failure_with_a_diff(tmp_path):
    for name in ("weather.feelish", "weather.tests.json"):
        shutil.copy(ROOT / "examples" / "templates" / name, tmp_path / name)
    path = tmp_path / "weather.tests.json"
    data = json.loads(path.read_text())
    data["cases"][0]["outputs"]["city"] = "Porto"
    path.write_text(json.dumps(data))
    code, out, err = cli("test", str(tmp_path / "weather.feelish"))
    assert code == 1
    assert "FAIL" in out and '-  "city": "Porto"' in out and '+  "city": "Lisbon"' in out
    assert out.endswith("1 passed, 1 failed\n")
    code, out, err = cli("test", str(tmp_path / "nothing"))
    assert code == 2 and "nothing' does not exist" in err
    (tmp_path / "empty").mkdir()
    code, out, err = cli("test", str(tmp_path / "empty"))
    assert code == 2 and "no test cases found" in err


def test_record_then_test_offline(tmp_path, example_api):
    template = tmp_path / "create-order.feelish"
    shutil.copy(ROOT / "examples" / "templates" / "create-order.feelish", template)
    code, out, err = cli("record", str(template), "--name", "one pen", "--arg", f"base={example_api.url}",
                         "--arg", "item=pen", "--secrets-file", str(ROOT / "examples" / "secrets.env"))
    assert code == 0, err
    saved = tmp_path / "create-order.tests.json"
    assert out == f"recorded 'one pen' (2 exchange(s), outputs) in {saved}\n"
    assert "example-secret" not in saved.read_text()
    code, out, err = cli("test", str(tmp_path))
    assert code == 0 and "PASS" in out


def test_record_a_built_in_connector_into_the_current_folder(tmp_path, monkeypatch, httpbin_url):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("record", "get", "--name", "status 404", "--arg", f"url={httpbin_url}/status/404",
                         "--var", "failOn4xx=true")
    assert code == 0, err
    data = json.loads((tmp_path / "get.tests.json").read_text())
    assert data["template"] == "get" and data["cases"][0]["error"]["code"] == "404"
    assert cli("test", ".")[0] == 0
