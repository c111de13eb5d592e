"""A Postman 2.1 collection -> one template per request (folders flattened, names from the folder
path).  `{{variables}}` become inputs (defaults: the collection's values), `:path` variables
become inputs, and the request's (or the inherited) auth becomes authentication whose credentials
are secret placeholders, as are variables that look like credentials or are of type secret."""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from .openapi import load_document
from .shared import Building, authorization_header, is_credential_name
from .writer import Draft, Expr, Imported, ImportProblem, replace_outside_strings, slug, string_literal, write

_VAR = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
_ORIGIN = re.compile(r"(https?://[^/?#]+)(.*)", re.S)
_MARK = "\u0001"


def import_postman(text: str) -> list[Imported]:
    doc = load_document(text, "Postman collection")
    if not isinstance(doc, dict) or not isinstance(doc.get("item"), list):
        raise ImportProblem("Postman collection: expected an object with 'info' and 'item'")
    schema = str((doc.get("info") or {}).get("schema", ""))
    if "v2.0" in schema or ("collection" in schema and "v2.1" not in schema):
        raise ImportProblem(f"Postman collection: schema {schema!r} is not supported (v2.1 only)")
    variables = {v.get("key"): v for v in doc.get("variable") or [] if isinstance(v, dict)}
    out: list[Imported] = []
    taken: set[str] = set()
    for path, item, auth in _requests(doc["item"], [], doc.get("auth")):
        where = "request " + " / ".join(path)
        draft = _Request(item, path, auth, variables, where, taken).draft
        taken.add(draft.name)
        out.append(write(draft, where))
    if not out:
        raise ImportProblem("Postman collection: no requests in it")
    return out


def _requests(items: list, path: list[str], auth: Any):
    for item in items:
        if not isinstance(item, dict):
            raise ImportProblem(f"Postman collection: an item under {'/'.join(path) or 'the top'} is not an object")
        name = str(item.get("name") or "request")
        own = item.get("auth")
        inherited = own if own and own.get("type") != "inherit" else auth
        if isinstance(item.get("item"), list):
            yield from _requests(item["item"], [*path, name], inherited)
        elif "request" in item:
            yield [*path, name], item, inherited


