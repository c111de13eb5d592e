"""Camunda 8 REST connectors -> templates: the REST tasks of a `.bpmn` file (their `zeebe:input`
mappings and `zeebe:taskHeaders`), or element templates (JSON).  `=` values are FEEL and stay
expressions; `{{secrets.X}}` becomes `<<secrets.X>>`; the process variables an expression reads
become inputs; Camunda's field names are the runtime's (aliases such as `clientTls.*` are kept)."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from ...language import compile as compile_expression
from ...errors import FeelishError
from .. import fields as F
from ..checker import CONNECTOR_FUNCTIONS
from .shared import is_credential_name
from .writer import (Draft, DraftInput, Expr, Imported, ImportProblem, identifier, key_text, literal,
                     replace_outside_strings, slug, write)

ZEEBE = "http://camunda.org/schema/zeebe/1.0"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
#: Camunda's `{{secrets.NAME}}` reference (also read by the Camunda job worker)
BRACED_SECRET = re.compile(r"\{\{\s*secrets\.([A-Za-z0-9]+(?:[/._-][A-Za-z0-9]+)*)\s*\}\}")
_OLD_SECRET = re.compile(r"secrets\.([A-Za-z0-9_]+)")
#: Camunda inputs with no runtime equivalent that can be dropped (the runtime decides itself)
_DROPPED = {"storeResponse": "responses are kept inline or as documents by size and type",
            "groupSetCommaSeparated": "feelish sends repeated headers as given",
            "writeTimeoutInSeconds": "feelish has connect and read timeouts only"}
#: inputs whose plain (non-FEEL) text Camunda reads as JSON when it is JSON
_JSON_TEXT = ("headers", "queryParameters", "body")
_KIND = {"Boolean": "boolean", "Number": "number", "String": "string", "Text": "string",
         "Dropdown": "string"}


def is_rest_type(task_type: str | None) -> bool:
    return bool(task_type) and task_type.startswith("io.camunda:http-json")


# ----------------------------------------------------------------------------- values


def feel_text(text: str) -> str:
    """Camunda FEEL -> feelish: `{{secrets.X}}` inside a string is `<<secrets.X>>`, outside a
    string it becomes the string `"<<secrets.X>>"`."""
    def placeholder(match: re.Match, in_string: bool) -> str:
        text = f"<<secrets.{match.group(1)}>>"
        return text if in_string else f'"{text}"'
    return replace_outside_strings(text, BRACED_SECRET, placeholder)


def text_literal(text: str) -> str:
    """A plain (non-FEEL) Camunda value -> a string literal; `{{secrets.X}}` and a whole-value
    `secrets.X` (the 8.0 form) become placeholders."""
    if _OLD_SECRET.fullmatch(text.strip()):
        return f'"<<secrets.{text.strip()[8:]}>>"'
    pieces = []
    for i, part in enumerate(BRACED_SECRET.split(text)):
        if i % 2:
            pieces.append(f"<<secrets.{part}>>")
        else:
            pieces.append(part.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                          .replace("<<", "<\\<"))
    return '"' + "".join(pieces) + '"'


def _json_literal(value: Any) -> str:
    """Parsed JSON -> an expression; strings keep their `{{secrets.X}}` as placeholders."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key_text(str(k))}: {_json_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_json_literal(v) for v in value) + "]"
    return text_literal(value) if isinstance(value, str) else literal(value)


