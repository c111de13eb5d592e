"""Issue 10, item 15: the REPL's rough edges (history, stale response, :help, :load, scripts)."""
from __future__ import annotations

import subprocess
import sys

from prompt_toolkit.history import InMemoryHistory

from feelish.repl.session import COMMANDS, HELP
from tests.repl.test_repl import session


def test_a_multi_line_input_is_one_history_entry():
    history = InMemoryHistory()
    text, _ = _with_history("{total:\n  1 +\n  2}\n3 + \\\n4\n", history)
    assert "{total:3}" in text and "\n7\n" in text
    entries = list(history.get_strings())
    assert entries == ["{total:\n  1 +\n  2}", "3 + \\\n4"]


def _with_history(lines, history):
    import io

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from feelish.repl import Repl
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(lines + "\x04")
        repl = Repl(input=pipe, output=DummyOutput(), out=out, history="")
        repl.session.history = history
        repl.session.default_buffer.history = history
        assert repl.run() == 0
    return out.getvalue(), repl


def test_a_failed_run_without_a_response_clears_the_stale_one(tmp_path, fault_url):
    recorded = tmp_path / "r.json"
    recorded.write_text('{"status": 200, "body": {"old": true}}')
    template = tmp_path / "t.feelish"
    template.write_text('url: "http://127.0.0.1:1/nothing-listens-here"\nconnectionTimeoutInSeconds: 2\n')
    text, repl = session(f":response {recorded}\nresponse.body.old\n:template {template}\n:run\n")
    assert "connector error:" in text and "CONNECTION_FAILED" in text
    assert "the previous `response` is cleared" in text and "response" not in repl.variables


def test_help_lists_every_command():
    for name in COMMANDS:
        assert name in HELP, name


def test_load_errors_speak_of_load(tmp_path):
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]")
    text, _ = session(f":load {tmp_path}/missing.json\n:load {listed}\n")
    assert ":load: no such file" in text and f":load {listed}: expected a JSON object" in text
    assert "--vars" not in text


def _script(text: str, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "feelish", "repl"], input=text, capture_output=True,
                          text=True, timeout=60, env={"PATH": "", "HOME": str(tmp_path)})


def test_a_piped_script_exits_non_zero_after_an_error_and_zero_without(tmp_path):
    assert _script("1 + 1\n:set a = 2\na * 3\n", tmp_path).returncode == 0
    proc = _script("1 + 1\n1 + * 2\n2\n", tmp_path)
    assert proc.returncode == 1 and "error:" in proc.stdout and proc.stdout.rstrip().endswith("2")


def test_a_piped_script_reports_an_unterminated_last_expression(tmp_path):
    proc = _script('1 + 1\n{a: [1,\n  2\n', tmp_path)
    assert proc.returncode == 1
    assert "unterminated expression starting with '{a: [1,'" in proc.stdout