class _Request:
    def __init__(self, item: dict, path: list[str], auth: Any, variables: dict, where: str,
                 taken: set[str]) -> None:
        request = item["request"]
        if isinstance(request, str):
            request = {"url": request, "method": "GET"}
        self.variables, self.where, self.inputs = variables, where, {}
        self.bare: set[str] = set()  # variables written bare in a JSON body: any JSON value
        name, n = slug(" ".join(path)), 2
        while name in taken:
            name, n = f"{slug(' '.join(path))}-{n}", n + 1
        method = str(request.get("method") or "GET").upper()
        doc = ["Imported from a Postman collection: " + " / ".join(path)]
        if isinstance(request.get("description"), str):
            doc += [""] + request["description"].strip().split("\n")[:6]
        self.draft = Draft(name, path[-1], doc)
        self.draft.fields.append(("method", method))
        self.b = Building(self.draft)
        self._url(request.get("url"))
        for header in request.get("header") or []:
            if isinstance(header, dict) and not header.get("disabled") and header.get("key"):
                self._header(str(header["key"]), str(header.get("value", "")))
        self._body(request.get("body"))
        own = request.get("auth")
        self._auth(own if own is not None and own.get("type") != "inherit" else auth)
        self.b.finish()

    # ---------------------------------------------------------------- variables and text
    def var(self, name: str) -> Expr:
        """The expression for `{{name}}`: an input, or a secret for credentials."""
        if name in self.inputs:
            return self.inputs[name]
        known = self.variables.get(name) or {}
        value = known.get("value")
        if name.startswith("$"):
            expr = Expr(self.draft.add_input(name[1:], type="string", required=True,
                                             doc=f"Postman's dynamic variable {{{{{name}}}}}: give a value"))
            self.draft.notes.append(f"{self.where}: {{{{{name}}}}} is an input (no dynamic variables)")
        elif known.get("type") == "secret" or is_credential_name(name):
            expr = self.draft.secret(name, "" if value is None else str(value))
        else:
            expr = Expr(self.draft.add_input(name, type="any" if name in self.bare else "string",
                                             required=value is None,
                                             default=None if value is None else str(value),
                                             doc=known.get("description") or f"Postman variable {name}"))
        self.inputs[name] = expr
        return expr

    def text(self, text: str) -> Any:
        """Text with `{{variables}}` -> a string literal, or the concatenation of literals and inputs."""
        pieces: list[str] = []
        for i, part in enumerate(_VAR.split(text)):
            if i % 2:
                pieces.append(self.var(part).text)
            elif part:
                pieces.append(string_literal(part))
        if len(pieces) == 1 and _VAR.fullmatch(text.strip()) and text == text.strip():
            return Expr(pieces[0])
        return text if not _VAR.search(text) else Expr(_join(pieces) or '""')

    def credential(self, value: Any, fallback: str) -> Expr:
        text = "" if value is None else str(value)
        match = _VAR.fullmatch(text.strip())
        if match:
            name = match.group(1)
            known = (self.variables.get(name) or {}).get("value")
            return self.draft.secret(name, "" if known is None else str(known))
        if _VAR.search(text):
            raise ImportProblem(f"{self.where}: a credential mixing text and variables ({fallback}) "
                                "cannot become one secret")
        return self.draft.secret(fallback, text)

    # ---------------------------------------------------------------- parts
    def _url(self, url: Any) -> None:
        if isinstance(url, dict):
            raw = url.get("raw") or _url_from_parts(url)
            query = [(q.get("key"), q.get("value")) for q in url.get("query") or []
                     if isinstance(q, dict) and not q.get("disabled") and q.get("key")]
            path_vars = {v.get("key"): v.get("value") for v in url.get("variable") or [] if isinstance(v, dict)}
        elif isinstance(url, str):
            raw, query, path_vars = url, None, {}
        else:
            raise ImportProblem(f"{self.where}: the request has no URL")
        target, _, query_text = str(raw).partition("?")
        target = target.split("#", 1)[0]
        if query is None:
            query = parse_qsl(query_text, keep_blank_values=True)
        head = _VAR.match(target)
        origin = _ORIGIN.match(target)
        if head:
            base, rest = self.var(head.group(1)).text, target[head.end():]
        elif origin:
            base = self.draft.add_input("baseUrl", type="string", default=origin.group(1), doc="Base URL of the API")
            rest = origin.group(2)
        else:
            raise ImportProblem(f"{self.where}: URL {raw!r} does not start with http(s):// or a {{{{variable}}}}")
        pieces = [base]
        for index, segment in enumerate(rest.split("/")):
            if index == 0:
                if segment:
                    pieces.append(_piece(self.text(segment)))
                continue
            pieces.append('"/"')
            if segment.startswith(":") and len(segment) > 1:
                value = path_vars.get(segment[1:])
                pieces.append(self.draft.add_input(segment[1:], type="string", required=value is None,
                                                   default=None if value is None else str(value),
                                                   doc=f"path variable {segment}"))
            elif segment:
                pieces.append(_piece(self.text(segment)))
        self.b.url_expr = Expr(_join(pieces))
        for key, value in query:
            text = "" if value is None else str(value)
            if is_credential_name(str(key)) and not _VAR.search(text):
                self.b.queries[key] = self.draft.secret(str(key), text)
            elif _VAR.search(text):
                self.b.queries[key] = self.text(text)
            else:
                self.b.queries[key] = Expr(self.draft.add_input(str(key), type="string", default=text,
                                                                doc=f"query parameter {key}"))

    def _header(self, key: str, value: str) -> None:
        lower = key.lower()
        if lower == "content-type" and not _VAR.search(value):
            self.b.content_type.set(value)
        elif lower == "authorization" and not _VAR.search(value):
            authorization_header(self.b, value)
        elif (is_credential_name(key) or lower == "cookie") and not _VAR.search(value):
            self.b.headers[key] = self.draft.secret(key, value)
        else:
            self.b.headers[key] = self.text(value)

    def _body(self, body: Any) -> None:
        if not isinstance(body, dict) or not body.get("mode") or body.get("disabled"):
            return
        mode = body["mode"]
        if mode == "raw":
            raw = str(body.get("raw") or "")
            language = ((body.get("options") or {}).get("raw") or {}).get("language")
            ctype = self.b.content_type.get() or ""
            if language == "json" or "json" in ctype or (not ctype and raw.lstrip()[:1] in "{["):
                self.b.content_type.setdefault("application/json")
                self._json_body(raw)
            elif raw:
                self.b.body = self.text(raw)
                if isinstance(self.b.body, str):
                    self.b.whole_body(raw, "string")
        elif mode in ("urlencoded", "formdata"):
            values: dict[str, Any] = {}
            for field in body.get(mode) or []:
                if not isinstance(field, dict) or field.get("disabled") or not field.get("key"):
                    continue
                key = str(field["key"])
                if field.get("type") == "file":
                    src = field.get("src")
                    values[key] = self.b.document_input(key, src if isinstance(src, str) else "")
                else:
                    text = str(field.get("value", ""))
                    values[key] = self.text(text) if _VAR.search(text) else text
            self.b.content_type.setdefault("application/x-www-form-urlencoded" if mode == "urlencoded"
                                           else "multipart/form-data")
            self.b.body_fields(values)
        elif mode == "file":
            src = (body.get("file") or {}).get("src")
            self.b.document_body(src if isinstance(src, str) else "")
        elif mode == "graphql":
            gql = body.get("graphql") or {}
            variables = gql.get("variables")
            try:
                parsed = json.loads(variables) if isinstance(variables, str) and variables.strip() else variables
            except ValueError:
                raise ImportProblem(f"{self.where}: the GraphQL variables are not JSON") from None
            self.b.content_type.setdefault("application/json")
            self.b.body = {"query": self.text(str(gql.get("query", ""))), "variables": parsed}
        else:
            raise ImportProblem(f"{self.where}: body mode {mode!r} is not supported")

    def _json_body(self, raw: str) -> None:
        if not raw.strip():
            return
        marked = _mark_variables(raw, self.bare)
        try:
            value = json.loads(marked, strict=False)
        except ValueError as exc:
            raise ImportProblem(f"{self.where}: the JSON body is not valid JSON ({exc.msg} at line "
                                f"{exc.lineno}, column {exc.colno})") from None
        if _MARK not in marked:
            self.b.whole_body(value, "context" if isinstance(value, dict) else "list" if isinstance(value, list) else "any")
        else:
            self.b.body = self._unmark(value)

    def _unmark(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self._unmark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._unmark(v) for v in value]
        if isinstance(value, str) and _MARK in value:
            return self.text(value.replace(_MARK, ""))
        return value

    def _auth(self, auth: Any) -> None:
        if not isinstance(auth, dict) or auth.get("type") in (None, "noauth"):
            return
        kind = auth["type"]
        entries = auth.get(kind)
        values = {e.get("key"): e.get("value") for e in entries or [] if isinstance(e, dict)} \
            if isinstance(entries, list) else dict(entries or {})
        a = self.b.auth
        a.clear()
        if kind in ("basic", "digest"):
            a.update(type=kind, username=self.credential(values.get("username"), "API_USERNAME"),
                     password=self.credential(values.get("password"), "API_PASSWORD"))
        elif kind == "bearer":
            a.update(type="bearer", token=self.credential(values.get("token"), "API_TOKEN"))
        elif kind == "apikey":
            a.update(type="apiKey", name=str(values.get("key") or "X-API-Key"),
                     value=self.credential(values.get("value"), "API_KEY"),
                     apiKeyLocation="query" if values.get("in") == "query" else "headers")
        elif kind == "oauth2":
            self._oauth2(values)
        else:
            raise ImportProblem(f"{self.where}: auth type {kind!r} is not supported "
                                "(basic, digest, bearer, apikey, oauth2, noauth)")

    def _oauth2(self, values: dict) -> None:
        a = self.b.auth
        if values.get("grant_type") == "client_credentials" and values.get("accessTokenUrl"):
            a.update(type="oauth-client-credentials-flow", oauthTokenEndpoint=self.text(str(values["accessTokenUrl"])),
                     clientId=self.credential(values.get("clientId"), "CLIENT_ID"),
                     clientSecret=self.credential(values.get("clientSecret"), "CLIENT_SECRET"))
            if values.get("scope"):
                a["scopes"] = str(values["scope"])
            if values.get("client_authentication") == "header":
                a["clientAuthentication"] = "basicAuthHeader"
        else:
            a.update(type="bearer", token=self.credential(values.get("accessToken"), "ACCESS_TOKEN"))
            self.draft.notes.append(f"{self.where}: OAuth2 other than client credentials: the template "
                                    "takes an access token obtained beforehand")


