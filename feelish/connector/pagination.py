"""Pagination in FEEL: a call fetches page after page, each through the call's auth, retries and
limits, until `next` gives null or a stop condition holds, and combines the pages' items
(`pagination` = `{next, items, until, maxPages, delay, stopOnEmpty}`; docs/connector.md).
"""
from __future__ import annotations

import asyncio
import datetime as _dt
import hashlib
import json
import re
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import httpx2

from ..errors import ConnectorError, FeelishError, Warning
from .fields import DEFAULTS, Field
from .outputs import evaluate

NAMES = ("next", "items", "until", "maxPages", "delay", "stopOnEmpty")
#: the names the per-page expressions see besides the inputs
PAGE_NAMES = ("response", "page", "items", "links", "request")
#: what resultExpression and errorExpression see after a paginated call
RESULT_NAMES = ("items", "pages")
MAX_DELAY = 300
_LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[^;,"=\s]+(?:\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^;,]*))?)*)')
_PARAM = re.compile(r';\s*([^;=\s]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^;,]*))?')


def parse_links(values: Any, base: str | httpx2.URL) -> dict[str, str]:
    """RFC 8288 `Link` header value(s) -> `{rel: absolute URL}` (the first link of a relation wins)."""
    out: dict[str, str] = {}
    for value in values if isinstance(values, (list, tuple)) else [values]:
        if not isinstance(value, str):
            continue
        for match in _LINK.finditer(value):
            target, params = match.group(1).strip(), match.group(2)
            for name, raw in _PARAM.findall(params):
                if name.lower() != "rel":
                    continue
                for rel in raw.strip().strip('"').lower().split():
                    out.setdefault(rel, str(httpx2.URL(str(base)).join(target)))
    return out


def _header(ctx: Mapping, name: str) -> Any:
    for key, value in (ctx.get("headers") or {}).items():
        if key.lower() == name:
            return value
    return None


class Pagination:
    """The compiled `pagination` field of a connector."""

    def __init__(self, spec: Mapping[str, Any], compile_text):
        unknown = sorted(set(spec) - set(NAMES))
        if unknown:
            raise ConnectorError("INPUT_ERROR", f"unknown pagination field(s): {', '.join(unknown)}; "
                                 f"known: {', '.join(NAMES)}", field=f"pagination.{unknown[0]}")
        if spec.get("next") is None:
            raise ConnectorError("INPUT_ERROR", "pagination needs `next` (the next request, or null to "
                                 "stop)", field="pagination.next")
        self.fields = {name: Field(f"pagination.{name}", value, compile_text)
                       for name, value in spec.items() if value is not None}
        self.texts = {name: (f.source if f.source is not None else f.constant) for name, f in self.fields.items()}

    # ---------------------------------------------------------------- settings
    def _value(self, name: str, scope: dict, recorder, default=None):
        f = self.fields.get(name)
        if f is None:
            return default
        try:
            return f.value(scope, recorder) if f.expression is None else evaluate(
                f.expression, scope, recorder, f.name)
        except FeelishError as exc:
            raise ConnectorError("INPUT_ERROR", f"field {f.name!r}: {exc}", field=f.name) from None

    def settings(self, scope: dict, recorder) -> tuple[int, float, bool]:
        pages = self._value("maxPages", scope, recorder, 100)
        if isinstance(pages, bool) or not isinstance(pages, (int, Decimal)) or pages != int(pages) \
                or not 1 <= pages <= 10000:
            raise ConnectorError("INPUT_ERROR", "pagination.maxPages must be a whole number from 1 to "
                                 "10000", field="pagination.maxPages")
        delay = self._value("delay", scope, recorder, 0) or 0
        if isinstance(delay, _dt.timedelta):
            delay = delay.total_seconds()
        if isinstance(delay, bool) or not isinstance(delay, (int, float, Decimal)) or not 0 <= delay <= MAX_DELAY:
            raise ConnectorError("INPUT_ERROR", f"pagination.delay must be 0 to {MAX_DELAY} seconds "
                                 "(a number or a duration)", field="pagination.delay")
        empty = self._value("stopOnEmpty", scope, recorder, True)
        if not isinstance(empty, bool):
            raise ConnectorError("INPUT_ERROR", "pagination.stopOnEmpty must be true or false",
                                 field="pagination.stopOnEmpty")
        return int(pages), float(delay), empty

    def plan(self) -> dict[str, Any]:
        """The pagination plan shown by a dry run."""
        plan = {name: self.texts.get(name) for name in NAMES if name in self.texts}
        plan.setdefault("maxPages", 100)
        plan.setdefault("stopOnEmpty", True)
        return plan

    # ---------------------------------------------------------------- one page
    def _page(self, ctx: dict, prepared, scope: dict, recorder, page: int) -> tuple[dict, list]:
        page_scope = {**scope, "response": ctx, "page": page,
                      "links": parse_links(_header(ctx, "link"), prepared.url),
                      "request": {"method": prepared.method, "url": str(prepared.url)}}
        if "items" in self.fields:
            items = self._value("items", {**page_scope, "items": None}, recorder)
        else:
            items = ctx.get("body")
        items = [] if items is None else list(items) if isinstance(items, (list, tuple)) else [items]
        page_scope["items"] = items
        return page_scope, items

    def _next(self, connector, page_scope: dict, recorder, prepared, scope: dict, context):
        nxt = self._value("next", page_scope, recorder)
        if nxt is None or nxt == "":
            return None
        overrides: dict[str, Any] = {}
        if isinstance(nxt, str):
            overrides = {"url": str(prepared.url.join(nxt)), "queryParameters": None}
        elif isinstance(nxt, Mapping):
            extra = sorted(set(nxt) - {"url", "queryParameters", "body", "headers"})
            if extra:
                raise ConnectorError("INPUT_ERROR", "pagination.next may set url, queryParameters, body "
                                     f"and headers, not {', '.join(extra)}", field="pagination.next")
            if nxt.get("url") is not None:
                overrides.update(url=str(prepared.url.join(str(nxt["url"]))), queryParameters=None)
            for name in ("queryParameters", "body", "headers"):
                if name in nxt:
                    overrides[name] = _merge(_first_value(connector, name, scope, recorder)
                                             if name not in overrides else None, nxt[name])
        else:
            raise ConnectorError("INPUT_ERROR", "pagination.next must be null, a URL or a context, not "
                                 f"{type(nxt).__name__}", field="pagination.next")
        return connector._prepare(scope, recorder, context, overrides)

    # ---------------------------------------------------------------- the loop
    def run_sync(self, connector, prepared, scope: dict, recorder):
        state = _State(self, scope, recorder, prepared)
        while True:
            parts = connector._send_sync(state.prepared)
            if state.take(parts):
                return state.result(parts)
            if not state.advance(connector, scope["context"]):
                return state.result(parts)
            if state.delay:
                time.sleep(state.delay)

    async def run_async(self, connector, prepared, scope: dict, recorder):
        state = _State(self, scope, recorder, prepared)
        while True:
            parts = await connector._send_async(state.prepared)
            if state.take(parts):
                return state.result(parts)
            if not state.advance(connector, scope["context"]):
                return state.result(parts)
            if state.delay:
                await asyncio.sleep(state.delay)


class _State:
    """One paginated call in progress: pages seen, items gathered, the guards."""

    def __init__(self, pagination: Pagination, scope: dict, recorder, prepared):
        self.p, self.scope, self.recorder, self.prepared = pagination, scope, recorder, prepared
        self.max_pages, self.delay, self.stop_on_empty = pagination.settings(scope, recorder)
        self.page, self.items, self.attempts = 0, [], 0
        self.requests = {_request_key(prepared): 1}
        self.last_digest: str | None = None
        self.page_scope: dict | None = None
        self.failure: ConnectorError | None = None

    def take(self, parts) -> bool:
        """Account for one fetched page; True when the call ends here (failure or stop)."""
        ctx, _warnings, attempts, error = parts
        self.page += 1
        self.attempts += attempts
        if error is not None:
            return True
        self.page_scope, items = self.p._page(ctx, self.prepared, self.scope, self.recorder, self.page)
        digest = _digest(items)
        if items and digest == self.last_digest:
            self.failure = ConnectorError("PAGINATION_ERROR", f"page {self.page} has the same items as page "
                                          f"{self.page - 1}: the server ignored the paging request "
                                          f"({self.prepared.method} {self.prepared.url.copy_with(query=None)})",
                                          response=ctx, field="pagination.next")
            return True
        self.last_digest = digest
        self.items += items
        if (self.stop_on_empty and not items) or self.p._value("until", self.page_scope, self.recorder) is True:
            return True
        if self.page >= self.max_pages:
            if self.p._value("next", self.page_scope, self.recorder) not in (None, ""):
                self.recorder.warnings.append(Warning(
                    "pagination-limit", f"pagination stopped after maxPages ({self.max_pages}) pages; "
                    "more were available"))
            return True
        return False

    def advance(self, connector, context) -> bool:
        """Prepare the next request; False when `next` says stop."""
        nxt = self.p._next(connector, self.page_scope, self.recorder, self.prepared, self.scope, context)
        if nxt is None:
            return False
        key = _request_key(nxt)
        if key in self.requests:
            self.failure = ConnectorError(
                "PAGINATION_ERROR", f"the request for page {self.page + 1} repeats the one of page "
                f"{self.requests[key]} ({nxt.method} {nxt.url.copy_with(query=None)}): pagination.next "
                "does not advance", field="pagination.next")
            return False
        self.requests[key] = self.page + 1
        self.prepared = nxt
        return True

    def result(self, parts):
        ctx, warnings, _attempts, error = parts
        error = error or self.failure
        return (ctx, warnings, self.attempts, error), {"items": self.items, "pages": self.page}


def _request_key(prepared) -> tuple:
    content = getattr(prepared.body, "content", None)
    return prepared.method, str(prepared.url), content if isinstance(content, bytes) else None


def _digest(items: list) -> str:
    text = json.dumps(items, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _first_value(connector, name: str, scope: dict, recorder):
    f = connector.fields.get(name)
    return DEFAULTS.get(name) if f is None else f.value(scope, recorder)


def _merge(first: Any, given: Any) -> Any:
    """Contexts merge (a null entry removes one); anything else replaces."""
    if isinstance(first, Mapping) and isinstance(given, Mapping):
        merged = {**first, **given}
        return {k: v for k, v in merged.items() if v is not None}
    return given
