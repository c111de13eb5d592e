"""Issue 10, item 14 (and the CLI side of items 5, 6 and 11): eval's file syntax, check's
complete reports and warnings, connection messages; against real local servers."""
from __future__ import annotations

import json
import socket

from tests.cli.test_cli import cli


def test_eval_an_at_sign_is_a_temporal_literal_and_files_use_file(tmp_path):
    code, out, _ = cli("eval", '@"P1Y2M"')
    assert (code, json.loads(out)) == (0, "P1Y2M")
    code, out, _ = cli("eval", '@"2024-02-29" + duration("P1D")')
    assert (code, json.loads(out)) == (0, "2024-03-01")
    path = tmp_path / "e.feel"
    path.write_text("a * 2")
    code, out, _ = cli("eval", "-f", str(path), "--var", "a=4")
    assert (code, out.strip()) == (0, "8")
    code, _, err = cli("eval", "@" + str(path))  # the old form: an error that says what to do
    assert code == 2 and f"use --file {path}" in err
    code, _, err = cli("eval", "1", "--file", str(path))
    assert code == 2 and "one of the two" in err


def test_check_reports_every_template_syntax_error_at_once(tmp_path):
    path = tmp_path / "bad.feelish"
    path.write_text('url "http://a"\nmethod: "GET"\ninput x: strin\nheaders:\n')
    code, _, err = cli("check", str(path))
    assert code == 2 and f"{path}: 3 problems" in err
    assert f"{path}:1:" in err and f"{path}:3:" in err and f"{path}:4:" in err


def test_check_warns_about_never_matching_codes_get_bodies_and_undeclared_inputs(tmp_path):
    path = tmp_path / "w.feelish"
    path.write_text('input base: string required\nurl: base\nbody: {a: 1}\n'
                    'errorExpression: if error.code = 503 then jobError("busy") else null\n')
    code, out, err = cli("check", str(path), "--arg", "base=http://x", "--arg", "bsae=y")
    assert code == 0 and "ok (3 warnings)" in out
    assert "never matches" in err and "GET request is not sent" in err
    assert "'bsae'" in err and "did you mean 'base'?" in err


def test_connection_failed_names_host_and_port_and_a_bad_port_says_so():
    with socket.socket() as sock:  # a port that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, _, err = cli("run", "get", "--arg", f"url=http://127.0.0.1:{port}/x")
    error = json.loads(err)
    assert code == 1 and error["code"] == "CONNECTION_FAILED" and f"127.0.0.1:{port}" in error["message"]
    code, _, err = cli("run", "get", "--arg", "url=http://127.0.0.1:99999/x")
    error = json.loads(err)
    assert code == 1 and error["code"] == "INPUT_ERROR" and "invalid port 99999" in error["message"]


def test_a_failed_run_prints_the_warnings_that_explain_it(fault_url, tmp_path):
    path = tmp_path / "nf.feelish"
    path.write_text(f'url: "{fault_url}/status?code=404"\n'
                    'errorExpression: if error.code = 404 then bpmnError("NF") else null\n')
    code, _, err = cli("run", str(path))
    assert code == 1 and "warning: " in err and "never matches" in err
    assert json.loads(err[err.index("{"):])["code"] == "404"
