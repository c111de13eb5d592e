"""An OpenAPI 3.x document (JSON, or YAML with PyYAML: `feelish[import]`) -> one template per
operation: a base URL input, path, query, header and cookie parameters as typed inputs, the request
body (one input per property of an object schema), and the security scheme as authentication with
secret placeholders."""
from __future__ import annotations

import json
from typing import Any

from .shared import RESULT, Building
from .writer import Draft, Expr, Imported, ImportProblem, slug, string_literal, write

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
#: the largest document an importer reads, and the most YAML aliases it accepts
MAX_DOCUMENT = 32 * 1024 * 1024
MAX_ALIASES = 1000
_SCALARS = {"integer": "number", "number": "number", "string": "string", "boolean": "boolean",
            "object": "context", "array": "list"}


def load_document(text: str, what: str) -> Any:
    """JSON, else YAML (PyYAML, the `import` extra); errors name `what`."""
    if len(text) > MAX_DOCUMENT:
        raise ImportProblem(f"{what}: larger than {MAX_DOCUMENT // 1024 // 1024} MiB")
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise ImportProblem(f"{what}: not valid JSON ({exc})") from None
    try:
        import yaml
    except ImportError:
        raise ImportProblem(f"{what}: YAML needs PyYAML (pip install 'feelish[import]'), "
                            "or give the document as JSON") from None
    try:
        aliases = sum(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader))
        if aliases > MAX_ALIASES:  # anchors re-used without bound ("billion laughs")
            raise ImportProblem(f"{what}: more than {MAX_ALIASES} YAML aliases")
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ImportProblem(f"{what}: not valid YAML{where}") from None


class _Doc:
    def __init__(self, doc: Any) -> None:
        if not isinstance(doc, dict):
            raise ImportProblem("OpenAPI document: the top level must be an object")
        version = str(doc.get("openapi", ""))
        if not version.startswith("3."):
            found = f"swagger {doc['swagger']}" if "swagger" in doc else repr(version or None)
            raise ImportProblem(f"OpenAPI document: version {found} is not supported (OpenAPI 3.x only)")
        if not isinstance(doc.get("paths"), dict):
            raise ImportProblem("OpenAPI document: 'paths' is missing or not an object")
        self.doc = doc

    def resolve(self, node: Any, where: str, seen: tuple[str, ...] = ()) -> Any:
        """Follow local `$ref`s (`#/components/...`); a remote or broken reference is an error."""
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                raise ImportProblem(f"{where}: reference {ref!r} is not local (only #/... is supported)")
            if ref in seen:
                return {}  # a recursive schema: described as any
            seen += (ref,)
            target: Any = self.doc
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or part not in target:
                    raise ImportProblem(f"{where}: reference {ref!r} points at nothing")
                target = target[part]
            node = target
        return node


def import_openapi(text: str) -> list[Imported]:
    """Every operation of the document, in document order."""
    doc = _Doc(load_document(text, "OpenAPI document"))
    out: list[Imported] = []
    names: set[str] = set()
    for path, item in doc.doc["paths"].items():
        item = doc.resolve(item, f"path {path}")
        if not isinstance(item, dict):
            raise ImportProblem(f"path {path}: not an object")
        for method in METHODS:
            if method in item:
                where = f"operation {method.upper()} {path}"
                op = doc.resolve(item[method], where)
                if not isinstance(op, dict):
                    raise ImportProblem(f"{where}: not an object")
                draft = _operation(doc, path, method, item, op, where, names)
                names.add(draft.name)
                out.append(write(draft, where))
    if not out:
        raise ImportProblem("OpenAPI document: no operations under 'paths'")
    return out


def _server(doc: _Doc, item: dict, op: dict) -> str | None:
    servers = op.get("servers") or item.get("servers") or doc.doc.get("servers") or []
    if not servers or not isinstance(servers[0], dict) or not servers[0].get("url"):
        return None
    url = str(servers[0]["url"])
    for name, var in (servers[0].get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(var.get("default", "")))
    return url.rstrip("/") if url.startswith(("http://", "https://")) else None


