"""The `feelish` command's argument parsing and subcommands (documented in `feelish/cli/__init__.py`
and docs/cli.md). Each subcommand imports what it needs when it runs and only its own arguments are
declared, so `feelish eval` loads neither the HTTP stack nor the other commands' options."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ..errors import ConnectorError, FeelishError, SourceError, TemplateError
from ..repl.inputs import UsageError, build_secrets, collect_variables, secret_args, to_json
from . import authoring

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70


def _columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` finds it ($COLUMNS, the terminal of
    standard output, else 80), without importing shutil (and bz2, lzma) into every start."""
    try:
        columns = int(os.environ.get("COLUMNS", 0))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _columns() - 2 if width is None else width)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # argparse's own exit code is 2 as well; keep it short
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _add_inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--vars", action="append", default=[], metavar="FILE|-",
                   help="a JSON object of variables (a file, or - for standard input)")
    p.add_argument("--var", action="append", default=[], metavar="NAME=JSON",
                   help="one variable, its value as JSON (strings in quotes)")
    p.add_argument("--arg", action="append", default=[], metavar="NAME=TEXT",
                   help="one string variable, taken literally")
    p.add_argument("--secrets-file", action="append", default=[], metavar="FILE",
                   help="secrets in a dotenv-style file (NAME=value)")
    p.add_argument("--secrets-env", action="append", default=[], metavar="PREFIX",
                   help="secrets from environment variables: <<secrets.X>> reads PREFIX + X")


def _eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("expression", nargs="?", help="the expression (`@\"P1Y\"` is a temporal literal)")
    p.add_argument("-f", "--file", metavar="FILE|-", help="read the expression from a file (- for stdin)")
    _add_inputs(p)
    p.add_argument("--strict", action="store_true", help="a warning is an error")
    p.add_argument("-c", "--compact", action="store_true", help="one-line JSON")


def _run_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("template", help="a template file, or the name of a built-in connector")
    _add_inputs(p)
    p.add_argument("--dry-run", action="store_true",
                   help="print the resolved request (secrets as <<secrets.NAME>>), send nothing")
    p.add_argument("--secret-arg", action="append", default=[], metavar="INPUT=SECRET",
                   help="bind an input (or an entry of a context input: auth.password) to a named "
                        "secret, e.g. --secret-arg auth.password=API_PASSWORD")
    p.add_argument("--response", action="store_true", help="also print the response context")
    p.add_argument("--file-root", action="append", default=[], metavar="DIR",
                   help="a folder uploads may read files from (default: the current folder)")
    p.add_argument("-c", "--compact", action="store_true", help="one-line JSON")


def _check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("templates", nargs="+", metavar="TEMPLATE")
    p.add_argument("--vars", action="append", default=[], metavar="FILE|-",
                   help="also check these variables against the inputs (required, types)")
    p.add_argument("--var", action="append", default=[], metavar="NAME=JSON")
    p.add_argument("--arg", action="append", default=[], metavar="NAME=TEXT")


def _repl_arguments(p: argparse.ArgumentParser) -> None:
    _add_inputs(p)
    p.add_argument("--history", metavar="FILE", help="history file (default ~/.feelish_history)")


def _worker_arguments(p: argparse.ArgumentParser) -> None:
    from ..integrations.camunda import cli as camunda_cli

    camunda_cli.add_arguments(p)


def _show_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("template")