def _piece(value: Any) -> str:
    return value.text if isinstance(value, Expr) else string_literal(value)


def _join(pieces: list[str]) -> str:
    """Concatenate, merging adjacent string literals (`"/" + "pets"` -> `"/pets"`)."""
    out: list[str] = []
    for piece in pieces:
        if out and piece.startswith('"') and piece.endswith('"') and out[-1].startswith('"') \
                and out[-1].endswith('"'):
            out[-1] = out[-1][:-1] + piece[1:]
        else:
            out.append(piece)
    return " + ".join(out)


def _url_from_parts(url: dict) -> str:
    host = url.get("host")
    host = ".".join(host) if isinstance(host, list) else str(host or "")
    protocol = f"{url['protocol']}://" if url.get("protocol") else ""
    port = f":{url['port']}" if url.get("port") else ""
    path = url.get("path")
    path = "/".join(path) if isinstance(path, list) else str(path or "")
    return f"{protocol}{host}{port}/{path}"


def _mark_variables(raw: str, bare: set[str]) -> str:
    """Make `{{x}}` JSON-safe: inside strings `\\u0001{{x}}`, outside strings `"\\u0001{{x}}"`
    (and remember `x` as bare: its value is any JSON value)."""
    def mark(match: re.Match, in_string: bool) -> str:
        if in_string:
            return _MARK + match.group(0)
        bare.add(match.group(1))
        return json.dumps(_MARK + match.group(0))
    return replace_outside_strings(raw, _VAR, mark)
