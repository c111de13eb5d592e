"""The REPL, driven through prompt_toolkit's pipe input (no terminal needed)."""
from __future__ import annotations

import io
import json

import pytest
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from feelish.repl import Repl, needs_more
from feelish.repl.complete import ReplCompleter, candidates


def session(lines: str, *, history=None, **kw) -> tuple[str, Repl]:
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(lines + "\x04")  # Ctrl-D ends the session
        repl = Repl(input=pipe, output=DummyOutput(), out=out, history=history, **kw)
        assert repl.run() == 0
    return out.getvalue(), repl


def test_values_are_shown_as_feel_and_as_json():
    text, _ = session('{a: 1.50, b: "x", c: date("2024-01-02")}\n')
    assert '{a:1.50, b:"x", c:2024-01-02}' in text
    assert 'json: {"a":1.50,"b":"x","c":"2024-01-02"}' in text


def test_multi_line_input_continues_while_brackets_are_open():
    text, _ = session("{total:\n  1 +\n  2,\n  n: [1,\n 2]}\n3 + \\\n4\n")
    assert "{total:3, n:[1, 2]}" in text and "\n7\n" in text


def test_errors_never_end_the_session():
    text, _ = session("1 +\n:nope\n:load /no/such.json\n:set = 1\n:run\n40 + 2\n")
    assert "error: the text ends after '+'" in text and "<repl>:1:3" in text
    assert "unknown command :nope" in text and "no such file" in text
    assert "no template loaded" in text
    assert text.rstrip().endswith("42")


def test_warnings_are_shown_with_carets_and_again_on_request():
    text, _ = session("order.total + 1\n:warnings\n")
    assert text.count("no-variable-found") == 2
    assert "1 | order.total + 1" in text and "^^^^^" in text


def test_set_load_vars_and_unset(tmp_path):
    path = tmp_path / "vars.json"
    path.write_text('{"price": 2.5, "qty": 4}')
    text, repl = session(f":load {path}\n:set total = price * qty\n:vars\n:unset qty\ntotal\n")
    assert "loaded 2 variable(s): price, qty" in text and "total = 10" in text
    assert repl.variables.keys() == {"price", "total"}


def test_recorded_response_for_writing_result_expressions(tmp_path):
    rec = tmp_path / "resp.json"
    rec.write_text(json.dumps({"status": 200, "headers": {"Content-Type": "application/json"},
                               "body": {"items": [{"id": 1, "ok": True}, {"id": 2, "ok": False}]}}))
    body_only = tmp_path / "body.json"
    body_only.write_text('[1, 2, 3]')
    text, _ = session(f":response {rec}\n{{ids: response.body.items[ok].id}}\n"
                      f":response {body_only}\nsum(response.body)\n")
    assert "response loaded: status 200" in text and "{ids:[1]}" in text and "\n6\n" in text


def test_secret_names_are_listed_and_values_never_shown():
    text, _ = session(':secrets\n"Bearer <<secrets.API_TOKEN>>"\n:set t = "<<secrets.API_TOKEN>>"\n'
                      't\n{a: t + "!"}\n:vars\n',
                      secrets={"API_TOKEN": "tok-XYZ-123", "OTHER": "v"})
    assert "API_TOKEN, OTHER" in text
    assert "tok-XYZ-123" not in text and '"Bearer ***"' in text


def test_template_dry_run_and_real_run_keep_the_response(example_api):
    text, repl = session(f":template get\n:set url = \"{example_api.url}/weather/current\"\n"
                         ':set queryParameters = {city: "Lisbon"}\n:dry\n:run\nresponse.body.temperature\n'
                         "response.status\n")
    assert "url: string (required)" in text
    assert '"method": "GET"' in text and "Lisbon" in text
    assert '"status_code": 200' in text and "\n23.5\n" in text
    assert repl.variables["response"]["status"] == 200


def test_a_failed_run_keeps_its_response(example_api):
    text, repl = session(f':template rest\n:set url = "{example_api.url}/weather/current?city=Atlantis"\n'
                         ":run\nresponse.body.error\n")
    assert "connector error:" in text and '"code":"404"' in text
    assert '"unknown city"' in text


def test_history_is_persistent(tmp_path):
    history = tmp_path / "hist"
    session("1 + 41\n", history=str(history))
    assert "1 + 41" in history.read_text()
    _, repl = session("", history=str(history))
    assert "1 + 41" in list(repl.session.history.load_history_strings())


def test_completion_of_variables_context_keys_builtins_and_commands():
    variables = {"order": {"total": 1, "lines": [], "customer": {"name": "x"}}, "ordinal": 2}
    assert candidates("ord", variables, [])[1] == ["order", "ordinal"]
    assert candidates("order.", variables, [])[1] == ["customer", "lines", "total"]
    assert candidates("order.customer.n", variables, []) == (1, ["name"])
    assert "string length" in candidates("string le", variables, [])[1]
    assert candidates(":te", variables, [":template", ":vars"]) == (3, [":template"])
    completer = ReplCompleter(lambda: variables, [])
    found = [c.text for c in completer.get_completions(Document("1 + order.to"), None)]
    assert found == ["total"]


@pytest.mark.parametrize("text, more", [
    ("{a: 1", True), ("[1, (2", True), ('"open', True), ("x \\", True),
    ("{a: 1}", False), ('"a { b"', False), ("f(x) // (", False),
])
def test_needs_more(text, more):
    assert needs_more(text) is more


def test_feelish_repl_reads_a_piped_script(tmp_path):
    import subprocess
    import sys
    script = '{a:\n  [1, 2]}\n:set a = [1, 2]\n:set n = count(a)\nn * 10\n1 +\n"<<secrets.PW>>"\n:secrets\n:quit\n99\n'
    proc = subprocess.run([sys.executable, "-m", "feelish", "repl", "--secrets-env", "H6TEST_"],
                          input=script, capture_output=True, text=True, timeout=60,
                          env={"PATH": "", "HOME": str(tmp_path), "H6TEST_PW": "pw-9876"})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr  # `1 +` failed: the script did
    lines = proc.stdout.splitlines()
    assert lines[:2] == ["{a:[1, 2]}", 'json: {"a":[1,2]}']
    assert "n = 2" in lines and "20" in lines and '"***"' in lines and "PW" in lines
    assert "pw-9876" not in proc.stdout and "99" not in lines  # :quit ended the session


def test_outputs_maps_a_recorded_response_with_template_positions(tmp_path):
    template = tmp_path / "w.feelish"
    template.write_text('input city: string required\nurl: "http://x"\n'
                        'resultExpression:\n  {t: response.body.temp, c: city, w: response.body.wind}\n'
                        'errorExpression: if response.status = 404 then bpmnError("NF", city) else null\n')
    rec = tmp_path / "r.json"
    rec.write_text('{"status": 404, "body": {"temp": 12.5}}')
    text, _ = session(f":template {template}\n:outputs\n:response {rec}\n:set city = \"Oslo\"\n:outputs\n")
    assert "no response yet" in text
    assert 'resultExpression: {"t":12.5,"c":"Oslo","w":null}' in text
    assert f"{template}:4:39" in text and "no-context-entry-found" in text
    assert 'errorExpression: {"errorType":"bpmnError","code":"NF","message":"Oslo","variables":{}}' in text
