"""`check`: every problem with its position (syntax, unknown fields, missing fields, undeclared
names, literal type mismatches); good templates pass."""
from __future__ import annotations

import pytest

from feelish.errors import TemplateError
from feelish.templates import builtin_names, check, load, loads, parse_template


def problems(text: str) -> list[TemplateError]:
    return check(parse_template(text, "t.feelish"))


def only(text: str) -> TemplateError:
    found = problems(text)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def test_a_good_template_has_no_problems():
    text = '''input base: string required
input city: string = "Paris"
input limit: number = 3
method: "GET"
url: base + "/weather"
queryParameters: {city: city, days: limit, list: for i in 1..limit return i}
headers: {"X-Trace": string(limit)}
resultExpression: {temp: response.body.temperature, hot: response.body.temperature > 20,
  first: response.body.items[price > limit].name}
errorExpression: if response.status = 404 then bpmn error("NOT_FOUND", "no city") else null
resultVariable: "weather"
'''
    assert problems(text) == []


def test_expression_syntax_error_points_into_the_file():
    text = 'input x: number\nurl: "http://a"\nbody:\n  {a: x +\n   }\n'
    p = only(text)
    assert (p.line, p.column) == (5, 4) and p.origin == "t.feelish"
    assert "5 |    }" in str(p)


def test_indented_line_continues_the_previous_expression():
    p = only('url: "http://a"\n  method: "GET"\n')
    assert p.line == 2


def test_unknown_field_with_suggestion():
    p = only('url: "http://a"\nheaderz: {}\n')
    assert "unknown field 'headerz'" in p.message and p.hint == "did you mean 'headers'?"
    assert (p.line, p.column) == (2, 1)


def test_missing_required_field():
    p = only('connector x\nmethod: "GET"\n')
    assert "missing required field 'url'" in p.message and p.line == 1


def test_token_kind_needs_no_url():
    assert problems('kind: "token"\nauthentication.type: "oauth2-client-credentials"\n') == []


def test_undeclared_input_is_reported_at_its_use():
    text = 'input base: string\nurl: base + path\nbody: {n: count}\n'
    found = problems(text)
    assert [(p.message, p.line, p.column) for p in found] == [
        ("'path' is not a declared input", 2, 13),
        ("'count' is not a declared input", 3, 11),
    ]


def test_process_variables_called_body_or_url_are_not_visible():
    p = only('url: url\n')
    assert "'url' is not a declared input" in p.message


def test_response_is_visible_only_after_the_call():
    p = only('url: "http://a"\nbody: response.body\nresultExpression: {b: response.body}\n')
    assert "'response'" in p.message and p.line == 2


def test_error_is_visible_in_the_error_expression():
    assert problems('url: "http://a"\nerrorExpression: if error.code = "404" then null else null\n') == []


def test_locals_are_not_inputs():
    text = ('url: "http://a"\nbody: {a: 1, b: a + 1, c: for x in [1] return x + y,'
            ' f: function(p) p + 1, s: some q in [1] satisfies q > 0}\n')
    p = only(text)
    assert "'y'" in p.message


def test_input_default_sees_earlier_inputs_only():
    found = problems('input a: number = b\ninput b: number = 1\ninput c: number = b + 1\nurl: "http://x"\n')
    assert len(found) == 1 and "used before it is declared" in found[0].message and found[0].line == 1


@pytest.mark.parametrize("line, fragment", [
    ('method: 42', "field 'method' takes a string, not a number"),
    ('method: "FETCH"', "'FETCH' is not a valid method"),
    ('followRedirects: "yes"', "field 'followRedirects' takes a boolean, not a string"),
    ('connectionTimeoutInSeconds: "20"', "takes a number, not a string"),
    ('headers: ["a"]', "field 'headers' takes a context, not a list"),
    ('resultVariable: 3', "resultVariable must be a name"),
])
def test_literal_type_mismatches(line, fragment):
    p = only('url: "http://a"\n' + line + "\n")
    assert fragment in p.message and p.line == 2


def test_input_type_mismatches():
    found = problems('input t: string = 5\ninput n: string\nurl: "http://a"\nreadTimeoutInSeconds: n\n')
    assert [p.line for p in found] == [1, 4]
    assert "is a number, but the input is a string" in found[0].message
    assert "takes a number, but input 'n' is a string" in found[1].message


def test_several_problems_are_all_reported_in_order():
    found = problems('input a: number = "x"\nbogus: 1\nurl: b\nmethod: 1 +\n')
    assert [p.line for p in found] == [1, 2, 3, 4]


def test_load_raises_one_error_holding_every_problem():
    with pytest.raises(TemplateError) as info:
        loads('bogus: 1\nurl: b\n', "t.feelish")
    assert len(info.value.problems) == 2 and "and 1 more problem" in info.value.message


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_connector_checks_clean(name):
    template = load(name)
    assert template.builtin and template.doc and template.title
    assert "url" in template.inputs or template.fields.get("kind")
    for decl in template.inputs.values():
        assert decl.doc, f"{name}: input {decl.name} is not documented"


def test_the_builtin_library_is_complete():
    assert set(builtin_names()) >= {"get", "head", "delete", "post", "post-file", "put", "put-file",
                                    "patch", "oauth2-token", "rest"}


def test_unknown_builtin_name_lists_the_library():
    with pytest.raises(TemplateError) as info:
        load("gett")
    assert "no built-in connector named 'gett'" in info.value.message and "get" in info.value.hint


def test_the_field_table_matches_the_runtime():
    from feelish.connector.fields import DEFAULTS
    from feelish.connector.pagination import NAMES as PAGINATION
    from feelish.templates import fields as F

    for name in F.FIELDS:
        head, dot, rest = name.partition(".")
        if name in F.ALIASES:
            assert F.ALIASES[name] in DEFAULTS
        elif dot and head in F.EXPRESSION_GROUPS:  # pagination.*: the runtime's pagination names
            assert rest in PAGINATION, name
        elif dot:
            assert head in F.GROUPS and head in DEFAULTS
        else:
            assert name in DEFAULTS, name
    assert set(DEFAULTS) <= set(F.FIELDS)  # every runtime field can be set from a template
    assert {f"pagination.{n}" for n in PAGINATION} <= set(F.FIELDS)


@pytest.mark.parametrize("name, value", [
    ("method", '"POST"'), ("url", '"http://a"'), ("queryParameters", "{a: 1}"), ("headers", "{}"),
    ("body", "[1, {b: null}]"), ("contentType", '"text/plain"'), ("charset", '"UTF-8"'),
    ("followRedirects", "true"), ("connectionTimeoutInSeconds", "5"), ("readTimeoutInSeconds", "0.5"),
    ("authentication", '{type: "basic", username: "u", password: "p"}'), ("proxy", '"http://p:3128"'),
    ("proxy.url", '"http://p:3128"'), ("verify", "false"), ("clientTls.trustedCertificate", '"PEM"'),
    ("failOnStatus", "false"), ("ignoreStatus", '[404, "5xx"]'), ("retries", "2"), ("retryBackoff", '"PT1S"'),
    ("resultVariable", '"r"'), ("resultExpression", "{s: response.status}"),
    ("errorExpression", 'if response.status = 204 then bpmnError("EMPTY") else null'), ("kind", '"rest"'),
])
def test_each_field_kind_is_accepted(name, value):
    text = ('url: "http://a"\n' if name != "url" else "") + f"{name}: {value}\n"
    assert problems(text) == []


def test_description_after_the_default_gets_a_hint():
    p = only('input x: number = 1 "doc"\nurl: "http://a"\n')
    assert p.line == 1 and "description goes before the default" in p.hint
