"""Every CLI command and exit code; JSON in and out; no traceback for a user mistake."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from feelish.cli import main


def cli(*argv: str, stdin: str | None = None, monkeypatch=None):
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# ----------------------------------------------------------------------------- eval


def test_eval_prints_json_with_exact_numbers():
    code, out, err = cli("eval", "{total: a + b, items: [1, 2.50]}", "--var", "a=0.1", "--var", "b=0.2")
    assert code == 0 and err == ""
    assert json.loads(out) == {"total": 0.3, "items": [1, 2.5]}
    assert '"total": 0.3' in out and "2.50" in out          # exact decimal text, scale kept


def test_eval_temporal_values_are_iso_strings():
    code, out, _ = cli("eval", '[date("2024-02-28") + duration("P1D"), duration("PT90M")]', "-c")
    assert code == 0 and json.loads(out) == ["2024-02-29", "PT1H30M"]


def test_eval_reads_vars_from_file_and_stdin(tmp_path, monkeypatch):
    path = tmp_path / "v.json"
    path.write_text('{"order": {"lines": [{"price": 2}, {"price": 3}]}}')
    code, out, _ = cli("eval", "sum(order.lines.price)", "--vars", str(path))
    assert (code, json.loads(out)) == (0, 5)
    code, out, _ = cli("eval", "x * 2", "--vars", "-", stdin='{"x": 21}', monkeypatch=monkeypatch)
    assert (code, json.loads(out)) == (0, 42)


def test_eval_arg_is_a_raw_string_and_var_overrides_vars(tmp_path):
    path = tmp_path / "v.json"
    path.write_text('{"n": 1}')
    code, out, _ = cli("eval", "string length(s) + n", "--vars", str(path), "--var", "n=10", "--arg", "s=hello")
    assert (code, json.loads(out)) == (0, 15)


def test_eval_warnings_go_to_stderr_with_a_caret():
    code, out, err = cli("eval", "missing + 1")
    assert code == 0 and json.loads(out) is None
    assert "no-variable-found" in err and "1 | missing + 1" in err and "^^^^^^^" in err


def test_eval_strict_turns_a_warning_into_exit_2():
    code, out, err = cli("eval", "missing + 1", "--strict")
    assert code == 2 and out == "" and "error" in err


def test_eval_syntax_error_exit_2_with_position():
    code, out, err = cli("eval", "{a: 1,, b: 2}")
    assert code == 2 and out == ""
    assert "<expression>:1:" in err and "1 | {a: 1,, b: 2}" in err and "^" in err


def test_eval_secrets_from_file_and_environment(tmp_path, monkeypatch):
    secrets = tmp_path / ".env"
    secrets.write_text("API_KEY=from-file\n")
    monkeypatch.setenv("APP_TOKEN", "from-env")
    code, out, _ = cli("eval", '["<<secrets.API_KEY>>" = "from-file", string length("<<secrets.TOKEN>>")]',
                       "--secrets-file", str(secrets), "--secrets-env", "APP_", "-c")
    assert (code, json.loads(out)) == (0, [True, 8])


def test_eval_never_prints_a_secret_value(tmp_path):
    secrets = tmp_path / ".env"
    secrets.write_text("API_KEY=k-123456\n")
    code, out, err = cli("eval", '{auth: "Bearer <<secrets.API_KEY>>", n: missing}', "--secrets-file",
                         str(secrets), "-c")
    assert code == 0 and json.loads(out) == {"auth": "Bearer ***", "n": None}
    assert "k-123456" not in out + err


def test_eval_missing_secret_names_it_without_value():
    code, out, err = cli("eval", '"<<secrets.NOPE>>"')
    assert code == 2 and "NOPE" in err


@pytest.mark.parametrize("argv, fragment", [
    (["eval", "x", "--var", "x=hello"], "strings need JSON quotes"),
    (["eval", "x", "--var", "novalue"], "expected NAME=JSON"),
    (["eval", "x", "--vars", "/no/such/file.json"], "no such file"),
    (["eval"], "expression"),
    (["frobnicate"], "invalid choice"),
    (["run", "no-such-connector"], "no built-in connector named"),
    (["eval", "1", "--secrets-file", "/no/such/.env"], "cannot read secrets file"),
])
def test_usage_errors_exit_2(argv, fragment, capsys):
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert fragment in err + capsys.readouterr().err


def test_vars_must_be_a_json_object(tmp_path):
    path = tmp_path / "v.json"
    path.write_text("[1, 2]")
    code, _, err = cli("eval", "1", "--vars", str(path))
    assert code == 2 and "expected a JSON object" in err
    path.write_text('{"a": }')
    code, _, err = cli("eval", "1", "--vars", str(path))
    assert code == 2 and "invalid JSON at line 1" in err


# ----------------------------------------------------------------------------- check


def test_check_good_and_bad_templates(tmp_path):
    good = tmp_path / "good.feelish"
    good.write_text('input base: string required\nurl: base + "/x"\n')
    bad = tmp_path / "bad.feelish"
    bad.write_text('input base: string required\nurl: bas + "/x"\nmethod: 3\nheaderz: {}\n')
    code, out, err = cli("check", str(good), str(bad), "get")
    assert code == 2
    assert f"{good}: ok" in out and "get: ok" in out
    assert f"{bad}:2:6" in err and f"{bad}:3:9" in err and f"{bad}:4:1" in err
    assert f"{bad}: 3 problems" in err


def test_check_syntax_error_exit_2(tmp_path):
    bad = tmp_path / "bad.feelish"
    bad.write_text('url "http://x"\n')
    code, _, err = cli("check", str(bad))
    assert code == 2 and f"{bad}:1:5" in err and "1 | url \"http://x\"" in err


# ----------------------------------------------------------------------------- run


def test_run_builtin_against_the_example_api(example_api):
    code, out, err = cli("run", "get", "--arg", f"url={example_api.url}/weather/current",
                         "--var", 'queryParameters={"city": "Berlin"}')
    assert code == 0, err
    data = json.loads(out)
    assert data["status_code"] == 200 and data["bodyAsObject"]["city"] == "Berlin"
    assert json.loads(data["bodyAsString"])["temperature"] == 14.0


def test_run_connector_failure_exit_1_with_json_error(example_api):
    code, out, err = cli("run", "rest", "--arg", f"url={example_api.url}/weather/current?city=Atlantis")
    assert code == 1 and out == ""
    error = json.loads(err)
    assert error["code"] == "404" and error["status"] == 404 and "message" in error


def test_run_transport_failure_exit_1():
    code, _, err = cli("run", "rest", "--arg", "url=http://127.0.0.1:9/nothing", "--var",
                       "connectionTimeoutInSeconds=2")
    assert code == 1 and json.loads(err)["code"]


def test_run_missing_required_input_exit_2():
    code, out, err = cli("run", "get")
    assert code == 2 and "missing required input 'url'" in err and "get.feelish" in err


def test_run_wrong_input_type_exit_2():
    code, _, err = cli("run", "get", "--var", "url=42")
    assert code == 2 and "input 'url' must be a string, not a number" in err


def test_run_ignores_undeclared_variables_and_says_so(example_api):
    code, out, err = cli("run", "get", "--arg", f"url={example_api.url}/weather/current?city=Paris",
                         "--arg", "body=ignored")
    assert code == 0 and "does not declare an input 'body'; it is ignored" in err


def test_dry_run_shows_secret_placeholders_and_sends_nothing(example_api, tmp_path):
    secrets = tmp_path / ".env"
    secrets.write_text("TOKEN=super-secret-value\n")
    before = example_api.app.token_requests
    code, out, err = cli("run", "rest", "--arg", f"url={example_api.url}/orders", "--arg", "method=POST",
                         "--var", 'authentication={"type": "bearer", "token": "<<secrets.TOKEN>>"}',
                         "--var", 'body={"item": "tea"}', "--secrets-file", str(secrets), "--dry-run")
    assert code == 0, err
    assert "super-secret-value" not in out + err
    request = json.loads(out)
    assert request["method"] == "POST" and request["url"].endswith("/orders")
    # `authentication` is a secret input of the built-in: its values show as ***
    assert request["authentication"] == {"type": "bearer", "token": "***"}
    assert example_api.app.token_requests == before


def test_secret_inputs_are_redacted_from_errors(example_api):
    code, _, err = cli("run", "oauth2-token", "--arg", f"tokenEndpoint={example_api.url}/oauth/token",
                       "--arg", "clientId=example-client", "--arg", "clientSecret=wrong-secret-123")
    assert code == 1 and "wrong-secret-123" not in err


def test_run_template_file_with_response_flag(example_api, tmp_path):
    template = tmp_path / "t.feelish"
    template.write_text('input base: string required\nurl: base + "/weather/forecast"\n'
                        'queryParameters: {city: "Lisbon", days: 2}\n'
                        'resultExpression: {highs: response.body.days.high}\n')
    code, out, _ = cli("run", str(template), "--arg", f"base={example_api.url}", "--response", "-c")
    assert code == 0
    data = json.loads(out)
    assert data["outputs"] == {"highs": [23.5, 24.5]} and data["response"]["status"] == 200


def test_connectors_and_show():
    code, out, _ = cli("connectors")
    assert code == 0 and "post-file" in out and "oauth2-token" in out
    code, out, _ = cli("show", "post")
    assert code == 0 and "Bonita-style" in out and "body: string (optional)" in out


# ----------------------------------------------------------------------------- as a process


def test_python_m_feelish_user_mistakes_print_no_traceback(tmp_path):
    bad = tmp_path / "bad.feelish"
    bad.write_text("url: (\n")
    for argv in (["eval", "1 +"], ["check", str(bad)], ["run", str(bad)], ["eval", "x", "--var", "x=oops"]):
        proc = subprocess.run([sys.executable, "-m", "feelish", *argv], capture_output=True, text=True,
                              timeout=60)
        assert proc.returncode == 2, (argv, proc.stderr)
        assert "Traceback" not in proc.stderr and proc.stderr.strip()
    proc = subprocess.run([sys.executable, "-m", "feelish", "eval", "[1, 2][-1]"], capture_output=True,
                          text=True, timeout=60)
    assert (proc.returncode, proc.stdout.strip()) == (0, "2")


def test_run_prints_expression_warnings_to_stderr(example_api, tmp_path):
    template = tmp_path / "w.feelish"
    template.write_text('input base: string required\ninput extra: context = {}\n'
                        'url: base + "/weather/current?city=Paris"\n'
                        'queryParameters: {unit: extra.unit}\n'
                        'resultExpression: {t: response.body.temperature}\n')
    code, out, err = cli("run", str(template), "--arg", f"base={example_api.url}", "-c")
    assert code == 0 and json.loads(out) == {"t": 18.5}
    assert "warning:" in err and "unit" in err


def test_check_with_variables_reports_missing_and_mistyped_inputs(tmp_path):
    template = tmp_path / "t.feelish"
    template.write_text('input base: string required\ninput n: number = 1\ninput k: string required\n'
                        'url: base + k\n')
    code, out, err = cli("check", str(template), "--var", 'n="x"', "--arg", "k=a")
    assert code == 2
    assert f"{template}:1:7" in err and "missing required input 'base'" in err
    assert f"{template}:2:7" in err and "input 'n' must be a number, not a string" in err
    code, out, _ = cli("check", str(template), "--arg", "base=http://x", "--arg", "k=/y")
    assert code == 0 and out.endswith(": ok\n")


def test_check_reports_a_group_set_twice(tmp_path):
    template = tmp_path / "t.feelish"
    template.write_text('url: "http://x"\nauthentication: {type: "basic"}\nauthentication.username: "u"\n')
    code, _, err = cli("check", str(template))
    assert code == 2 and f"{template}:3:1" in err and "not both" in err


def test_run_output_hides_the_template_secrets(httpbin_url, tmp_path):
    template = tmp_path / "echo.feelish"
    template.write_text('input base: string required\ninput pin: string secret = null\n'
                        'url: base + "/headers"\n'
                        'headers: {"X-Key": "<<secrets.API_KEY>>", "X-Pin": pin}\n'
                        'resultExpression: {echoed: response.body.headers}\n')
    secrets = tmp_path / ".env"
    secrets.write_text("API_KEY=key-7777\n")
    code, out, err = cli("run", str(template), "--arg", f"base={httpbin_url}", "--arg", "pin=p-4242",
                         "--secrets-file", str(secrets), "-c")
    assert code == 0, err
    echoed = json.loads(out)["echoed"]
    assert echoed["X-Key"] == "***" and echoed["X-Pin"] == "***"
    assert "key-7777" not in out + err and "p-4242" not in out + err


def test_an_internal_bug_is_exit_70_without_traceback_unless_asked(monkeypatch):
    import feelish.cli as cli_module

    def broken(args, out, err):
        raise RuntimeError("secret-looking detail")
    monkeypatch.setitem(cli_module.COMMANDS, "connectors", broken)
    code, _, err = cli("connectors")
    assert code == 70 and "internal error (RuntimeError)" in err
    assert "Traceback" not in err and "secret-looking detail" not in err
    monkeypatch.setenv("FEELISH_DEBUG", "1")
    code, _, err = cli("connectors")
    assert code == 70 and "Traceback" in err


def test_version_and_no_command():
    code, out, _ = cli("--version")
    assert code == 0 and out.startswith("feelish 0.")
    code, _, err = cli()
    assert code == 2 and "COMMAND" in err


def test_run_of_a_broken_template_lists_every_problem(tmp_path):
    template = tmp_path / "t.feelish"
    template.write_text('url: base\nmethod: 7\n')
    code, out, err = cli("run", str(template))
    assert code == 2 and out == ""
    assert f"{template}:1:6" in err and f"{template}:2:9" in err and err.count("error: ") == 2


def test_an_input_error_names_where_the_template_sets_the_field(tmp_path):
    template = tmp_path / "t.feelish"
    template.write_text('input base: string\nurl: "http://127.0.0.1:9/"\nmethod: "GET"\n'
                        'headers: {a: assert(1, 1 > 2)}\n')
    code, _, err = cli("run", str(template))
    error = json.loads(err)
    assert code == 1 and error["code"] == "INPUT_ERROR" and error["field"] == "headers"
    assert error["message"].split("\n")[0] == f"field 'headers': assertion failed (set at {template}:4:10)"


def test_eval_reads_the_expression_from_a_file(tmp_path):
    path = tmp_path / "e.feel"
    path.write_text("{\n  double: a * 2 // comment\n}\n")
    code, out, _ = cli("eval", "--file", str(path), "--var", "a=4", "-c")
    assert (code, out.strip()) == (0, '{"double":8}')