def _operation(doc: _Doc, path: str, method: str, item: dict, op: dict, where: str,
               taken: set[str]) -> Draft:
    name = slug(op.get("operationId") or f"{method} {path}")
    base_name, n = name, 2
    while name in taken:
        name, n = f"{base_name}-{n}", n + 1
    info = doc.doc.get("info") or {}
    title = op.get("summary") or op.get("operationId") or f"{method.upper()} {path}"
    lines = [f"{info.get('title', 'API')}: {method.upper()} {path}"]
    if op.get("description"):
        lines += [""] + str(op["description"]).strip().split("\n")[:6]
    if op.get("deprecated"):
        lines.append("Deprecated by the API.")
    draft = Draft(name, title, ["Imported from an OpenAPI document.", *lines])
    draft.fields.append(("method", method.upper()))
    b = Building(draft)
    server = _server(doc, item, op)
    base = draft.add_input("baseUrl", type="string", doc="Base URL of the API", default=server,
                           required=server is None)
    params = _parameters(doc, item, op, where)
    path_inputs = {}
    for p in params:
        location, pname = p["in"], p["name"]
        ptype, schema = _type(doc, p.get("schema") or {}, f"{where} parameter {pname}")
        required = bool(p.get("required")) or location == "path"
        default = schema.get("default") if not required else None
        input_name = draft.add_input(pname, type=ptype, required=required, default=default,
                                     doc=_describe(p.get("description") or schema.get("description"), schema))
        value = Expr(input_name)
        if location == "path":
            path_inputs[pname] = (input_name, ptype)
        elif location == "query":
            if ptype.startswith("list") and p.get("explode") is False:
                value = Expr(f'if {input_name} = null then null else string join({input_name}, ",")')
            b.queries[pname] = value
        elif location == "header":
            b.headers[pname] = value
        elif location == "cookie":
            b.cookies[pname] = value
    b.url_expr = _url(base, path, path_inputs, where)
    _body(doc, b, op, where)
    _security(doc, b, op, where, base)
    b.result = RESULT
    b.finish()
    return draft


def _parameters(doc: _Doc, item: dict, op: dict, where: str) -> list[dict]:
    merged: dict[tuple[str, str], dict] = {}
    for raw in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
        p = doc.resolve(raw, f"{where} parameter")
        if not isinstance(p, dict) or "name" not in p or p.get("in") not in ("path", "query", "header", "cookie"):
            raise ImportProblem(f"{where}: a parameter needs a name and 'in' (path, query, header, cookie)")
        if p["in"] == "header" and p["name"].lower() in ("accept", "content-type", "authorization"):
            continue  # OpenAPI ignores these as parameters
        merged[(p["in"], p["name"])] = p
    return list(merged.values())


def _url(base: str, path: str, path_inputs: dict, where: str) -> Expr:
    pieces = [base]
    rest = path
    while "{" in rest:
        before, _, after = rest.partition("{")
        pname, close, rest = after.partition("}")
        if not close or pname not in path_inputs:
            raise ImportProblem(f"{where}: path parameter {{{pname}}} is not declared")
        if before:
            pieces.append(string_literal(before))
        input_name, ptype = path_inputs[pname]
        pieces.append(input_name if ptype == "string" else f"string({input_name})")
    if rest:
        pieces.append(string_literal(rest))
    return Expr(" + ".join(pieces))


def _type(doc: _Doc, schema: Any, where: str, depth: int = 0) -> tuple[str, dict]:
    schema = doc.resolve(schema, where)
    if not isinstance(schema, dict) or depth > 16:  # a recursive schema ends as `any`
        return "any", {}
    if isinstance(schema.get("allOf"), list) and "type" not in schema:
        schema = _all_of(doc, schema, where, depth)
    kind = schema.get("type")
    if isinstance(kind, list):  # OpenAPI 3.1: ["string", "null"]
        kind = next((k for k in kind if k != "null"), None)
    if kind == "array":
        item, _ = _type(doc, schema.get("items") or {}, where, depth + 1)
        return ("list" if item in ("any", "context") or item.startswith("list") else f"list<{item}>"), schema
    return _SCALARS.get(kind, "any"), schema


def _all_of(doc: _Doc, schema: dict, where: str, depth: int) -> dict:
    """`allOf` of object schemas -> one object schema (properties and required lists merged)."""
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for part in schema["allOf"]:
        _, resolved = _type(doc, part, where, depth + 1)
        if resolved.get("type") not in (None, "object"):
            return schema  # not objects: described as any
        properties.update(resolved.get("properties") or {})
        required += list(resolved.get("required") or ())
    return {**merged, "type": "object", "properties": properties, "required": required}


def _describe(text: Any, schema: dict) -> str | None:
    parts = [" ".join(str(text).split())] if text else []
    if isinstance(schema.get("enum"), list):
        parts.append("one of: " + ", ".join(map(str, schema["enum"])))
    return "; ".join(parts) or None