class _Task:
    """One connector being converted: collects fields, and the variables its expressions read."""

    def __init__(self, draft: Draft, where: str) -> None:
        self.draft, self.where = draft, where
        self.variables: dict[str, str] = {}

    def value(self, field: str, raw: str | None, after_call: bool = False) -> Expr | None:
        if raw is None:
            return None
        stripped = raw.strip()
        if stripped.startswith("="):
            text = feel_text(stripped[1:].strip())
            try:
                names = compile_expression(text).names
            except FeelishError as exc:
                raise ImportProblem(f"{self.where}: {field}: the FEEL expression does not parse "
                                    f"({exc.message})") from None
            hidden = {"response", "error"} if after_call else set()
            for name in sorted(set(names) - hidden - {"context"} - CONNECTOR_FUNCTIONS):
                self.variable(name, field)
            return Expr(text)
        spec = F.spec(field)
        if spec is not None and spec.kind in ("number", "boolean") and stripped:
            literal = stripped.lower() if spec.kind == "boolean" else stripped
            if (spec.kind == "boolean" and literal in ("true", "false")) or \
                    re.fullmatch(r"-?\d+(\.\d+)?", literal):
                return Expr(literal)
        if field in _JSON_TEXT and stripped[:1] in ("{", "["):  # Camunda parses JSON text there
            try:
                return Expr(_json_literal(json.loads(stripped)))
            except ValueError:
                pass
        return Expr(text_literal(raw))

    def variable(self, name: str, field: str) -> None:
        if name in self.variables or name in self.draft.input_names():
            return
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or name != identifier(name):
            raise ImportProblem(f"{self.where}: {field} reads the variable {name!r}, which cannot be "
                                "a template input name")
        self.variables[name] = field
        self.draft.inputs.append(_input(name, field))

    def field(self, name: str, value: Expr | None) -> None:
        if value is None:
            return
        if name in _DROPPED:
            self.draft.notes.append(f"{self.where}: {name} dropped: {_DROPPED[name]}")
            return
        if name == "resultVariable":
            text = value.text.strip()
            if not re.fullmatch(r'"[^"\\]+"', text):
                raise ImportProblem(f"{self.where}: resultVariable must be a plain name")
        elif F.spec(name) is None:
            self.local(name, value)
            return
        self.draft.fields.append((name, value))

    def local(self, name: str, value: Expr | None) -> None:
        """A mapping to a name that is no field: a local variable later mappings read; it becomes
        an input whose default is the mapped value."""
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or identifier(name) != name:
            raise ImportProblem(f"{self.where}: {name!r} is neither a connector field nor a variable name")
        if name in self.variables or name in self.draft.input_names():
            raise ImportProblem(f"{self.where}: the local variable {name!r} is read before it is mapped")
        self.variables[name] = name
        self.draft.inputs.append(DraftInput(name, "any", doc="a local variable of the input mappings",
                                            default=value))


def _input(name: str, field: str) -> DraftInput:
    return DraftInput(name, "any", doc=f"process variable (read by {field})")


# ----------------------------------------------------------------------------- BPMN


def import_bpmn(text: str) -> list[Imported]:
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():  # BPMN needs neither: no entity tricks
        raise ImportProblem("BPMN file: a DOCTYPE or ENTITY declaration is not accepted")
    try:
        root = ET.fromstring(text.encode("utf-8") if isinstance(text, str) else text)
    except ET.ParseError as exc:
        line, column = exc.position
        raise ImportProblem(f"BPMN file: not well-formed XML at line {line}, column {column + 1}") from None
    if root.tag != f"{{{BPMN}}}definitions":
        raise ImportProblem("BPMN file: the root element is not bpmn:definitions")
    out: list[Imported] = []
    taken: set[str] = set()
    for element in root.iter():
        definition = element.find(f"{{{BPMN}}}extensionElements/{{{ZEEBE}}}taskDefinition")
        if definition is None or not is_rest_type(definition.get("type")):
            continue
        task_id = element.get("id") or "task"
        where = f"task {task_id!r}" + (f" ({element.get('name')})" if element.get("name") else "")
        name, n = slug(element.get("name") or task_id), 2
        while name in taken:
            name, n = f"{slug(element.get('name') or task_id)}-{n}", n + 1
        taken.add(name)
        draft = Draft(name, element.get("name") or task_id,
                      [f"Imported from the BPMN task {task_id}" + (f" ({element.get('name')})"
                                                                 if element.get("name") else "") + "."])
        task = _Task(draft, where)
        extensions = element.find(f"{{{BPMN}}}extensionElements")
        for mapping in extensions.iter(f"{{{ZEEBE}}}input"):
            target = mapping.get("target")
            if not target:
                raise ImportProblem(f"{where}: an input mapping without a target")
            task.field(target, task.value(target, mapping.get("source")))
        for header in extensions.iter(f"{{{ZEEBE}}}header"):
            key = header.get("key") or ""
            if key in ("elementTemplateVersion", "elementTemplateId"):
                continue
            if key == "retryBackoff":
                task.field("retryBackoff", Expr(text_literal(header.get("value") or "PT0S")))
                continue
            task.field(key, _header_value(task, key, header.get("value")))
        if definition.get("retries"):
            draft.notes.append(f"{where}: the job's retries ({definition.get('retries')}) are the "
                               "engine's; set `retries` for the call's own")
        _require_url(task)
        out.append(write(draft, where))
    if not out:
        raise ImportProblem("BPMN file: no REST connector tasks (zeebe:taskDefinition type "
                            "io.camunda:http-json:1)")
    return out


def _header_value(task: _Task, key: str, value: str | None) -> Expr | None:
    if value is None or not value.strip():
        return None
    if key == "resultVariable":
        return Expr(text_literal(value.strip()))
    if key in ("resultExpression", "errorExpression"):
        if not value.strip().startswith("="):
            raise ImportProblem(f"{task.where}: {key} must be a FEEL expression (starting with =)")
        return task.value(key, value, after_call=True)
    return task.value(key, value)


