"""Saved test cases of a template (`NAME.tests.json` beside `NAME.feelish`; docs/templates.md):
`run_case` replays the recorded responses offline and compares outputs or the error, with a diff;
`record_case` runs a template live once and returns the exchange as a case, secrets redacted.
"""
from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConnectorError, FeelishError, TemplateError
from ..language.codec import from_json_text, json_text, to_json_value
from ..taint import masked
from ..secrets import REDACTED, as_provider, iter_secret_names
from .binding import bind_inputs, secret_input_values
from .exchanges import ReplayTransport, UnexpectedRequest, recording_runtime, replay_runtime
from .library import load, resolve
from .model import Template
from .redaction import redact_case
from .runner import run_template

SUFFIX = ".tests.json"
#: failures a replay cannot reproduce (no response came back): a recording stops with them
_UNREPLAYABLE = frozenset({"CONNECTION_ERROR", "CONNECTION_FAILED", "TIMEOUT", "TLS_ERROR", "PROXY_ERROR",
                           "CERTIFICATE", "INPUT_ERROR", "DOCUMENT_ERROR"})


@dataclass(slots=True)
class CaseResult:
    file: str
    name: str
    passed: bool
    message: str = ""   # why it failed: a diff of expected and actual, or the problem

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'} {self.file} :: {self.name}"


@dataclass(slots=True)
class TestFile:
    path: Path
    template: Template
    cases: list[dict[str, Any]] = field(default_factory=list)


def cases_path(template_path: str | Path) -> Path:
    path = Path(template_path)
    return path.with_name(path.name.removesuffix(".feelish") + SUFFIX)


def _template_for(path: Path, data: Mapping[str, Any]) -> Template:
    ref = data.get("template")
    if ref is None:
        sibling = path.with_name(path.name.removesuffix(SUFFIX) + ".feelish")
        ref = str(sibling) if sibling.is_file() else path.name.removesuffix(SUFFIX)
    elif not isinstance(ref, str):
        raise TemplateError(f"{path}: 'template' must be a file name or a built-in connector name")
    elif ref.endswith(".feelish") or "/" in ref:
        ref = str(path.parent / ref)
    return load(ref)


def load_file(path: str | Path) -> TestFile:
    """Read a `.tests.json` file and load its template; raises TemplateError naming the problem."""
    path = Path(path)
    try:
        data = from_json_text(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"cannot read {path}: {exc.__class__.__name__}") from None
    except ValueError as exc:
        raise TemplateError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise TemplateError(f"{path}: expected an object with a 'cases' list")
    for index, case in enumerate(data["cases"], 1):
        problem = _case_problem(case)
        if problem:
            raise TemplateError(f"{path}: case {index}: {problem}")
    return TestFile(path, _template_for(path, data), list(data["cases"]))


