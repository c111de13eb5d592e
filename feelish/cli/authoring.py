"""The authoring subcommands: `import` (templates from cURL, OpenAPI, Postman, Camunda), `test`
(saved test cases, offline) and `record` (a live call saved as a test case, secrets redacted)."""
from __future__ import annotations

import os
import sys

from ..repl.inputs import UsageError, build_secrets, collect_variables

SOURCES = ("curl", "openapi", "postman", "camunda")


def add_parsers(sub, add_inputs) -> None:
    p = sub.add_parser("import", help="write templates from a cURL command, OpenAPI, Postman or Camunda")
    p.add_argument("source", choices=SOURCES, help="what the input is")
    p.add_argument("input", help="a file, - for standard input; for curl also the command itself")
    p.add_argument("-o", "--output", default=".", metavar="DIR",
                   help="folder the templates are written to (default: here; - prints them)")
    p.add_argument("--name", help="the connector name (curl only)")
    p.add_argument("--force", action="store_true", help="overwrite existing template files")
    p.add_argument("--secrets-out", metavar="FILE",
                   help="write the credentials found in the input to this dotenv file (mode 600)")

    p = sub.add_parser("test", help="run saved test cases (NAME.tests.json) offline")
    p.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                   help="test files, templates with test files beside them, or folders (default: .)")

    p = sub.add_parser("record", help="run a template live once and save the exchange as a test case")
    p.add_argument("template", help="a template file, or the name of a built-in connector")
    p.add_argument("--name", required=True, help="the test case's name (an existing one is replaced)")
    p.add_argument("--out", metavar="FILE", help="the test file (default: NAME.tests.json beside "
                   "the template; for a built-in, in the current folder)")
    p.add_argument("--file-root", action="append", default=[], metavar="DIR",
                   help="a folder uploads may read files from (default: the current folder)")
    add_inputs(p)


def _read_input(source: str, ref: str) -> str:
    from pathlib import Path  # not loaded by the other commands

    if ref == "-":
        return sys.stdin.read()
    if source == "curl" and ref.lstrip().startswith("curl") and not Path(ref).is_file():
        return ref
    try:
        return Path(ref).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {ref}: {getattr(exc, 'strerror', None) or exc.__class__.__name__}") from None


def cmd_import(args, out, err) -> int:
    from pathlib import Path

    from ..templates.importers import import_source, secrets_file_text

    imported = import_source(args.source, _read_input(args.source, args.input), name=args.name)
    if args.output == "-":
        out.write("\n".join(one.text for one in imported))
    else:
        folder = Path(args.output)
        folder.mkdir(parents=True, exist_ok=True)
        clashes = [one.filename for one in imported if (folder / one.filename).exists()]
        if clashes and not args.force:
            raise UsageError(f"{', '.join(clashes)} already exist{'s' if len(clashes) == 1 else ''} in "
                             f"{folder}; use --force to overwrite")
        for one in imported:
            (folder / one.filename).write_text(one.text, encoding="utf-8")
            out.write(f"wrote {folder / one.filename}\n")
    for one in imported:
        for note in one.notes:
            err.write(f"note: {note}\n")
    names = sorted({name for one in imported for name in one.secrets})
    if names:
        err.write(f"the templates read the secrets {', '.join(names)}\n")
    if args.secrets_out:
        path = Path(args.secrets_out)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # an existing file keeps its mode otherwise
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets_file_text(imported))
        err.write(f"wrote the values found in the input to {path} (keep it private)\n")
    elif any(v for one in imported for v in one.secrets.values()):
        err.write("the input held values for them: --secrets-out FILE writes them to a private file\n")
    return 0


def cmd_test(args, out, err) -> int:
    from ..templates.testcases import run_paths

    results = run_paths(args.paths)
    if not results:
        raise UsageError("no test cases found (files named NAME.tests.json)")
    for result in results:
        out.write(result.line() + "\n")
        if not result.passed:
            out.write("".join(f"    {line}\n" for line in result.message.split("\n")))
    failed = sum(not r.passed for r in results)
    out.write(f"{len(results) - failed} passed, {failed} failed\n")
    return 1 if failed else 0


def cmd_record(args, out, err) -> int:
    from pathlib import Path

    from ..templates import load, resolve
    from ..templates.testcases import cases_path, record_case, save_case

    template = load(args.template)
    variables = collect_variables(args.vars, args.var, args.arg)
    secrets = build_secrets(args.secrets_file, args.secrets_env)
    ref = template.name if template.builtin else resolve(args.template)
    target = Path(args.out or (f"{template.name}.tests.json" if template.builtin else cases_path(ref)))
    case = record_case(template, variables, name=args.name, secrets=secrets, base=target.parent,
                       file_roots=args.file_root or [os.getcwd()])
    saved = save_case(ref, case, target)
    what = f"error {case['error']['code']}" if "error" in case else "outputs"
    out.write(f"recorded {args.name!r} ({len(case['exchanges'])} exchange(s), {what}) in {saved}\n")
    return 0


COMMANDS = {"import": cmd_import, "test": cmd_test, "record": cmd_record}

__all__ = ["COMMANDS", "add_parsers"]
