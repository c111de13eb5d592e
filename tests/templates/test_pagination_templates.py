"""Pagination in a template: `pagination.*` lines, checked (names each line may read), run against
the paging API, dry-run plan, and recorded then replayed as a saved test case."""
from __future__ import annotations

import pytest

from feelish.connector import Runtime
from feelish.templates import check, dry_run_template, loads, parse_template, run_template
from feelish.templates.testcases import record_case, run_case
from tests.servers.paging_server import ITEMS, start_paging

CURSOR = """
connector list-items "Every item, page by page"
input base: string required
input pageSize: number = 5
url: base + "/cursor"
queryParameters: {limit: pageSize}
pagination.next:
  if response.body.nextCursor = null then null
  else {queryParameters: {cursor: response.body.nextCursor}}
pagination.items: response.body.items
pagination.maxPages: 20
resultExpression: {names: items, count: count(items), pages: pages}
"""


@pytest.fixture(scope="module")
def paging():
    server, app = start_paging()
    yield server.url, app
    server.close()


def test_a_paginated_template_checks_and_runs(paging):
    base, app = paging
    template = loads(CURSOR, "list-items.feelish")
    with Runtime(trust_env=False) as runtime:
        out = run_template(template, {"base": base, "pageSize": 10}, runtime=runtime).outputs
    assert out == {"names": ITEMS, "count": 23, "pages": 3}


def test_dry_run_shows_the_plan(paging):
    base, _ = paging
    request = dry_run_template(loads(CURSOR, "t.feelish"), {"base": base})
    assert request["url"] == base + "/cursor?limit=5"
    plan = request["settings"]["pagination"]
    assert plan["items"] == "response.body.items" and plan["maxPages"] == "20"
    assert plan["next"].startswith("if response.body.nextCursor = null")


def test_the_checker_knows_what_each_line_sees():
    template = parse_template(CURSOR.replace("pagination.items: response.body.items",
                                             "pagination.items: respons.body.items"), "t.feelish")
    [problem] = check(template)
    assert problem.message == "'respons' is not a declared input" and "did you mean 'response'" in problem.hint
    plain = parse_template('input base: string required\nurl: base\nresultExpression: {n: count(items)}\n', "p")
    [problem] = check(plain)
    assert problem.message == "'items' is not a declared input"
    bad = parse_template(CURSOR.replace("pagination.maxPages: 20", 'pagination.maxPages: "many"'), "b")
    [problem] = check(bad)
    assert problem.message == "field 'pagination.maxPages' takes a number, not a string"


def test_a_paginated_call_records_and_replays(paging):
    base, _ = paging
    template = loads(CURSOR, "list-items.feelish")
    case = record_case(template, {"base": base}, name="all pages")
    assert len(case["exchanges"]) == 5 and case["outputs"]["count"] == 23
    assert run_case(template, case).passed
    shorter = {**case, "exchanges": case["exchanges"][:3]}
    result = run_case(template, shorter)
    assert not result.passed and "request 4" in result.message