def _require_url(task: _Task) -> None:
    if not any(k == "url" for k, _ in task.draft.fields):
        raise ImportProblem(f"{task.where}: no url input mapping")


# ----------------------------------------------------------------------------- element templates


def import_element_templates(text: str) -> list[Imported]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ImportProblem(f"element template: not valid JSON ({exc})") from None
    templates = data if isinstance(data, list) else [data]
    out, taken = [], set()
    for index, template in enumerate(templates):
        if not isinstance(template, dict) or not isinstance(template.get("properties"), list):
            raise ImportProblem(f"element template #{index + 1}: expected an object with 'properties'")
        label = template.get("name") or template.get("id") or f"#{index + 1}"
        where = f"element template {label!r}"
        name, n = slug(template.get("id") or label), 2
        while name in taken:
            name, n = f"{slug(template.get('id') or label)}-{n}", n + 1
        taken.add(name)
        doc = [f"Imported from the Camunda element template {template.get('id', label)}"
               + (f" (version {template['version']})" if "version" in template else "") + "."]
        if template.get("description"):
            doc.append(str(template["description"]))
        draft = Draft(name, str(label), doc)
        _properties(_Task(draft, where), template["properties"])
        out.append(write(draft, where))
    return out


def _properties(task: _Task, properties: list) -> None:
    seen: dict[str, str] = {}
    rest = False
    for prop in properties:
        binding = prop.get("binding") or {}
        kind = binding.get("type")
        if kind == "zeebe:taskDefinition:type" or (kind == "zeebe:taskDefinition" and
                                                   binding.get("property") == "type"):
            rest = rest or is_rest_type(prop.get("value"))
            continue
        if kind == "zeebe:input":
            field = binding.get("name") or ""
        elif kind == "zeebe:taskHeader":
            field = binding.get("key") or ""
        else:
            continue  # outputs, properties, retries: not part of a template
        if field in seen or field in ("elementTemplateVersion", "elementTemplateId"):
            continue
        where = f"property {prop.get('id') or prop.get('label') or field!r} ({field})"
        if field not in _DROPPED and field != "resultVariable" and F.spec(field) is None and \
                (not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", field) or identifier(field) != field):
            raise ImportProblem(f"{task.where}: {where}: field {field!r} has no feelish equivalent")
        value = prop.get("value")
        after = field in F.AFTER_CALL_NAMES
        if prop.get("type") == "Hidden" or after:
            raw = None if value is None else str(value).lower() if isinstance(value, bool) else str(value)
            if after and raw is not None and field != "resultVariable" and not raw.startswith("="):
                raw = "=" + raw
            expr = (_header_value(task, field, raw) if kind == "zeebe:taskHeader"
                    else task.value(field, raw, after_call=after))
            task.field(field, expr)
            seen[field] = field
            continue
        seen[field] = _editable(task, prop, field, value)
    if not rest:
        task.draft.notes.append(f"{task.where}: not a REST connector template (task type "
                                "io.camunda:http-json:1); converted by field names")
    _require_url(task)


def _editable(task: _Task, prop: dict, field: str, value: Any) -> str:
    """A property the modeler fills in: an input of the template, used as the field."""
    constraints = prop.get("constraints") or {}
    conditional = "condition" in prop
    required = bool(constraints.get("notEmpty")) and not conditional and value is None
    feel = prop.get("feel") in ("required", "optional")
    kind = "any" if feel and prop.get("type") not in ("Boolean", "Number") else _KIND.get(prop.get("type"), "any")
    doc = " ".join(str(x) for x in (prop.get("label"), prop.get("description")) if x)
    if prop.get("choices"):
        doc += " (one of: " + ", ".join(str(c.get("value")) for c in prop["choices"]) + ")"
    default = None
    if isinstance(value, str) and value.startswith("="):
        default = task.value(field, value)
    elif value is not None:
        default = value
    secret = is_credential_name(field.rsplit(".", 1)[-1]) or field == "authentication.value"
    name = task.draft.add_input(field, type=kind, required=required, secret=secret,
                                doc=doc or None, default=default)
    if field in _DROPPED:
        task.draft.notes.append(f"{task.where}: {field} dropped: {_DROPPED[field]}")
        task.draft.inputs = [i for i in task.draft.inputs if i.name != name]
        return name
    if F.spec(field) is not None:  # else a local variable other mappings read: the input is it
        task.draft.fields.append((field, Expr(name)))
    return name


def import_camunda(text: str) -> list[Imported]:
    """A `.bpmn` file (XML) or element templates (JSON), told apart by the first character."""
    return import_element_templates(text) if text.lstrip()[:1] in ("{", "[") else import_bpmn(text)
