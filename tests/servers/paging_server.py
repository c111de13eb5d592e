"""An API that pages its results in every common style, on 127.0.0.1 (werkzeug, a thread).

    /cursor?cursor=&limit=      {items, nextCursor}            cursor in the body
    /offset?offset=&limit=      {items, total}                 offset / limit
    /pages?page=&per_page=      {data, page, totalPages}       page numbers
    /next?page=                 {results, next}                next URL in the body (relative)
    /link?page=                 [items] + Link: <...>; rel="next"   RFC 8288
    /stuck?page=                always the first page          (the duplicate-page guard)
    /search (POST {offset})     {items, more}                  offset in a JSON body
    /secure?page= + /token      Bearer token required          auth across pages
    /flaky?page=                every page fails once with 503 retries per page

Every request is counted per path in `hits`; `/token` counts token requests.
"""
from __future__ import annotations

import json
import threading
from collections import Counter

from werkzeug.wrappers import Request, Response

from .base import RunningServer, serve_wsgi

ITEMS = [f"item-{n}" for n in range(1, 24)]  # 23 items: pages of 5 end on a short page


def _json(data, status: int = 200, headers=None) -> Response:
    return Response(json.dumps(data), status=status, headers=headers, mimetype="application/json")


class PagingApi:
    def __init__(self) -> None:
        self.hits: Counter = Counter()
        self.tokens: set[str] = set()
        self.failed: set[str] = set()
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        request = Request(environ)
        with self.lock:
            self.hits[request.path] += 1
        handler = getattr(self, request.path.strip("/").replace("-", "_") or "missing", None)
        response = handler(request) if handler else _json({"error": "not found"}, 404)
        return response(environ, start_response)

    @staticmethod
    def _int(request: Request, name: str, default: int) -> int:
        return int(request.args.get(name, default))

    def cursor(self, request: Request) -> Response:
        start = int(request.args.get("cursor") or 0)
        limit = self._int(request, "limit", 5)
        end = start + limit
        return _json({"items": ITEMS[start:end], "nextCursor": str(end) if end < len(ITEMS) else None})

    def offset(self, request: Request) -> Response:
        start, limit = self._int(request, "offset", 0), self._int(request, "limit", 5)
        return _json({"items": ITEMS[start:start + limit], "total": len(ITEMS)})

    def pages(self, request: Request) -> Response:
        page, size = self._int(request, "page", 1), self._int(request, "per_page", 5)
        total = -(-len(ITEMS) // size)
        return _json({"data": ITEMS[(page - 1) * size:page * size], "page": page, "totalPages": total})

    def next(self, request: Request) -> Response:
        page = self._int(request, "page", 1)
        more = page * 5 < len(ITEMS)
        return _json({"results": ITEMS[(page - 1) * 5:page * 5], "next": f"/next?page={page + 1}" if more else None})

    def link(self, request: Request) -> Response:
        page = self._int(request, "page", 1)
        last = -(-len(ITEMS) // 5)
        links = [f'<{request.host_url}link?page={last}>; rel="last"']
        if page < last:
            links.insert(0, f'</link?page={page + 1}>; rel="next"; title="page, next"')
        if page > 1:
            links.append(f'<?page={page - 1}>; rel="prev"')
        return _json(ITEMS[(page - 1) * 5:page * 5], headers={"Link": ", ".join(links)})

    def stuck(self, request: Request) -> Response:
        return _json({"items": ITEMS[:5], "next": f"/stuck?page={self._int(request, 'page', 1) + 1}"})

    def search(self, request: Request) -> Response:
        data = request.get_json(silent=True) or {}
        start = int(data.get("offset", 0))
        return _json({"items": ITEMS[start:start + 5], "more": start + 5 < len(ITEMS), "query": data.get("q")})

    def token(self, request: Request) -> Response:
        if request.form.get("client_secret") != "paging-secret":
            return _json({"error": "invalid_client"}, 401)
        with self.lock:
            token = f"tok-{len(self.tokens) + 1}"
            self.tokens.add(token)
        return _json({"access_token": token, "token_type": "Bearer", "expires_in": 600})

    def secure(self, request: Request) -> Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or token not in self.tokens:
            return _json({"error": "invalid_token"}, 401)
        return self.pages(request)

    def flaky(self, request: Request) -> Response:
        page = request.args.get("page", "1")
        with self.lock:
            first = page not in self.failed
            self.failed.add(page)
        if first:
            return _json({"error": "try again"}, 503)
        return self.pages(request)


def start_paging() -> tuple[RunningServer, PagingApi]:
    app = PagingApi()
    return serve_wsgi(app), app
