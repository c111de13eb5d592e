"""`Connector`: compiled once from a mapping of fields; `run` / `run_async` / `dry_run` evaluate the
fields, send the request (retrying per policy) and map the outputs, or raise a `ConnectorError`
with every secret redacted and nothing mapped."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import httpx2

from .. import auth as _auth
from ..errors import ConnectorError
from ..language import compile as compile_text
from .body import afile_chunks, file_chunks, mime_of, multipart_files
from .fields import AFTER, DEFAULTS, PLAIN, Field, compile_fields
from .model import (Outcome, RequestSpec, SecretRecorder, deliver_token, enter_call, holds_secret,
                    leave_call, redact_error, redirect_settings)
from .attempts import Step, decide
from .lint import body_in_document, lint_fields
from .outputs import map_outputs
from .pagination import Pagination
from .redirects import attach_guard
from .request import PARTS, Prepared, assemble, build_part, note_dropped_body
from ..bounds import within_deadline
from .response import Collector, abody_chunks, body_chunks, build_context, classify, scan_headers
from .retry import apause, pause, transport_error
from .runtime import Runtime, default_runtime
from .transport import warn_insecure

try:  # the direct path of plain calls on curl (`client.feelish_direct` is None without pycurl)
    from . import direct
except ImportError:  # pragma: no cover - exercised in a process without pycurl
    direct = None


class Connector:
    """A REST (or token-retrieval) connector, compiled once, run many times, thread-safe."""

    def __init__(self, fields: dict[str, Field], *, inputs: Iterable[str] | None, runtime: Runtime | None,
                 name: str | None = None):
        self.name = name or "connector"
        self.fields = fields
        self.pagination: Pagination | None = None
        self.inputs = None if inputs is None else tuple(inputs)
        self._runtime = runtime
        self.kind = fields["kind"].constant if "kind" in fields else "rest"
        self.result_variable = fields["resultVariable"].constant if "resultVariable" in fields else None
        self.result_expression = fields["resultExpression"].expression if "resultExpression" in fields else None
        self.error_expression = fields["errorExpression"].expression if "errorExpression" in fields else None
        self._lint = lint_fields(fields)
        for name_ in AFTER:
            if name_ in fields and fields[name_].expression is None and fields[name_].constant is not None:
                raise ConnectorError("INPUT_ERROR", f"{name_} must be an expression", field=name_)
        request_fields = {n: f for n, f in fields.items() if n not in PLAIN and n not in AFTER}
        self._static = {**DEFAULTS, **{n: f.constant for n, f in request_fields.items() if f.is_static}}
        self._dynamic = [f for f in request_fields.values() if not f.is_static]
        dynamic_names = {f.name for f in self._dynamic}
        self._static_parts: dict[str, Any] = {}
        self._dynamic_parts: list[str] = []
        for part, reads in PARTS.items():
            if dynamic_names.isdisjoint(reads) and not (part == "body" and "user_headers" in self._dynamic_parts):
                if self.kind == "rest" or part not in ("target", "body"):
                    self._static_parts[part] = build_part(part, self._static, self.runtime,
                                                          self._static_parts)
                else:
                    self._static_parts[part] = None
            else:
                self._dynamic_parts.append(part)
        self._static_auth = None
        auth_field = fields.get("authentication")
        if auth_field is not None and auth_field.is_static and self.kind == "rest" \
                and "authenticationConfiguration" not in fields:
            self._static_auth = _auth.build_auth(auth_field.constant, cache=self.runtime.token_cache,
                                                 on_token=deliver_token)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_mapping(cls, fields: Mapping[str, Any], *, inputs: Iterable[str] | None = None,
                     runtime: Runtime | None = None, name: str | None = None) -> "Connector":
        """Build from `{field: expression text | Literal(value) | value | Expression}`.

        `inputs`: the variable names the fields may read (None: all variables given to `run`).
        Syntax errors raise FeelSyntaxError naming the field; bad constant fields raise
        ConnectorError(INPUT_ERROR) here, before any call.
        """
        mapping = dict(fields)
        spec = mapping.pop("pagination", None)
        connector = cls(compile_fields(mapping, compile_text), inputs=inputs, runtime=runtime, name=name)
        if spec is not None:
            if not isinstance(spec, Mapping):
                raise ConnectorError("INPUT_ERROR", "pagination must be a mapping of next, items, until, "
                                     "maxPages, delay, stopOnEmpty", field="pagination")
            if connector.kind != "rest":
                raise ConnectorError("INPUT_ERROR", "a token connector has no pages", field="pagination")
            connector.pagination = Pagination(spec, compile_text)
        return connector

    @property
    def runtime(self) -> Runtime:
        return self._runtime if self._runtime is not None else default_runtime()

    def __repr__(self) -> str:
        return f"Connector(name={self.name!r}, kind={self.kind!r}, fields={sorted(self.fields)})"

    # ------------------------------------------------------------------ one call, shared parts
    def _scope(self, variables, context) -> dict:
        variables = variables or {}
        if self.inputs is None:
            scope = dict(variables)
        else:
            scope = {k: variables[k] for k in self.inputs if k in variables}
        scope["context"] = dict(context) if context else {}
        return scope

    def _prepare(self, scope: dict, recorder, context, overrides: dict | None = None) -> Prepared:
        """The request; `overrides` replace field values (the next page's url, query, body...)."""
        recorder.watch(scope)
        values = self._static
        dynamic_parts = self._dynamic_parts
        if self._dynamic or overrides:
            values = dict(self._static)
            for f in self._dynamic:
                values[f.name] = f.value(scope, recorder)
            values = recorder.plain(values)
            if overrides:
                values.update(overrides)
                dynamic_parts = [part for part, reads in PARTS.items()
                                 if part in self._dynamic_parts or not overrides.keys().isdisjoint(reads)]
        parts = self._static_parts
        if dynamic_parts:
            parts = dict(parts)
            for part in dynamic_parts:
                if self.kind == "token" and part in ("target", "body"):
                    parts[part] = None
                    continue
                parts[part] = build_part(part, values, self.runtime, parts)
        auth = values["authentication"]
        if values["authenticationConfiguration"] is not None:
            auth = self.runtime.credential(values["authenticationConfiguration"], recorder)
        if self.kind == "token":
            ext, connect, read, total = parts["timeouts"]
            return Prepared("POST", None, None, [], None, ext, parts["transport"], False, parts["policy"],
                            True, frozenset(), *parts["limits"], connect, read, auth, deadline=total)
        prepared = assemble(parts, values, scope["context"], auth)
        if prepared.extra:
            note_dropped_body(prepared, recorder)
        if self.runtime.guards_urls:
            self.runtime.check_url(prepared.url)
        return prepared

    def _auth_for(self, prepared: Prepared):
        if prepared.authentication is None:
            return None
        if self._static_auth is not None:
            return self._static_auth
        return _auth.build_auth(prepared.authentication, cache=self.runtime.token_cache,
                                on_token=deliver_token)

    def _request(self, p: Prepared, *, asynchronous: bool) -> tuple[httpx2.Request, list]:
        body = p.body
        opened: list = []
        if body.kind == "multipart" and body.parts is not None:
            data, parts = body.parts
            files, opened = multipart_files(parts, self.runtime.documents)
            request = httpx2.Request(p.method, p.url, headers=p.headers, data=data, files=files,
                                     extensions=p.extensions)
            return attach_guard(request, p.redirects, holds_secret), opened
        if body.kind == "file":
            content = afile_chunks(body.path) if asynchronous else file_chunks(body.path)
        else:
            content = body.content
        request = httpx2.Request(p.method, p.url, headers=p.headers, content=content,
                                 extensions=p.extensions)
        return attach_guard(request, p.redirects, holds_secret), opened

    def _status_failure(self, p: Prepared, ctx: dict) -> ConnectorError | None:
        status = ctx["status"]
        if status < 400 or not p.fail_on_status or status in p.ignore_status:
            return None
        return ConnectorError(str(status), ctx["reason"] or "[no reason]", response=ctx,
                              variables={"response": {"headers": ctx["headers"], "body": ctx["body"]}},
                              retryable=p.policy.status_retryable(status))

    def _plan_read(self, p: Prepared, response: httpx2.Response):
        """What to do with the body: (headers, content type, kind, mode, collector);
        mode is "none" (HEAD, 204, 304), "read" (textual, exact length) or "stream".  JSON and
        text stay in memory up to responseMaxBytes; binary (or asked-for) documents go to a file,
        as do bodies of unknown type over inlineLimitBytes."""
        raw = getattr(response, "raw_headers", None)  # a direct response's; else httpx2's
        if raw is None:
            raw = response.headers.raw
        headers, ctype, encoded, length = scan_headers(raw)
        kind = classify(mime_of(ctype), p.response_format[0])
        if p.method == "HEAD" or response.status_code in (204, 304):
            return headers, ctype, kind, "none", None
        inline = p.inline if kind == "unknown" else p.max_bytes
        if kind != "binary" and not encoded and length is not None and length <= inline \
                and length <= p.max_bytes:
            return headers, ctype, kind, "read", None
        collector = Collector(max_bytes=p.max_bytes, inline=inline, documents=self.runtime.documents,
                              response=response, to_file=kind == "binary")
        return headers, ctype, kind, "stream", collector

    def _finish(self, outcome_parts, scope, recorder, p: Prepared, paged: dict | None = None) -> Outcome:
        ctx, warnings, attempts, step = outcome_parts
        if paged is not None:  # the after-call expressions also see `items` and `pages`
            scope = {**scope, **paged}
        if not isinstance(step, Step):  # a token call, or a paginated one: judged once, here
            step = decide(self.error_expression, p, ctx, step, attempts, scope, recorder,
                          len(recorder.warnings), final=True)
        token = recorder.token
        if step.error is not None:
            step.error.warnings = (*_warnings(step.mark, warnings, recorder), *self._notes(ctx))
            raise step.error
        outputs = step.ignored
        if outputs is None:
            # the expressions see `response.token` (the token this call obtained, else null); the
            # response context itself (outcome.response, resultVariable, errors) never holds it
            after_scope = {**scope, "response": {**ctx, "token": token} if ctx is not None else None}
            outputs = map_outputs(self.result_variable, self.result_expression, after_scope, ctx, recorder)
        return Outcome(outputs, ctx, (*_warnings(step.mark, warnings, recorder), *self._notes(ctx)),
                       attempts, token, recorder.secret_texts())

    def _notes(self, ctx) -> tuple:
        """Warnings about the connector itself (see `lint`), and a body that went to a document
        while the result expression reads `response.body`."""
        if ctx is None or ctx.get("document") is None or not self._lint.reads_body:
            return self._lint.warnings
        return (*self._lint.warnings, body_in_document(ctx))

    # ------------------------------------------------------------------ sync
    def run(self, variables: Mapping[str, Any] | None = None, *, secrets=None,
            context: Mapping[str, Any] | None = None) -> Outcome:
        """Call the endpoint; returns Outcome(outputs, response, warnings, attempts)."""
        recorder = SecretRecorder(self.runtime.provider(secrets))
        token = enter_call(recorder)
        try:
            scope = self._scope(variables, context)
            prepared = self._prepare(scope, recorder, scope["context"])
            if self.kind == "token":
                parts = self._token_sync(prepared)
            elif self.pagination is not None:
                parts, paged = self.pagination.run_sync(self, prepared, scope, recorder)
                return self._finish(parts, scope, recorder, prepared, paged)
            else:
                parts = self._send_sync(prepared, scope, recorder)
            return self._finish(parts, scope, recorder, prepared)
        except ConnectorError as exc:
            raise redact_error(exc, recorder) from None
        finally:
            leave_call(token)

    @within_deadline
    def _send_sync(self, p: Prepared, scope: dict | None = None, recorder=None):
        if p.insecure:
            warn_insecure(str(p.url))
        client = self.runtime.client(p.key)
        auth = self._auth_for(p)
        attempt = 0
        # the pages of a paginated call (no scope) are judged once, after the last page
        judge = self.error_expression if scope is not None else None
        mark = len(recorder.warnings) if recorder is not None else 0
        while True:
            attempt += 1
            warnings: list = []
            retry_after = None
            try:
                ctx = self._exchange_sync(client, p, auth, warnings)
                error = self._status_failure(p, ctx)
                retry_after = _header(ctx, "retry-after")
            except ConnectorError as exc:
                ctx, error = exc.response, exc
            step = decide(judge, p, ctx, error, attempt, scope, recorder, mark, retry_after)
            if step.wait is None:
                return ctx, warnings, attempt, step if scope is not None else step.error
            if not pause(step.wait):  # the wait would pass the call's deadline: the last attempt
                step = decide(judge, p, ctx, error, attempt, scope, recorder, mark, final=True)
                return ctx, warnings, attempt, step if scope is not None else step.error

    def _exchange_sync(self, client, p: Prepared, auth, warnings) -> dict:
        direct_transport = getattr(client, "feelish_direct", None)
        if direct_transport is not None and direct.usable(p, auth):
            request, opened = None, []
        else:
            request, opened = self._request(p, asynchronous=False)
        try:
            if request is None:
                response = direct.send(direct_transport, p)
            else:
                response = client.send(request, stream=True, auth=auth,
                                       follow_redirects=p.follow_redirects)
            try:
                headers, ctype, kind, mode, collector = self._plan_read(p, response)
                data = None
                if mode == "read":
                    data = response.read()
                elif mode == "stream":
                    for chunk in body_chunks(response, collector):
                        collector.feed(chunk)
                    data = collector.finish()
            finally:
                response.close()
            return build_context(response, headers, ctype, collector, data, kind, warnings,
                                 self.runtime.documents, p.response_format)
        except httpx2.HTTPError as exc:
            raise transport_error(exc, connect_timeout=p.connect_timeout, read_timeout=p.read_timeout,
                                  url=p.url, proxy=_proxy_of(p)) from None
        except OSError as exc:
            raise ConnectorError("DOCUMENT_ERROR", f"cannot read or write a document file: "
                                 f"{exc.strerror or exc.__class__.__name__}") from None
        finally:
            for handle in opened:
                handle.close()

    @within_deadline
    def _token_sync(self, p: Prepared):
        client = self.runtime.client(p.key)
        try:
            auth = self._token_auth(p)
            if auth is None:
                token = _auth.retrieve_token(p.authentication, client=client, cache=self.runtime.token_cache)
            else:
                token = auth.retrieve(client, p.extensions.get("timeout"))
        except httpx2.HTTPError as exc:
            raise transport_error(exc, connect_timeout=p.connect_timeout, read_timeout=p.read_timeout) from None
        return _token_context(token), [], 1, None

    def _token_auth(self, p: Prepared):
        """The OAuth2 flow of a token connector, built with `on_token` so a token fetched from
        the endpoint reaches `Outcome.token`; None for a non-OAuth2 type (then `retrieve_token`
        raises its usual INPUT_ERROR)."""
        auth = _auth.build_auth(p.authentication, cache=self.runtime.token_cache, on_token=deliver_token)
        return auth if hasattr(auth, "retrieve") else None

    # ------------------------------------------------------------------ async
    async def run_async(self, variables: Mapping[str, Any] | None = None, *, secrets=None,
                        context: Mapping[str, Any] | None = None) -> Outcome:
        """The async twin of `run`, on the runtime's AsyncClient for the running loop."""
        recorder = SecretRecorder(self.runtime.provider(secrets))
        token = enter_call(recorder)
        try:
            scope = self._scope(variables, context)
            prepared = self._prepare(scope, recorder, scope["context"])
            if self.kind == "token":
                parts = await self._token_async(prepared)
            elif self.pagination is not None:
                parts, paged = await self.pagination.run_async(self, prepared, scope, recorder)
                return self._finish(parts, scope, recorder, prepared, paged)
            else:
                parts = await self._send_async(prepared, scope, recorder)
            return self._finish(parts, scope, recorder, prepared)
        except ConnectorError as exc:
            raise redact_error(exc, recorder) from None
        finally:
            leave_call(token)

    @within_deadline
    async def _send_async(self, p: Prepared, scope: dict | None = None, recorder=None):
        if p.insecure:
            warn_insecure(str(p.url))
        client = self.runtime.async_client(p.key)
        auth = self._auth_for(p)
        attempt = 0
        # the pages of a paginated call (no scope) are judged once, after the last page
        judge = self.error_expression if scope is not None else None
        mark = len(recorder.warnings) if recorder is not None else 0
        while True:
            attempt += 1
            warnings: list = []
            retry_after = None
            try:
                ctx = await self._exchange_async(client, p, auth, warnings)
                error = self._status_failure(p, ctx)
                retry_after = _header(ctx, "retry-after")
            except ConnectorError as exc:
                ctx, error = exc.response, exc
            step = decide(judge, p, ctx, error, attempt, scope, recorder, mark, retry_after)
            if step.wait is None:
                return ctx, warnings, attempt, step if scope is not None else step.error
            if not await apause(step.wait):
                step = decide(judge, p, ctx, error, attempt, scope, recorder, mark, final=True)
                return ctx, warnings, attempt, step if scope is not None else step.error

    async def _exchange_async(self, client, p: Prepared, auth, warnings) -> dict:
        direct_transport = getattr(client, "feelish_direct", None)
        if direct_transport is not None and direct.usable(p, auth):
            request, opened = None, []
        else:
            request, opened = self._request(p, asynchronous=True)
        try:
            if request is None:
                response = await direct.asend(direct_transport, p)
            else:
                response = await client.send(request, stream=True, auth=auth,
                                             follow_redirects=p.follow_redirects)
            try:
                headers, ctype, kind, mode, collector = self._plan_read(p, response)
                data = None
                if mode == "read":
                    data = await response.aread()
                elif mode == "stream":
                    async for chunk in abody_chunks(response, collector):
                        collector.feed(chunk)
                    data = collector.finish()
            finally:
                await response.aclose()
            return build_context(response, headers, ctype, collector, data, kind, warnings,
                                 self.runtime.documents, p.response_format)
        except httpx2.HTTPError as exc:
            raise transport_error(exc, connect_timeout=p.connect_timeout, read_timeout=p.read_timeout,
                                  url=p.url, proxy=_proxy_of(p)) from None
        except OSError as exc:
            raise ConnectorError("DOCUMENT_ERROR", f"cannot read or write a document file: "
                                 f"{exc.strerror or exc.__class__.__name__}") from None
        finally:
            for handle in opened:
                handle.close()

    @within_deadline
    async def _token_async(self, p: Prepared):
        client = self.runtime.async_client(p.key)
        try:
            auth = self._token_auth(p)
            if auth is None:
                token = await _auth.aretrieve_token(p.authentication, client=client,
                                                    cache=self.runtime.token_cache)
            else:
                token = await auth.aretrieve(client, p.extensions.get("timeout"))
        except httpx2.HTTPError as exc:
            raise transport_error(exc, connect_timeout=p.connect_timeout, read_timeout=p.read_timeout) from None
        return _token_context(token), [], 1, None

    # ------------------------------------------------------------------ dry run
    def dry_run(self, variables: Mapping[str, Any] | None = None, *, secrets=None,
                context: Mapping[str, Any] | None = None) -> RequestSpec:
        """The request as data, nothing sent; secret values shown as `<<secrets.NAME>>`
        (a secret that is not available is shown the same way instead of failing)."""
        recorder = SecretRecorder(self.runtime.provider(secrets), lenient=True)
        token = enter_call(recorder)
        try:
            scope = self._scope(variables, context)
            p = self._prepare(scope, recorder, scope["context"])
        except ConnectorError as exc:
            raise redact_error(exc, recorder) from None
        finally:
            leave_call(token)
        show = recorder.revealer()
        if self.kind == "token":
            return RequestSpec("POST", None, [], None, "token", show(p.authentication), {})
        settings = {"followRedirects": p.follow_redirects, **redirect_settings(p.redirects), "connectionTimeoutInSeconds": p.connect_timeout,
                    "readTimeoutInSeconds": p.read_timeout, "timeoutInSeconds": p.deadline,
                    "verify": p.key.verify,
                    "proxy": p.key.proxy.public_url if p.key.proxy else None, "retries": p.policy.retries,
                    "verbatimTarget": p.target.decode("ascii") if p.target else None}
        if self.pagination is not None:  # the first request is shown; the plan says how the rest follow
            settings["pagination"] = self.pagination.plan()
        url = str(p.url)
        return RequestSpec(p.method, show(url), [(k, show(v.decode("utf-8") if isinstance(v, bytes) else v))
                                             for k, v in p.headers],
                           show(p.body.preview), p.body.kind, show(p.authentication), settings)


def _warnings(before: int, response_warnings: list, recorder) -> tuple:
    """Request fields' warnings, then the response's, then the after-call expressions'."""
    collected = recorder.warnings
    if not collected:
        return tuple(response_warnings)
    return (*collected[:before], *response_warnings, *collected[before:])


def _proxy_of(p: Prepared) -> str | None:
    return p.key.proxy.public_url if p.key.proxy else None


def _header(ctx: dict, name: str):
    for key, value in ctx["headers"].items():
        if key.lower() == name:
            return value if isinstance(value, str) else value[0]
    return None


def _token_context(token: dict) -> dict:
    return {"status": 200, "reason": "OK", "headers": {}, "body": token, "document": None}


__all__ = ["Connector", "Outcome", "RequestSpec"]
