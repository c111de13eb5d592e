"""A pasted `curl ...` command -> one template: the URL's origin, path ids, query parameters and
body fields become inputs (defaults: the pasted values); credentials (`-u`, bearer tokens, API keys,
passwords, cookies, user info) become `<<secrets.NAME>>` placeholders, their values kept aside."""
from __future__ import annotations

import json
import re
import shlex
from urllib.parse import parse_qsl, unquote, urlsplit

from .shared import (Building, add_auth_basic, add_auth_bearer, authorization_header, is_credential_name,
                     json_input_type, looks_like_id)
from .writer import Draft, Imported, ImportProblem, slug, write

_VALUED = {
    "-X": "method", "--request": "method", "-H": "header", "--header": "header",
    "-d": "data", "--data": "data", "--data-ascii": "data", "--data-binary": "binary",
    "--data-raw": "raw", "--data-urlencode": "urlencode", "--json": "json", "-F": "form",
    "--form": "form", "--form-string": "form-string", "-u": "user", "--user": "user",
    "--oauth2-bearer": "bearer", "-A": "agent", "--user-agent": "agent", "-e": "referer",
    "--referer": "referer", "-b": "cookie", "--cookie": "cookie", "--url": "url", "-x": "proxy",
    "--proxy": "proxy", "-U": "proxy-user", "--proxy-user": "proxy-user", "-m": "max-time",
    "--max-time": "max-time", "--connect-timeout": "connect-timeout", "--retry": "retry",
    "--cacert": "cacert", "-E": "cert", "--cert": "cert", "--key": "key", "--max-redirs": "max-redirs",
    "-T": "upload", "--upload-file": "upload", "-r": "range", "--range": "range",
    "--url-query": "url-query",
    # read and dropped: they only change what curl prints or where it writes
    "-o": None, "--output": None, "-w": None, "--write-out": None, "-D": None, "--dump-header": None,
    "-c": None, "--cookie-jar": None, "--retry-delay": None, "--retry-max-time": None,
    "--limit-rate": None, "--proto": None, "--trace": None, "--trace-ascii": None, "--stderr": None,
    "--key-type": None, "--cert-type": None,
}
_FLAGS = {
    "-G": "get", "--get": "get", "-I": "head", "--head": "head", "-L": "location",
    "--location": "location", "-k": "insecure", "--insecure": "insecure", "--digest": "digest",
    "--path-as-is": "path-as-is", "-f": "fail", "--fail": "fail", "--fail-with-body": "fail",
    "--basic": None, "-s": None, "--silent": None, "-S": None, "--show-error": None, "-v": None,
    "--verbose": None, "-i": None, "--include": None, "--compressed": None, "-N": None,
    "--no-buffer": None, "-g": None, "--globoff": None, "--http1.1": None, "--http2": None,
    "-#": None, "--progress-bar": None, "-O": None, "--remote-name": None, "-q": None,
    "--location-trusted": "location", "--no-progress-meter": None, "-Z": None,
}
#: headers a pasted command carries that describe the connection or the browser, not the API call
_TRANSPORT_HEADERS = {"host", "content-length", "connection", "accept-encoding", "priority", "dnt",
                      "upgrade-insecure-requests", "te", "keep-alive"}
_REFUSED = {
    "--ntlm": "NTLM authentication", "--negotiate": "SPNEGO authentication",
    "--aws-sigv4": "AWS signature authentication", "-n": "credentials from .netrc",
    "--netrc": "credentials from .netrc", "--netrc-file": "credentials from .netrc",
    "-K": "a curl config file", "--config": "a curl config file",
}


def _tokens(command: str) -> list[str]:
    text = re.sub(r"[\\^`]\r?\n", " ", command.strip())  # line continuations (sh, cmd, PowerShell)
    text = re.sub(r"^\$\s+", "", text)
    try:
        words = shlex.split(text, comments=False)
    except ValueError as exc:
        raise ImportProblem(f"curl command: cannot split it into words ({exc})") from None
    if not words or not re.search(r"(^|[/\\])curl(\.exe)?$", words[0]):
        raise ImportProblem("curl command: it must start with `curl`")
    return words[1:]


def _options(words: list[str]) -> tuple[list[tuple[str, str | None]], list[str]]:
    """(option kind, value) pairs in order, and the URLs."""
    out: list[tuple[str, str | None]] = []
    urls: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if not word.startswith("-") or word == "-":
            urls.append(word)
            continue
        if word in _REFUSED:
            raise ImportProblem(f"curl option {word}: {_REFUSED[word]} has no template equivalent")
        name, value = word, None
        if "=" in word and word.startswith("--") and word.split("=", 1)[0] in _VALUED:
            name, value = word.split("=", 1)
        elif not word.startswith("--") and len(word) > 2:  # -XPOST, -sSL, -HAccept:x
            if word[:2] in _VALUED:
                name, value = word[:2], word[2:]
            elif all(f"-{c}" in _FLAGS for c in word[1:-1]):
                out += [(_FLAGS[f"-{c}"], None) for c in word[1:-1] if _FLAGS[f"-{c}"]]
                name = f"-{word[-1]}"
            else:
                raise ImportProblem(f"curl option {word!r} is not supported")
        if name in _FLAGS:
            if _FLAGS[name]:
                out.append((_FLAGS[name], None))
        elif name in _VALUED:
            if value is None:
                if i >= len(words):
                    raise ImportProblem(f"curl option {name} needs a value")
                value, i = words[i], i + 1
            if _VALUED[name]:
                out.append((_VALUED[name], value))
        elif name in _REFUSED:
            raise ImportProblem(f"curl option {name}: {_REFUSED[name]} has no template equivalent")
        else:
            raise ImportProblem(f"curl option {name!r} is not supported")
    return out, urls