#: subcommand -> (help, what declares its arguments)
SUBCOMMANDS = {
    "eval": ("evaluate an expression, print the result as JSON", _eval_arguments),
    "run": ("run a connector template, print its outputs as JSON", _run_arguments),
    "check": ("check templates; report every problem with its position", _check_arguments),
    "repl": ("interactive expressions and connector debugging", _repl_arguments),
    "connectors": ("list the built-in connectors", None),
    "worker": ("serve a Camunda 8 cluster's REST connector jobs (docs/engines.md); SIGTERM or "
               "SIGINT stops it after the jobs in flight", _worker_arguments),
    "show": ("show a template's documentation and inputs", _show_arguments),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; given the `command` about to run, only that subcommand is declared
    (argparse's per-parser and per-argument work, translations looked up each time, is a good
    part of a short command's start); without one, every subcommand (for help and errors)."""
    parser = _Parser(prog="feelish", description="feelish: FEEL expressions and REST connectors "
                     "from the command line (JSON in, JSON out).")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (text, declare) in SUBCOMMANDS.items():
        if command is not None and command != name:
            continue
        p = sub.add_parser(name, help=text)
        if declare is not None:
            declare(p)
    if command is None or command in authoring.COMMANDS:
        authoring.add_parsers(sub, _add_inputs)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand `argv` names (its first word not an option), if it is one."""
    for word in argv:
        if word == "--":
            return None
        if not word.startswith("-"):
            return word if word in SUBCOMMANDS or word in authoring.COMMANDS else None
    return None


# ----------------------------------------------------------------------------- commands


def _variables(args) -> dict[str, Any]:
    return collect_variables(args.vars, args.var, args.arg)


def _secrets(args):
    return build_secrets(args.secrets_file, args.secrets_env)


def cmd_eval(args, out, err) -> int:
    from ..language import compile as compile_expression
    from ..repl.inputs import read_text
    from ..secrets import SecretResolver

    if (args.expression is None) == (args.file is None):
        raise UsageError("eval takes an expression or --file FILE, one of the two")
    text = args.expression if args.file is None else read_text(args.file, "--file")
    try:
        expression = compile_expression(text, origin="<expression>" if args.file is None else args.file)
    except SourceError as exc:
        if args.file is None and text.startswith("@") and os.path.isfile(text[1:]):
            exc.hint = f"to read the expression from the file {text[1:]!r}, use --file {text[1:]}"
        raise
    resolver = SecretResolver(_secrets(args))  # remembers the secret values used, for redaction
    result = expression.evaluate_with_warnings(_variables(args), secrets=resolver, strict=args.strict)
    redactor = resolver.redactor()
    for warning in result.warnings:
        err.write("warning: " + redactor.text(warning.render(text)) + "\n")
    # a secret value is never printed: results that carry one show *** in its place
    out.write(to_json(redactor.value(result.value), compact=args.compact) + "\n")
    return EXIT_OK


def _runtime(args):
    from ..connector import Runtime

    roots = args.file_root or [os.getcwd()]
    return Runtime(file_roots=roots)


def cmd_run(args, out, err) -> int:
    from ..templates import dry_run_template, load, output_redactor, run_template, undeclared

    template = load(args.template)
    variables = _variables(args)
    for warning in undeclared(template, variables):
        err.write(f"warning: {warning.message}\n")
    secrets = _secrets(args)
    bound = secret_args(args.secret_arg)
    with _runtime(args) as runtime:
        if args.dry_run:
            request = dry_run_template(template, variables, secrets=secrets, runtime=runtime,
                                       secret_args=bound)
            out.write(to_json(request, compact=args.compact) + "\n")
            return EXIT_OK
        outcome = run_template(template, variables, secrets=secrets, runtime=runtime,
                               secret_args=bound)
    for warning in getattr(outcome, "warnings", ()):
        if warning.kind != "undeclared-input":  # said above
            err.write(f"warning: {warning.render()}\n")
    data = outcome.outputs
    if args.response:
        data = {"outputs": outcome.outputs, "response": outcome.response}
    redactor = output_redactor(template, variables, secrets)
    out.write(to_json(redactor.value(data), compact=args.compact) + "\n")
    return EXIT_OK


def cmd_check(args, out, err) -> int:
    from ..templates import check, check_inputs, check_warnings, parse_file, undeclared

    given = args.vars or args.var or args.arg
    variables = _variables(args) if given else None
    failed = 0
    for ref in args.templates:
        notes: list = []
        try:
            template = parse_file(ref)
            problems = check(template)
            notes = check_warnings(template)
            if variables is not None:
                problems += check_inputs(template, variables)
                notes += [w.message for w in undeclared(template, variables)]
        except TemplateError as exc:
            problems = list(exc.problems or (exc,))  # every template syntax error at once
        for note in notes:
            err.write(f"warning: {note}\n")
        if problems:
            failed += 1
            for problem in problems:
                err.write(f"error: {problem}\n")
            err.write(f"{ref}: {len(problems)} problem{'s' if len(problems) > 1 else ''}\n")
        else:
            out.write(f"{ref}: ok" + (f" ({len(notes)} warning{'s' if len(notes) > 1 else ''})"
                                      if notes else "") + "\n")
    return EXIT_USAGE if failed else EXIT_OK


def cmd_repl(args, out, err) -> int:
    from ..repl.session import Repl

    repl = Repl(variables=_variables(args), secrets=_secrets(args), history=args.history)
    return repl.run()


def cmd_connectors(args, out, err) -> int:
    from ..templates import builtin_names, parse_file

    for name in builtin_names():
        template = parse_file(name)
        out.write(f"{name:12} {template.title or ''}\n")
    return EXIT_OK


def cmd_show(args, out, err) -> int:
    from ..templates import load

    template = load(args.template)
    if template.doc:
        out.write(template.doc + "\n\n")
    out.write(template.summary() + "\n")
    return EXIT_OK


def cmd_worker(args, out, err) -> int:
    from ..integrations.camunda import cli as camunda_cli

    return camunda_cli.run(args, out, err)


COMMANDS = {"eval": cmd_eval, "run": cmd_run, "check": cmd_check, "repl": cmd_repl,
            "connectors": cmd_connectors, "show": cmd_show, "worker": cmd_worker, **authoring.COMMANDS}


def main(argv: Sequence[str] | None = None, *, out=None, err=None) -> int:
    """Run the CLI; returns the exit code (the console script exits with it)."""
    out = out or sys.stdout
    err = err or sys.stderr
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(_command_in(argv))
    try:
        args = parser.parse_args(argv)
        if args.version:
            from .. import __version__
            out.write(f"feelish {__version__}\n")
            return EXIT_OK
        if not args.command:
            parser.print_help(err)
            return EXIT_USAGE
        return COMMANDS[args.command](args, out, err)
    except ConnectorError as exc:
        for warning in exc.warnings:  # what explains the failure (e.g. a never-matching comparison)
            err.write(f"warning: {warning.render()}\n")
        err.write(to_json(exc.to_dict()) + "\n")
        return EXIT_FAILED
    except UsageError as exc:
        err.write(f"feelish: {exc}\n")
        return EXIT_USAGE
    except SourceError as exc:
        problems = getattr(exc, "problems", ()) or (exc,)
        for problem in problems:
            err.write(f"error: {problem}\n")
        return EXIT_USAGE
    except FeelishError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug in feelish, not a user mistake
        if os.environ.get("FEELISH_DEBUG"):
            import traceback  # only for this: not part of every start

            traceback.print_exc(file=err)
        else:
            err.write(f"feelish: internal error ({type(exc).__name__}); set FEELISH_DEBUG=1 "
                      "for the traceback and please report it\n")
        return EXIT_INTERNAL


def run() -> None:
    sys.exit(main())