def _case_problem(case: Any) -> str | None:
    if not isinstance(case, dict):
        return "a case is an object"
    if not isinstance(case.get("name"), str):
        return "a case needs a 'name'"
    if ("outputs" in case) == ("error" in case):
        return "a case expects either 'outputs' or an 'error'"
    if "exchanges" in case:
        if not isinstance(case["exchanges"], list):
            return "'exchanges' must be a list"
    elif "response" not in case:
        return "a case needs 'exchanges' (or one 'response')"
    for key in ("variables", "secrets"):
        if key in case and not isinstance(case[key], dict):
            return f"'{key}' must be an object"
    return None


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """`.tests.json` files named, beside named templates, or below named folders."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(path.rglob(f"*{SUFFIX}"))
        elif path.name.endswith(SUFFIX):
            found.append(path)
        else:
            sibling = cases_path(resolve(raw))
            if not sibling.is_file():
                raise TemplateError(f"{raw}: no test cases ({sibling.name} does not exist)")
            found.append(sibling)
    return list(dict.fromkeys(found))


# ----------------------------------------------------------------------------- running


def _plain(value: Any) -> Any:
    """JSON data with exact numbers, for comparing outputs (1 == 1.0; 0.1 stays 0.1); a value
    computed from a secret is `***` (a test case never records, nor prints, a secret)."""
    return json.loads(json.dumps(to_json_value(masked(value), floats=False), default=str),
                      parse_float=str)


def _pretty(value: Any) -> list[str]:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str).split("\n")


def _diff(expected: Any, actual: Any, what: str) -> str:
    lines = difflib.unified_diff(_pretty(expected), _pretty(actual), f"expected {what}", f"actual {what}",
                                 lineterm="", n=2)
    return "\n".join(lines)


def stand_in_secrets(template: Template, case: Mapping[str, Any]) -> dict[str, str]:
    """The secrets of a replay: the case's own, else `***` for each name the template uses
    (recorded exchanges hold `***` wherever a secret was)."""
    given = dict(case.get("secrets") or {})
    for name in iter_secret_names(template.source):
        given.setdefault(name, REDACTED)
    return given


def _file_variables(case: Mapping[str, Any], base: Path) -> tuple[dict[str, Any], list[Path]]:
    """The case's variables, with `fileVariables` (paths relative to the test file) made absolute;
    and the folders uploads may read from."""
    variables = dict(case.get("variables") or {})
    roots = []
    for key in case.get("fileVariables") or ():
        if isinstance(variables.get(key), str):
            path = (base / variables[key]).resolve()
            variables[key] = str(path)
            roots.append(path.parent)
    return variables, roots


def run_case(template: Template, case: Mapping[str, Any], *, file: str = "",
             base: str | Path = ".") -> CaseResult:
    """Replay one case offline and compare; never raises for a failing case.  `base`: the folder
    the case's file variables are relative to (the test file's)."""
    name = str(case.get("name"))
    exchanges = case.get("exchanges")
    if exchanges is None:
        exchanges = [{"response": case.get("response") or {}}]
    transport = ReplayTransport(list(exchanges))
    variables, roots = _file_variables(case, Path(base))
    runtime = replay_runtime(transport, file_roots=roots)
    try:
        outcome = run_template(template, variables, secrets=stand_in_secrets(template, case),
                               runtime=runtime)
    except UnexpectedRequest as exc:
        return CaseResult(file, name, False, str(exc))
    except ConnectorError as exc:
        if "error" not in case:
            return CaseResult(file, name, False, f"the call failed: {exc.code}: {exc.message}")
        actual = {"code": exc.code, "message": exc.message}
        expected = dict(case["error"])
        if "message" not in expected:
            actual.pop("message")
        actual = _plain(actual)
        if actual != _plain(expected):
            return CaseResult(file, name, False, _diff(_plain(expected), actual, "error"))
        return _all_used(file, name, transport, exchanges)
    except FeelishError as exc:
        return CaseResult(file, name, False, f"{exc.__class__.__name__}: {exc}")
    finally:
        runtime.close()
    if "error" in case:
        return CaseResult(file, name, False, "expected the error "
                          f"{case['error'].get('code')!r}, but the call succeeded")
    ignored = set(case.get("ignore") or ())
    actual = _plain({k: v for k, v in outcome.outputs.items() if k not in ignored})
    expected = _plain({k: v for k, v in (case.get("outputs") or {}).items() if k not in ignored})
    if actual != expected:
        return CaseResult(file, name, False, _diff(expected, actual, "outputs"))
    return _all_used(file, name, transport, exchanges)


def _all_used(file: str, name: str, transport: ReplayTransport, exchanges: list) -> CaseResult:
    if len(transport.sent) < len(exchanges):
        return CaseResult(file, name, False, f"only {len(transport.sent)} of the {len(exchanges)} recorded "
                          "requests were sent")
    return CaseResult(file, name, True)


def run_file(test_file: TestFile) -> list[CaseResult]:
    return [run_case(test_file.template, case, file=str(test_file.path), base=test_file.path.parent)
            for case in test_file.cases]


def run_paths(paths: Iterable[str | Path]) -> list[CaseResult]:
    """Every case of every file found under `paths` (a file that cannot be loaded is one failure)."""
    results: list[CaseResult] = []
    for path in find_files(paths):
        try:
            test_file = load_file(path)
        except TemplateError as exc:
            results.append(CaseResult(str(path), "(file)", False, exc.render() if exc.source else exc.message))
            continue
        results += run_file(test_file)
    return results


# ----------------------------------------------------------------------------- recording


def record_case(template: Template, variables: Mapping[str, Any] | None, *, name: str,
                secrets: Any = None, base: str | Path | None = None, **runtime_options) -> dict[str, Any]:
    """Run the template live once; the case (exchanges, outputs or error) with every secret value,
    secret input, credential header and obtained token redacted.  String variables naming an
    existing file are stored relative to `base` (the test file's folder) as `fileVariables`."""
    log: list[dict[str, Any]] = []
    runtime = recording_runtime(log, **runtime_options)
    provider = as_provider(secrets)
    known = [provider.get(n) for n in set(iter_secret_names(template.source))]
    known += secret_input_values(template, bind_inputs(template, variables, secrets=secrets))
    case: dict[str, Any] = {"name": name, "variables": to_json_value(dict(variables or {}))}
    try:
        outcome = run_template(template, variables, secrets=secrets, runtime=runtime)
    except ConnectorError as exc:
        if exc.code in _UNREPLAYABLE or not log:  # nothing came back: there is no exchange to save
            raise
        case["error"] = {"code": exc.code, "message": exc.message}
        used: list[str] = []
    else:
        case["outputs"] = to_json_value(outcome.outputs)
        used = list(outcome.secret_values)
        if outcome.token:
            used += [str(v) for k, v in outcome.token.items() if k in ("access_token", "refresh_token") and v]
    finally:
        runtime.close()
    case["exchanges"] = log
    if base is not None:
        _relative_files(case, Path(base))
    return redact_case(case, [v for v in [*known, *used] if isinstance(v, str) and v])


def _relative_files(case: dict[str, Any], base: Path) -> None:
    files = []
    for key, value in case["variables"].items():
        if isinstance(value, str) and value and Path(value).is_file():
            case["variables"][key] = os.path.relpath(Path(value).resolve(), base.resolve()).replace(os.sep, "/")
            files.append(key)
    if files:
        case["fileVariables"] = files


def save_case(template_ref: str | Path, case: Mapping[str, Any], out: str | Path | None = None) -> Path:
    """Add (or replace, by name) a case in a `.tests.json` file (default: beside the template);
    `template_ref` is a template file or a built-in connector's name.  Returns the file's path."""
    path = Path(out) if out else cases_path(template_ref)
    ref = str(template_ref)
    if ref.endswith(".feelish") or "/" in ref or os.sep in ref:
        ref = os.path.relpath(Path(ref).resolve(), path.parent.resolve()).replace(os.sep, "/")
    data: dict[str, Any] = {"template": ref, "cases": []}
    if path.is_file():
        try:
            data = from_json_text(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise TemplateError(f"{path}: not valid JSON ({exc}); nothing was saved") from None
    cases = [c for c in data.get("cases", []) if c.get("name") != case["name"]]
    data["cases"] = [*cases, dict(case)]
    path.write_text(json_text(data, indent=2) + "\n", encoding="utf-8")  # numbers exactly
    return path