def import_curl(command: str, name: str | None = None) -> Imported:
    """The template for one curl command (`name`: the connector name; default from method + path)."""
    options, urls = _options(_tokens(command))
    urls += [v for k, v in options if k == "url"]
    if len(urls) != 1:
        raise ImportProblem("curl command: exactly one URL is needed, found "
                            + (", ".join(map(repr, urls)) or "none"))
    url = urls[0] if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", urls[0]) else "http://" + urls[0]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImportProblem(f"curl URL {urls[0]!r}: only http and https URLs with a host are supported")
    kinds = [k for k, _ in options]
    method = next((v.upper() for k, v in reversed(options) if k == "method"), None)
    has_data = any(k in ("data", "binary", "raw", "urlencode", "json") for k in kinds)
    if method is None:
        method = ("HEAD" if "head" in kinds else "PUT" if "upload" in kinds else
                  "POST" if (has_data and "get" not in kinds) or "form" in kinds or "form-string" in kinds
                  else "GET")
    draft = Draft(name or slug(f"{method} {_path_words(parts.path)}"), f"{method} {parts.path or '/'}",
                  ["Imported from a curl command.", f"  {method} {parts.scheme}://{parts.netloc.rpartition('@')[2]}"
                   f"{parts.path}"])
    b = Building(draft)
    draft.fields.append(("method", method))
    base = b.draft.add_input("baseUrl", type="string", doc="Base URL of the API",
                             default=f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}")
    b.url(base, [(s, looks_like_id(s)) for s in parts.path.split("/")])
    if parts.username is not None:
        add_auth_basic(b, unquote(parts.username), unquote(parts.password or ""), "url")
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        b.query(key, value)
    _apply(b, options, method, "get" in kinds)
    b.finish()
    if name is None:  # named after the path once the credentials in it are known
        draft.name = slug(f"{method} {_path_words(draft.redact(parts.path))}")
    return write(draft, "curl command")


def _path_words(path: str) -> str:
    return " ".join(s for s in path.split("/") if s and not looks_like_id(s)) or "root"


def _apply(b: Building, options, method: str, as_query: bool) -> None:
    data: list[str] = []
    json_text: str | None = None
    form: dict[str, object] = {}
    auth_user: str | None = None
    digest = False
    for kind, value in options:
        if kind == "header":
            _header(b, value)
        elif kind in ("data", "raw", "binary"):
            if kind != "raw" and value.startswith("@"):
                if value == "@-":
                    raise ImportProblem("curl -d @-: a body read from standard input cannot be imported; "
                                        "paste the data instead")
                b.document_body(value[1:])
            else:
                data.append(value.replace("\r", "").replace("\n", "") if kind == "data" else value)
        elif kind == "urlencode":
            key, sep, text = value.partition("=")
            if not sep or "@" in key:
                raise ImportProblem(f"curl --data-urlencode {value!r}: only name=value is supported")
            data.append(f"{key}={_quote(text)}" if key else _quote(text))
        elif kind == "json":
            json_text = (json_text or "") + value
        elif kind in ("form", "form-string"):
            key, sep, text = value.partition("=")
            if not sep:
                raise ImportProblem(f"curl -F {value!r}: a form part is name=value")
            form[key] = text if kind == "form-string" else _form_value(b, key, text)
        elif kind == "user":
            auth_user = value
        elif kind == "digest":
            digest = True
        elif kind == "bearer":
            add_auth_bearer(b, value)
        elif kind == "agent":
            b.headers["User-Agent"] = value
        elif kind == "referer":
            b.headers["Referer"] = value
        elif kind == "cookie":
            if "=" in value:
                b.headers["Cookie"] = b.draft.secret("COOKIE", value)
            else:
                b.draft.notes.append(f"curl -b {value}: cookies read from a file are not imported")
        elif kind == "range":
            b.headers["Range"] = f"bytes={value}"
        elif kind == "url-query":
            for key, text in parse_qsl(value.lstrip("+"), keep_blank_values=True):
                b.query(key, text)
        else:
            _setting(b, kind, value)
    if auth_user is not None:
        user, _, password = auth_user.partition(":")
        add_auth_basic(b, user, password, "user", digest=digest)
        if ":" not in auth_user:
            b.draft.notes.append("curl -u without a password: set the password secret before running")
    if json_text is not None:
        b.content_type.setdefault("application/json")
        b.headers.setdefault("Accept", "application/json")
        data.append(json_text)
    if data:
        text = "&".join(data)
        if as_query:
            for key, value in parse_qsl(text, keep_blank_values=True):
                b.query(key, value)
        else:
            _data_body(b, text)
    if form:
        b.content_type.setdefault("multipart/form-data")
        b.body_fields(form)
    if method in ("GET", "HEAD") and b.body is not None and not as_query:
        b.draft.notes.append(f"a body is sent with {method}, as curl would")