def _body(doc: _Doc, b: Building, op: dict, where: str) -> None:
    if "requestBody" not in op:
        return
    body = doc.resolve(op["requestBody"], f"{where} requestBody")
    content = body.get("content") if isinstance(body, dict) else None
    if not isinstance(content, dict) or not content:
        raise ImportProblem(f"{where} requestBody: no content types")
    order = sorted(content, key=lambda c: (not c.split(";")[0].strip().endswith("json"),
                                           "x-www-form-urlencoded" not in c, "multipart" not in c))
    ctype = order[0]
    schema_where = f"{where} requestBody {ctype}"
    kind, schema = _type(doc, (content[ctype] or {}).get("schema") or {}, schema_where)
    required = bool(body.get("required"))
    b.content_type.set(ctype)
    props = schema.get("properties")
    if kind == "context" and isinstance(props, dict) and props:
        wanted = set(schema.get("required") or ())
        values: dict[str, Any] = {}
        for pname, pschema in props.items():
            ptype, resolved = _type(doc, pschema, f"{schema_where} property {pname}")
            if resolved.get("readOnly"):
                continue
            is_required = required and pname in wanted
            if resolved.get("format") == "binary" and "multipart" in ctype:
                path = b.draft.add_input(f"{pname} path", type="string", required=is_required,
                                         doc=f"path of the file sent as {pname}")
                values[pname] = Expr(f'if {path} = null then null else {{kind: "document", path: {path}}}')
                continue
            values[pname] = Expr(b.draft.add_input(
                pname, type=ptype, required=is_required,
                default=None if is_required else resolved.get("default"),
                doc=_describe(resolved.get("description"), resolved)))
        b.body = values
        if any(not (required and p in wanted) for p in values):
            b.settings["ignoreNullValues"] = True
    elif schema.get("format") == "binary" or ctype == "application/octet-stream":
        path = b.draft.add_input("body path", type="string", required=required,
                                 doc="path of the file sent as the body")
        b.body = Expr(f'if {path} = null then null else {{kind: "document", path: {path}}}')
    else:
        b.body = Expr(b.draft.add_input("body", type=kind, required=required,
                                        doc=_describe(schema.get("description"), schema)))


def _security(doc: _Doc, b: Building, op: dict, where: str, base: str) -> None:
    requirements = op["security"] if "security" in op else doc.doc.get("security") or []
    schemes = ((doc.doc.get("components") or {}).get("securitySchemes")) or {}
    for requirement in requirements:
        if not requirement:
            return  # `{}`: anonymous access is allowed
        scheme_name, scopes = next(iter(requirement.items()))
        if scheme_name not in schemes:
            raise ImportProblem(f"{where}: security scheme {scheme_name!r} is not defined")
        scheme = doc.resolve(schemes[scheme_name], f"security scheme {scheme_name}")
        _scheme(b, scheme_name, scheme, scopes or [], base)
        if len(requirement) > 1:
            b.draft.notes.append(f"{where}: only the first scheme of a combined requirement is used "
                                 f"({scheme_name})")
        return


def _scheme(b: Building, name: str, scheme: dict, scopes: list, base: str) -> None:
    kind = scheme.get("type")
    d, auth, where = b.draft, b.auth, f"security scheme {name}"
    if kind == "http":
        http = str(scheme.get("scheme", "")).lower()
        if http in ("basic", "digest"):
            auth.update(type=http, username=d.secret(f"{name}_USERNAME", ""),
                        password=d.secret(f"{name}_PASSWORD", ""))
        elif http == "bearer":
            auth.update(type="bearer", token=d.secret(f"{name}_TOKEN", ""))
        else:
            raise ImportProblem(f"{where}: HTTP scheme {http!r} is not supported (basic, digest, bearer)")
    elif kind == "apiKey":
        where_in, key = scheme.get("in"), scheme.get("name")
        if where_in == "cookie":
            b.cookies[key] = d.secret(name, "")
        elif where_in in ("header", "query") and key:
            auth.update(type="apiKey", name=key, value=d.secret(name, ""),
                        apiKeyLocation="headers" if where_in == "header" else "query")
        else:
            raise ImportProblem(f"{where}: an apiKey scheme needs a name and in: header, query or cookie")
    elif kind == "oauth2":
        flows = scheme.get("flows") or {}
        flow = next((f for f in ("clientCredentials", "password") if f in flows), None)
        if flow is None:
            auth.update(type="bearer", token=d.secret(f"{name}_TOKEN", ""))
            d.notes.append(f"{where}: the {'/'.join(flows) or 'given'} flow needs a user; the template "
                           "takes an access token obtained beforehand")
            return
        url = str(flows[flow].get("tokenUrl", ""))
        if url.startswith(("http://", "https://")):  # another host: an input, so each environment can say
            endpoint = Expr(d.add_input("tokenUrl", type="string", default=url, doc=f"token endpoint of {name}"))
        else:
            endpoint = Expr(f"{base} + {string_literal(url)}")
        auth.update(type="oauth-client-credentials-flow" if flow == "clientCredentials" else "oauth2-password",
                    oauthTokenEndpoint=endpoint, clientId=d.secret(f"{name}_CLIENT_ID", ""),
                    clientSecret=d.secret(f"{name}_CLIENT_SECRET", ""))
        if flow == "password":
            auth.update(username=d.secret(f"{name}_USERNAME", ""), password=d.secret(f"{name}_PASSWORD", ""))
        if scopes:
            auth["scopes"] = " ".join(map(str, scopes))
    elif kind == "openIdConnect":
        auth.update(type="bearer", token=d.secret(f"{name}_TOKEN", ""))
        d.notes.append(f"{where}: OpenID Connect: the template takes an access token obtained beforehand")
    else:
        raise ImportProblem(f"{where}: type {kind!r} is not supported (http, apiKey, oauth2, openIdConnect)")
