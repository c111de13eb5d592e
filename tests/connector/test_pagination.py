"""Pagination in FEEL against a real paging API on 127.0.0.1 (tests/servers/paging_server.py):
cursor, offset, page numbers, next URL, Link header, a body offset; stop conditions; the
duplicate guards; auth, retries across pages; sync and async; the dry-run plan."""
from __future__ import annotations

import asyncio

import pytest

from feelish import ConnectorError, Literal
from tests.servers.paging_server import ITEMS, start_paging


#: page numbers: the next page while the body says there are more
BY_PAGE = {"next": "if page < response.body.totalPages then {queryParameters: {page: page + 1}} else null",
           "items": "response.body.data"}


@pytest.fixture(scope="module")
def paging():
    server, app = start_paging()
    yield server.url, app
    server.close()


@pytest.fixture
def api(paging):
    url, app = paging
    app.hits.clear()
    return url, app


def _connector(make, base: str, path: str, pagination: dict, **fields):
    return make({"url": Literal(base + path), "pagination": pagination,
                 "resultExpression": "{all: items, pages: pages, last: response.status}", **fields})


def test_cursor_in_the_body(make, api):
    base, app = api
    c = _connector(make, base, "/cursor", {
        "next": 'if response.body.nextCursor = null then null else {queryParameters: {cursor: response.body.nextCursor}}',
        "items": "response.body.items"}, queryParameters=Literal({"limit": 5}))
    out = c.run().outputs
    assert out["all"] == ITEMS and out["pages"] == 5 and out["last"] == 200
    assert app.hits["/cursor"] == 5


def test_offset_and_limit_with_a_stop_condition(make, api):
    base, app = api
    c = _connector(make, base, "/offset", {
        "next": "{queryParameters: {offset: page * 10}}",
        "items": "response.body.items",
        "until": "page * 10 >= response.body.total"}, queryParameters=Literal({"limit": 10, "offset": 0}))
    out = c.run().outputs
    assert out["all"] == ITEMS and out["pages"] == 3


def test_page_numbers(make, api):
    base, app = api
    c = _connector(make, base, "/pages", BY_PAGE, queryParameters=Literal({"per_page": 5}))
    assert c.run().outputs["all"] == ITEMS and app.hits["/pages"] == 5


def test_next_url_in_the_body_is_resolved_against_the_request(make, api):
    base, app = api
    c = _connector(make, base, "/next", {"next": "response.body.next", "items": "response.body.results"},
                   queryParameters=Literal({"page": 1}))
    out = c.run().outputs
    assert out["all"] == ITEMS and out["pages"] == 5


def test_link_header(make, api):
    base, app = api
    c = _connector(make, base, "/link", {"next": "links.next"})
    out = c.run().outputs
    assert out["all"] == ITEMS and out["pages"] == 5
    c = _connector(make, base, "/link", {"next": "links.next", "until": 'request.url = links.last'})
    assert c.run().outputs["pages"] == 5


def test_offset_in_a_json_body(make, api):
    base, app = api
    c = _connector(make, base, "/search", {
        "next": "if response.body.more then {body: {offset: page * 5}} else null",
        "items": "response.body.items"}, method='"POST"', body=Literal({"q": "tea", "offset": 0}))
    out = c.run().outputs
    assert out["all"] == ITEMS and app.hits["/search"] == 5


def test_an_empty_page_stops(make, api):
    base, app = api
    c = _connector(make, base, "/offset", {"next": "{queryParameters: {offset: page * 5}}",
                                           "items": "response.body.items"})
    out = c.run().outputs
    assert out["all"] == ITEMS and out["pages"] == 6  # the sixth page is empty
    c = _connector(make, base, "/offset", {"next": "{queryParameters: {offset: page * 5}}",
                                           "items": "response.body.items", "stopOnEmpty": "false",
                                           "maxPages": 7})
    assert c.run().outputs["pages"] == 7


def test_max_pages_stops_with_a_warning(make, api):
    base, app = api
    c = _connector(make, base, "/link", {"next": "links.next", "maxPages": 2})
    outcome = c.run()
    assert outcome.outputs["all"] == ITEMS[:10] and outcome.outputs["pages"] == 2
    assert [w.kind for w in outcome.warnings] == ["pagination-limit"]
    assert app.hits["/link"] == 2


@pytest.mark.parametrize("path, pagination, message", [
    # the server ignores the paging parameter: the same items come back
    ("/stuck", {"next": "response.body.next", "items": "response.body.items"},
     "page 2 has the same items as page 1"),
    # `next` does not advance: the same request again
    ("/pages", {"next": "{queryParameters: {page: 2}}", "items": "response.body.data"},
     "the request for page 3 repeats the one of page 2"),
])
def test_the_duplicate_guards(make, api, path, pagination, message):
    base, app = api
    with pytest.raises(ConnectorError) as failed:
        _connector(make, base, path, pagination).run()
    assert failed.value.code == "PAGINATION_ERROR" and message in failed.value.message
    assert app.hits[path] == 2


def test_auth_is_shared_across_pages(make, api):
    base, app = api
    app.tokens.clear()
    c = _connector(make, base, "/secure", BY_PAGE,
                   authentication=Literal({"type": "oauth-client-credentials-flow", "oauthTokenEndpoint": base + "/token",
                                           "clientId": "pager", "clientSecret": "paging-secret"}))
    assert c.run().outputs["all"] == ITEMS
    assert app.hits["/token"] == 1 and app.hits["/secure"] == 5


def test_every_page_is_retried(make, api):
    base, app = api
    c = _connector(make, base, "/flaky", BY_PAGE,
                   retries=2, retryBackoff=0, queryParameters=Literal({"page": 1}))
    outcome = c.run()
    assert outcome.outputs["all"] == ITEMS and outcome.attempts == 10
    assert app.hits["/flaky"] == 10


def test_a_failed_page_fails_the_call_and_maps_nothing(make, api):
    base, app = api
    c = _connector(make, base, "/next", {"next": '"/missing"', "items": "response.body.results"})
    with pytest.raises(ConnectorError) as failed:
        c.run()
    assert failed.value.code == "404"


def test_async_pages(make, api):
    base, app = api
    c = _connector(make, base, "/link", {"next": "links.next", "delay": "0.01"})
    out = asyncio.run(c.run_async()).outputs
    assert out["all"] == ITEMS and out["pages"] == 5


def test_dry_run_shows_the_first_request_and_the_plan(make, api):
    base, app = api
    c = _connector(make, base, "/link", {"next": "links.next", "maxPages": 3})
    request = c.dry_run().to_dict()
    assert request["url"] == base + "/link"
    assert request["settings"]["pagination"] == {"next": "links.next", "maxPages": 3, "stopOnEmpty": True}
    assert app.hits["/link"] == 0


@pytest.mark.parametrize("pagination, message", [
    ({"items": "response.body"}, "pagination needs `next`"),
    ({"next": "null", "pages": 3}, "unknown pagination field(s): pages"),
    ({"next": "null", "maxPages": 0}, "pagination.maxPages must be a whole number from 1 to 10000"),
    ({"next": "null", "delay": 1000}, "pagination.delay must be 0 to 300 seconds"),
    ({"next": "42"}, "pagination.next must be null, a URL or a context"),
    ({"next": "{method: \"POST\"}"}, "pagination.next may set url, queryParameters, body and headers, not method"),
])
def test_bad_pagination_is_an_input_error(make, api, pagination, message):
    base, app = api
    with pytest.raises(ConnectorError) as failed:
        _connector(make, base, "/link", pagination).run()
    assert failed.value.code == "INPUT_ERROR" and message in failed.value.message
