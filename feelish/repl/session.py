"""`feelish repl`: evaluate expressions, load data, and debug connector templates interactively; an
error never ends the session (docs/cli.md lists the commands)."""
from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from typing import Any

from prompt_toolkit import PromptSession
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings

from ..errors import ConnectorError, FeelishError
from .complete import ReplCompleter
from .inputs import UsageError, parse_json, read_text, to_json
from ..secrets import Redactor, SecretResolver, as_provider
from ..taint import masked
from ..language.codec import feel_string

HELP = """\
expressions     type any expression; `response` is there after :response or :run
:vars           list the variables (values shown as FEEL)
:load FILE      load variables from a JSON object file
:set NAME = EXPR   set a variable to the value of an expression
:unset NAME     remove a variable
:response FILE  load a recorded response (JSON: {status, headers, body} or just a body)
:template REF   load a template (a file or a built-in name) and show its inputs
:dry            dry-run the loaded template with the variables: show the request
:run            run the loaded template for real; keeps `response`, shows the outputs
:outputs        the template's result and error expressions on the current `response`
:secrets        list the secret names (never values)
:warnings       show the warnings of the last evaluation again
:help           this text
:quit, :exit    leave (Ctrl-D works too)"""

COMMANDS = (":vars", ":load", ":set", ":unset", ":response", ":template", ":dry", ":run", ":outputs",
            ":secrets",
            ":warnings", ":help", ":quit", ":exit")


def needs_more(text: str) -> bool:
    """Whether multi-line input should continue: open brackets or string, or a trailing `\\`."""
    if text.rstrip().endswith("\\"):
        return True
    depth, quote, i = 0, False, 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quote = False
        elif ch == '"':
            quote = True
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        i += 1
    return depth > 0 or quote


