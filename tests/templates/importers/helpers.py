"""Shared by the importer tests: read the data files, check and run what an importer wrote."""
from __future__ import annotations

import base64
import json
import urllib.parse
from pathlib import Path

from feelish.connector import Runtime
from feelish.templates import check, loads, run_template

DATA = Path(__file__).resolve().parent / "data"


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def by_name(imported) -> dict:
    """{connector name: Template} after asserting every template parses and checks clean."""
    out = {}
    for one in imported:
        template = loads(one.text, one.filename)
        assert check(template) == []
        assert one.filename == f"{template.name}.feelish"
        out[template.name] = template
    return out


def assert_no_secret(imported) -> None:
    """No credential the source held is written into any template, in any common encoding."""
    for one in imported:
        for value in one.secrets.values():
            if len(value) < 4:
                continue
            forms = {value, json.dumps(value)[1:-1], urllib.parse.quote(value), urllib.parse.quote_plus(value),
                     base64.b64encode(value.encode()).decode()}
            for form in forms:
                assert form not in one.text, f"{one.filename} holds a credential"


def run(template, variables, *, secrets=None, file_roots=()):
    with Runtime(file_roots=file_roots) as runtime:
        return run_template(template, variables, secrets=secrets or {}, runtime=runtime)


def assert_problem(importer, text: str, message: str) -> None:
    """`importer(text)` stops with an ImportProblem whose message holds `message`."""
    from feelish.templates.importers import ImportProblem

    try:
        importer(text)
    except ImportProblem as exc:
        assert message in str(exc), str(exc)
    else:  # pragma: no cover - the assertion below reports it
        raise AssertionError(f"no ImportProblem for {text[:60]!r}")