def _quote(text: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(text)


def _form_value(b: Building, key: str, text: str):
    if text.startswith("@"):
        path = text[1:].split(";", 1)[0]
        return b.document_input(key, path)
    if text.startswith("<"):
        raise ImportProblem(f"curl -F {key}=<FILE: a part read from a file as text is not supported; "
                            "use @FILE to send the file")
    return text.split(";type=", 1)[0]


def _data_body(b: Building, text: str) -> None:
    ctype = b.content_type.get()
    stripped = text.strip()
    if ctype is None:
        if stripped[:1] in ("{", "[") and _json(stripped) is not None:
            b.content_type.set("application/json")
            ctype = "application/json"
        else:
            ctype = "application/x-www-form-urlencoded"
            b.content_type.set(ctype)
    if ctype.split(";")[0].strip().lower().endswith("json"):
        value = _json(stripped)
        if value is None:
            raise ImportProblem("curl body: the Content-Type says JSON but the data is not JSON")
        if isinstance(value, dict):
            b.body_fields(value)
        else:
            b.whole_body(value, json_input_type(value))
    elif ctype.split(";")[0].strip().lower() == "application/x-www-form-urlencoded" and \
            all("=" in p for p in text.split("&") if p):
        b.body_fields({k: v for k, v in parse_qsl(text, keep_blank_values=True)})
    else:
        b.whole_body(text, "string")


def _json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


def _header(b: Building, raw: str) -> None:
    name, sep, value = raw.partition(":")
    name, value = name.strip(), value.strip()
    if not sep:
        if name.endswith(";"):  # `-H "X-Empty;"` sends an empty header
            b.headers[name[:-1]] = ""
            return
        raise ImportProblem(f"curl header {raw!r}: a header is `Name: value`")
    if not value:
        return  # `-H "Accept:"` removes a header curl would add
    lower = name.lower()
    if lower in _TRANSPORT_HEADERS or lower.startswith(("sec-fetch-", "sec-ch-")):
        return  # the browser's or curl's own: the runtime sets what the connection needs
    if lower == "content-type":
        b.content_type.set(value)
    elif lower == "authorization":
        authorization_header(b, value)
    elif lower == "cookie":
        b.headers[name] = b.draft.secret("COOKIE", value)
    elif is_credential_name(name):
        b.headers[name] = b.draft.secret(name, value)
    else:
        b.headers[name] = value


def _setting(b: Building, kind: str, value: str | None) -> None:
    fields = b.settings
    if kind == "location":
        fields["followRedirects"] = True
    elif kind == "insecure":
        fields["verify"] = False
        b.draft.notes.append("curl -k: certificate verification is off in the template (verify: false)")
    elif kind == "path-as-is":
        fields["skipEncoding"] = True
    elif kind == "fail":
        fields["failOnStatus"] = True
    elif kind in ("max-time", "connect-timeout", "retry", "max-redirs"):
        try:
            number = float(value)
        except ValueError:
            raise ImportProblem(f"curl option for {kind}: {value!r} is not a number") from None
        key = {"max-time": "readTimeoutInSeconds", "connect-timeout": "connectionTimeoutInSeconds",
               "retry": "retries", "max-redirs": "maxRedirects"}[kind]
        fields[key] = int(number) if number == int(number) else number
    elif kind == "proxy":
        _proxy(b, value)
    elif kind == "proxy-user":
        user, _, password = value.partition(":")
        fields["proxy.username"] = b.draft.secret("PROXY_USERNAME", user)
        fields["proxy.password"] = b.draft.secret("PROXY_PASSWORD", password)
    elif kind == "cacert":
        fields["caCertificate"] = value
    elif kind == "cert":
        path, _, password = value.partition(":")
        fields["clientCertificate"] = path
        if password:
            fields["clientKeyPassword"] = b.draft.secret("CLIENT_KEY_PASSWORD", password)
    elif kind == "key":
        fields["clientKey"] = value
    elif kind == "upload":
        b.document_body(value)
    elif kind in ("method", "url", "get", "head"):
        pass


def _proxy(b: Building, value: str) -> None:
    url = value if "://" in value else "http://" + value
    parts = urlsplit(url)
    b.settings["proxy.url"] = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
    if parts.username is not None:
        b.settings["proxy.username"] = b.draft.secret("PROXY_USERNAME", unquote(parts.username))
        b.settings["proxy.password"] = b.draft.secret("PROXY_PASSWORD", unquote(parts.password or ""))