class Repl:
    def __init__(self, *, variables: Mapping[str, Any] | None = None, secrets: Any = None,
                 history: str | None = None, input=None, output=None, out=None, runtime=None):
        self.variables: dict[str, Any] = dict(variables or {})
        self.secrets = as_provider(secrets)
        self.out = out or sys.stdout
        self.template = None
        self.runtime = runtime
        self.last_warnings: list[str] = []
        self.used_secrets: set[str] = set()  # every secret value this session has seen: never shown
        # piped standard input (a script): read plain lines, no prompts or screen drawing
        self.plain_input = sys.stdin if input is None and not _isatty(sys.stdin) else None
        if history is None and input is None:
            history = os.path.join(os.path.expanduser("~"), ".feelish_history")
        self.failed = False  # a piped script exits with 1 after an error
        self.session = None if self.plain_input is not None else PromptSession(
            history=FileHistory(history) if history else InMemoryHistory(),
            completer=ReplCompleter(lambda: self.variables, COMMANDS),
            complete_while_typing=False, input=input, output=output,
            multiline=True, key_bindings=_enter_bindings(),  # one input, one history entry
            prompt_continuation=lambda width, line, wrapped: "....... ")

    # ------------------------------------------------------------------ loop

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _prompt(self, prompt: str) -> str:
        if self.plain_input is None:
            return self.session.prompt(prompt)
        line = self.plain_input.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")

    def read(self) -> str | None:
        text = None
        try:
            if self.plain_input is None:  # the key bindings keep the lines of one input together
                return _join_continued(self.session.prompt("feelish> "))
            text = self._prompt("feelish> ")
            while needs_more(text):
                more = self._prompt("....... ")
                text = (text.rstrip()[:-1] if text.rstrip().endswith("\\") else text) + "\n" + more
            return text
        except EOFError:
            if text is not None and text.strip():  # the input ended inside an expression
                self.failed = True
                first = text.strip().splitlines()[0]
                self.write(f"error: the input ends inside an unterminated expression starting "
                           f"with {first[:60]!r} (an open bracket or string, or a trailing \\)")
            return None
        except KeyboardInterrupt:
            return ""

    def run(self) -> int:
        if self.plain_input is None:
            self.write("feelish REPL - :help lists the commands, Ctrl-D leaves")
        while True:
            text = self.read()
            if text is None:
                break
            if not self.handle(text):
                break
        self._close()
        return 1 if self.failed and self.plain_input is not None else 0

    def _close(self) -> None:
        if self.runtime is not None:
            try:
                self.runtime.close()
            except Exception:
                pass

    def handle(self, text: str) -> bool:
        """Run one input; False ends the session.  Never raises for a user mistake."""
        text = text.strip()
        if not text:
            return True
        try:
            if text.startswith(":"):
                return self.command(text)
            self.show(self.evaluate(text))
        except ConnectorError as exc:
            self.failed = True
            self.write("connector error: " + to_json(exc.to_dict(), compact=True))
        except FeelishError as exc:
            self.failed = True
            self.write(f"error: {exc}")
        except Exception as exc:  # a bug: report it, keep the session
            self.failed = True
            self.write(f"internal error ({type(exc).__name__}); the session goes on")
        return True

    # ------------------------------------------------------------------ evaluation

    def evaluate(self, text: str) -> tuple[Any, Any]:
        from ..language import compile as compile_expression

        expression = compile_expression(text, origin="<repl>")
        resolver = SecretResolver(self.secrets)
        result = expression.evaluate_with_warnings(self.variables, secrets=resolver)
        self.used_secrets |= resolver.used
        redactor = self.redactor()
        self.last_warnings = [redactor.text(w.render(text)) for w in result.warnings]
        for warning in self.last_warnings:
            self.write("warning: " + warning)
        return result.value, redactor

    def redactor(self) -> Redactor:
        return Redactor(self.used_secrets)

    def show(self, evaluated: tuple[Any, Any]) -> None:
        value, redactor = evaluated
        shown = redactor.value(value)  # a value computed from a secret shows as ***
        feel = feel_string(shown) if not isinstance(shown, str) else _quoted(shown)
        self.write(feel)
        json_text = to_json(shown, compact=True)
        if json_text != feel:
            self.write("json: " + json_text)

    # ------------------------------------------------------------------ commands

    def command(self, text: str) -> bool:
        name, _, arg = text.partition(" ")
        arg = arg.strip()
        if name in (":quit", ":exit", ":q"):
            return False
        handler = getattr(self, "cmd_" + name[1:], None)
        if handler is None:
            raise UsageError(f"unknown command {name}", hint=":help lists the commands")
        handler(arg)
        return True

    def cmd_help(self, arg: str) -> None:
        self.write(HELP)

    def cmd_vars(self, arg: str) -> None:
        if not self.variables:
            self.write("(no variables)")
        redactor = self.redactor()
        for name, value in self.variables.items():
            self.write(f"{name} = {_short(redactor.value(value))}")

    def cmd_load(self, arg: str) -> None:
        if not arg:
            raise UsageError(":load needs a file name")
        loaded = parse_json(read_text(arg, ":load"), f":load {arg}")
        if not isinstance(loaded, dict):
            raise UsageError(f":load {arg}: expected a JSON object of variables")
        self.variables.update(loaded)
        self.write(f"loaded {len(loaded)} variable(s): {', '.join(loaded) or '-'}")

    def cmd_set(self, arg: str) -> None:
        name, sep, expr = arg.partition("=")
        name = name.strip()
        if not sep or not name or not expr.strip():
            raise UsageError(":set needs NAME = EXPRESSION")
        value, redactor = self.evaluate(expr.strip())
        self.variables[name] = value
        self.write(f"{name} = {_short(redactor.value(value))}")

    def cmd_unset(self, arg: str) -> None:
        if self.variables.pop(arg, _MISSING) is _MISSING:
            raise UsageError(f"no variable {arg!r}")
        self.write(f"removed {arg}")

    def cmd_response(self, arg: str) -> None:
        if not arg:
            raise UsageError(":response needs a JSON file (a recorded response or a body)")
        data = parse_json(read_text(arg, ":response"), arg)
        if isinstance(data, dict) and ("status" in data or "body" in data):
            response = {"status": data.get("status", 200), "reason": data.get("reason"),
                        "headers": data.get("headers") or {}, "body": data.get("body"),
                        "document": data.get("document")}
        else:
            response = {"status": 200, "reason": "OK", "headers": {}, "body": data, "document": None}
        self.variables["response"] = response
        self.write(f"response loaded: status {response['status']}; try response.body")

    def cmd_template(self, arg: str) -> None:
        from ..templates import load

        if not arg:
            raise UsageError(":template needs a file or a built-in connector name")
        self.template = load(arg)
        self.write(self.template.summary())

    def _need_template(self):
        if self.template is None:
            raise UsageError("no template loaded", hint=":template FILE|NAME first")
        return self.template

    def _runtime(self):
        if self.runtime is None:
            from ..connector import Runtime
            self.runtime = Runtime(file_roots=[os.getcwd()])
        return self.runtime

    def cmd_dry(self, arg: str) -> None:
        from ..templates import dry_run_template

        request = dry_run_template(self._need_template(), self.variables, secrets=self.secrets,
                                   runtime=self._runtime())
        self.write(to_json(request))

    def cmd_run(self, arg: str) -> None:
        from ..templates import output_redactor, run_template

        template = self._need_template()
        # `response` is the session's own (from :response or an earlier :run), not an input
        variables = {k: v for k, v in self.variables.items() if k != "response" or k in template.inputs}
        try:
            outcome = run_template(template, variables, secrets=self.secrets, runtime=self._runtime())
        except ConnectorError as exc:
            if exc.response is not None:
                self.variables["response"] = exc.response
                self.write("(the failed call's response is kept in `response`)")
            elif self.variables.pop("response", None) is not None:  # never a stale one
                self.write("(no response: the previous `response` is cleared)")
            raise
        self.variables["response"] = outcome.response
        self.last_warnings = [w.render() for w in getattr(outcome, "warnings", ())]
        for warning in self.last_warnings:
            self.write("warning: " + warning)
        self.write(f"status {outcome.response.get('status') if outcome.response else '-'}; "
                   "`response` kept; outputs:")
        redactor = output_redactor(self.template, self.variables, self.secrets)
        self.write(to_json(redactor.value(outcome.outputs)))

    def cmd_outputs(self, arg: str) -> None:
        """The template's resultExpression / errorExpression on the current `response`, with
        warnings pointing into the template file: write mappings against a recorded response."""
        from ..language import compile as compile_expression
        from ..errors import caret_snippet

        template = self._need_template()
        if "response" not in self.variables:
            raise UsageError("no response yet", hint=":response FILE (a recorded one) or :run")
        scope = {k: self.variables[k] for k in template.inputs if k in self.variables}
        scope.update(response=self.variables["response"], context={}, error=None,
                     job={"retries": 1, "attempt": 1})  # as the runtime's first and only attempt
        try:
            from ..connector.outputs import ERROR_FUNCTIONS
            scope.update(ERROR_FUNCTIONS)
        except ImportError:  # pragma: no cover
            pass
        shown = False
        for key in ("resultVariable", "resultExpression", "errorExpression"):
            decl = template.fields.get(key)
            if decl is None:
                continue
            shown = True
            resolver = SecretResolver(self.secrets)
            result = compile_expression(decl.value.text).evaluate_with_warnings(scope, secrets=resolver)
            self.used_secrets |= resolver.used
            redactor = self.redactor()
            self.last_warnings = []
            for w in result.warnings:
                where = ""
                if w.span is not None:
                    start = decl.value.offset + w.span.start
                    where = "\n" + caret_snippet(template.source, start, decl.value.offset + w.span.end,
                                                 origin=template.origin)
                self.last_warnings.append(redactor.text(f"{w.kind}: {w.message}{where}"))
            for warning in self.last_warnings:
                self.write("warning: " + warning)
            value = redactor.value(result.value) if redactor else result.value
            self.write(f"{key}: " + to_json(value, compact=True))
        if not shown:
            self.write("(the template maps no outputs)")

    def cmd_secrets(self, arg: str) -> None:
        names = list(self.secrets.names())
        self.write(", ".join(names) if names else "(no secrets; start with --secrets-file or --secrets-env)")

    def cmd_warnings(self, arg: str) -> None:
        if not self.last_warnings:
            self.write("(no warnings)")
        for warning in self.last_warnings:
            self.write("warning: " + warning)


_MISSING = object()
_CONTINUED = re.compile(r"\\[ \t]*\n")


def _join_continued(text: str) -> str:
    """A line ended by `\\` continues on the next: drop the backslash, keep the line break."""
    return _CONTINUED.sub("\n", text)


def _enter_bindings() -> KeyBindings:
    """Enter accepts the input unless it is unfinished (open brackets or string, trailing `\\`):
    then it starts a new line of the same input, so a multi-line input is one history entry."""
    bindings = KeyBindings()

    @bindings.add("enter")
    @bindings.add("c-j")
    def _enter(event) -> None:
        buffer = event.current_buffer
        if needs_more(buffer.text):
            buffer.insert_text("\n")
        else:
            buffer.validate_and_handle()
    return bindings


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _short(value: Any, limit: int = 120) -> str:
    value = masked(value)
    text = _quoted(value) if isinstance(value, str) else feel_string(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def main() -> int:  # `python -m feelish.repl`
    return Repl().run()


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["Repl", "needs_more", "HELP", "COMMANDS"]
